"""A real, throwaway PostgreSQL server for the tests that need one (the shared history), started from the
system's PostgreSQL binaries (Debian: the `postgresql` package, which .ci/run installs).

`initdb` refuses to run as root, so as root the cluster belongs to the `postgres` user. Trust authentication over
TCP on 127.0.0.1 (a throwaway server); with `tls=` the server also speaks TLS with a test CA's certificate.
In CI (CI=true) a missing PostgreSQL fails the tests instead of skipping them.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest


def pg_bin() -> Path | None:
    if explicit := os.environ.get("PG_BIN"):
        return Path(explicit)
    if found := shutil.which("pg_ctl"):
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


def require_pg_bin() -> Path:
    found = pg_bin()
    if found is None:
        message = "PostgreSQL's server binaries are not installed (Debian: apt-get install postgresql)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": CI must install them (.ci/run)")
        pytest.skip(message)
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    folder: Path
    port: int
    bin: Path
    as_postgres: bool
    host: str = "127.0.0.1"
    user: str = "postgres"
    options: str = ""  # pg_ctl -o: what `start` starts it with again after a `stop`

    def url(self, database: str = "postgres", **params: str) -> str:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return f"postgresql://{self.user}@{self.host}:{self.port}/{database}" + (f"?{query}" if query else "")

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self, *, keep: bool = False) -> None:
        """Stop it (as a crash would) and remove its folder; `keep`: leave the data, to `start` it again."""
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop", check=False)
        if not keep:
            # A cluster is some 600 MB: left behind by every run, they filled the shared machine's disk.
            shutil.rmtree(self.folder, ignore_errors=True)

    def close(self) -> None:
        """Stop it and remove its folder."""
        self.stop()

    def start(self) -> None:
        """Start it again (after `stop`), on the same port with the same data."""
        data, log = str(self.folder / "data"), str(self.folder / "log")
        result = self._run("pg_ctl", "-D", data, "-o", self.options, "-l", log, "-w", "start", check=False)
        if result.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not start again: {result.stderr}")

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / tool), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)


def start_server(*, tls: tuple[Path, Path] | None = None) -> PgServer:
    """initdb + pg_ctl start in a temporary folder; `tls` = (certificate chain, key) files to serve TLS with."""
    binaries = require_pg_bin()
    as_postgres = os.geteuid() == 0
    folder = Path(tempfile.mkdtemp(prefix="pg-test-"))
    server = PgServer(folder=folder, port=_free_port(), bin=binaries, as_postgres=as_postgres)
    if as_postgres:
        shutil.chown(folder, "postgres", "postgres")
    server._run("initdb", "-D", str(folder / "data"), "--auth=trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
    options = [
        f"-p {server.port}",
        f"-k {folder}",
        "-c listen_addresses=127.0.0.1",
        "-c fsync=off",
        "-c max_connections=50",
    ]
    if tls is not None:
        cert, key = (folder / "server.crt", folder / "server.key")
        shutil.copy(tls[0], cert)
        shutil.copy(tls[1], key)
        os.chmod(key, 0o600)
        if as_postgres:
            for path in (cert, key):
                shutil.chown(path, "postgres", "postgres")
        options += ["-c ssl=on", f"-c ssl_cert_file={cert}", f"-c ssl_key_file={key}"]
    server.options = " ".join(options)
    result = server._run(
        "pg_ctl",
        "-D",
        str(folder / "data"),
        "-o",
        server.options,
        "-l",
        str(folder / "log"),
        "-w",
        "start",
        check=False,
    )
    if result.returncode != 0:
        log = (folder / "log").read_text(errors="replace") if (folder / "log").exists() else ""
        raise RuntimeError(f"PostgreSQL did not start: {result.stderr}\n{log}")
    return server
