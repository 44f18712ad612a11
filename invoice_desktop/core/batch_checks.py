"""A batch's checks before anything is sent: each row against the provider's own form model (the single form's
messages), two rows with one target or one file, and files or targets already sent to the same provider and
environment (succeeded, or may have arrived: never sent again without the clerk's tick)."""

from __future__ import annotations

from . import history as hist
from .errors import FormInvalid
from .history import History
from .i18n import N_, Msg
from .outbox import DUPLICATE, FAILED, INVALID, NOTHING_TO_SEND, READY, REFUSED, REJECTED, Batch, BatchRow
from .provider import Provider
from .upload import validate_form

# Attempts that count as "already there": done, or it may have arrived (never sent again without asking).
ARRIVED = (hist.SUCCEEDED, hist.UNCERTAIN, hist.INTERRUPTED)
# Rows whose values may still change and are checked again after each change.
OPEN = (READY, INVALID, DUPLICATE, FAILED, REJECTED)

# (same file?, uploaded?, ticked?) → the row's message: whole sentences, as word order differs between languages.
_SENT_BEFORE = {
    (True, True, True): N_(
        "This exact file was uploaded on {when} to {targets} (attempt {attempt}). Ticked: it is sent again."
    ),
    (True, True, False): N_(
        "This exact file was uploaded on {when} to {targets} (attempt {attempt}). Skipped unless you tick it."
    ),
    (True, False, True): N_(
        "This exact file may already have arrived on {when} to {targets} (attempt {attempt}). Ticked: it is sent again."
    ),
    (True, False, False): N_(
        "This exact file may already have arrived on {when} to {targets} (attempt {attempt}). Skipped unless you "
        "tick it."
    ),
    (False, True, True): N_(
        "This target was uploaded on {when} to {targets} (attempt {attempt}). Ticked: it is sent again."
    ),
    (False, True, False): N_(
        "This target was uploaded on {when} to {targets} (attempt {attempt}). Skipped unless you tick it."
    ),
    (False, False, True): N_(
        "This target may already have arrived on {when} to {targets} (attempt {attempt}). Ticked: it is sent again."
    ),
    (False, False, False): N_(
        "This target may already have arrived on {when} to {targets} (attempt {attempt}). Skipped unless you tick it."
    ),
}


def check(history: History, provider: Provider, batch: Batch) -> None:
    """Validate every open row with the provider's own form model, catch two rows with the same target, and
    flag rows whose file or target was already sent. Writes nothing (the caller saves what changed)."""
    for row in batch.rows:
        if row.status in OPEN:
            validate(provider, row)
    by_target: dict[str, list[BatchRow]] = {}
    by_file: dict[str, list[BatchRow]] = {}
    for row in batch.rows:
        if row.status in (REFUSED, NOTHING_TO_SEND):
            continue
        if row.target is not None:
            by_target.setdefault(row.target, []).append(row)
        if row.snapshot_sha256:
            by_file.setdefault(row.snapshot_sha256, []).append(row)
    for groups, by_file_too in ((by_target, False), (by_file, True)):
        for key, rows in groups.items():
            if len(rows) < 2:
                continue
            for row in rows:
                if row.status in OPEN:
                    others = ", ".join(str(r.position) for r in rows if r is not row)
                    row.status = INVALID
                    row.message = (
                        Msg("Row(s) {rows} have the same file: only one can be sent. Fix or remove one.", rows=others)
                        if by_file_too
                        else Msg(
                            "Row(s) {rows} have the same target ({target}): only one can be sent. Fix or remove one.",
                            rows=others,
                            target=key,
                        )
                    )
    for row in batch.rows:
        if row.status in (READY, DUPLICATE):
            flag_sent_before(history, batch, row)


def validate(provider: Provider, row: BatchRow) -> None:
    row.field_problems = {}
    try:
        form = validate_form(provider, row.form_data())
    except FormInvalid as exc:
        row.status, row.message, row.field_problems, row.target = INVALID, exc.message, dict(exc.fields), None
        return
    row.target = ", ".join(provider.targets_of(form)) or None
    if row.status in (INVALID, DUPLICATE):
        row.status, row.message = READY, ""
    elif row.status == READY:
        row.message = ""


def flag_sent_before(history: History, batch: Batch, row: BatchRow) -> None:
    """Mark the row a duplicate when its file or target was already sent (unless the clerk ticked it)."""
    earlier = sent_before(history, batch, row)
    if earlier is None:
        row.duplicate = None
        if row.status == DUPLICATE:
            row.status, row.message = READY, ""
        return
    attempt, why = earlier
    when = attempt.created_at[:16].replace("T", " ")
    targets = ", ".join(history.targets(attempt.id)) or "?"
    row.duplicate = {"attempt": attempt.id, "when": when, "target": targets, "why": why, "state": attempt.state}
    sentence = _SENT_BEFORE[(why == "file", attempt.state == hist.SUCCEEDED, row.send_anyway)]
    row.message = Msg(sentence, when=when, targets=targets, attempt=attempt.id)
    row.status = READY if row.send_anyway else DUPLICATE


def sent_before(history: History, batch: Batch, row: BatchRow) -> tuple[hist.Attempt, str] | None:
    """The newest earlier attempt, for the same provider and environment, that sent this exact file (SHA-256) or
    this target and succeeded or may have arrived; with "file" or "target"."""
    own = row.snapshot_path or ""
    marks = ",".join("?" * len(ARRIVED))
    if row.snapshot_sha256:
        found = history.read(
            f"SELECT id FROM attempts WHERE snapshot_sha256=? AND provider=? AND environment=? "
            f"AND state IN ({marks}) AND COALESCE(snapshot_path, '')<>? ORDER BY id DESC LIMIT 1",
            (row.snapshot_sha256, batch.provider, batch.environment, *ARRIVED, own),
        )
        attempt = history.get(found[0][0]) if found else None
        if attempt is not None:
            return attempt, "file"
    if row.target:
        for target in row.target.split(", "):
            for attempt in history.with_target(batch.provider, batch.environment, target):
                if attempt.state in ARRIVED and (attempt.snapshot_path or "") != own:
                    return attempt, "target"
    return None
