"""A sheet beside a batch: CSV or XLSX, one row per document, a `file` column naming it, other columns named by
the provider form's fields or labels. CSV as offices write it: `;` or `,` (sniffed), UTF-8 with or without BOM or
Windows-1252; amounts with decimal commas are read by `numbers.parse_amount` when the row fills the form."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath

from ..errors import InvoiceDesktopError
from ..i18n import Msg


class SheetProblem(InvoiceDesktopError):
    """The sheet as a whole cannot be used (unreadable, no `file` column)."""


@dataclass
class Sheet:
    path: Path
    rows: dict[str, dict[str, str]]  # file name (lower case) → {form field: value}
    row_numbers: dict[str, int]  # file name (lower case) → the row's number as the clerk sees it
    unknown_columns: list[str] = field(default_factory=list)

    def row_for(self, file_name: str) -> tuple[dict[str, str], int] | None:
        key = file_name.lower()
        return (self.rows[key], self.row_numbers[key]) if key in self.rows else None

    def files_not_found(self, existing: set[str]) -> list[str]:
        wanted = {name.lower() for name in existing}
        return [name for name in self.rows if name not in wanted]


def read_sheet(path: Path, fields: Mapping[str, str]) -> Sheet:
    """Read `path`; `fields` maps each form field name to its label (both accepted as a column's title)."""
    if path.suffix.lower() == ".xlsx":
        table = _xlsx_table(path)
    elif path.suffix.lower() in (".csv", ".txt"):
        table = _csv_table(path)
    else:
        raise SheetProblem(Msg("{name}: a sheet must be a .csv or .xlsx file.", name=path.name))
    return _to_sheet(path, table, fields)


def _csv_table(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # cp1252 decodes nearly everything; this is for the few undefined bytes
        raise SheetProblem(
            Msg("{name} is neither UTF-8 nor Windows-1252 text. Save it again as CSV (UTF-8).", name=path.name)
        )
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        first = sample.splitlines()[0] if sample else ""
        dialect = csv.excel
        if first.count(";") > first.count(","):
            dialect = _Semicolon
    return [row for row in csv.reader(io.StringIO(text), dialect) if any(cell.strip() for cell in row)]


class _Semicolon(csv.excel):
    delimiter = ";"


def _xlsx_table(path: Path) -> list[list[str]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise SheetProblem(
            Msg("{name} could not be read as an Excel workbook ({error}).", name=path.name, error=str(exc))
        ) from None
    try:
        sheet = book.worksheets[0]
        table = []
        for values in sheet.iter_rows(values_only=True):
            row = ["" if v is None else _cell_text(v) for v in values]
            if any(cell.strip() for cell in row):
                table.append(row)
        return table
    finally:
        book.close()


def _cell_text(value: object) -> str:
    from datetime import date, datetime

    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _normal(title: str) -> str:
    return " ".join(title.replace("_", " ").split()).casefold()


def _to_sheet(path: Path, table: list[list[str]], fields: Mapping[str, str]) -> Sheet:
    if not table:
        raise SheetProblem(
            Msg("{name} is empty: it needs a header row with a 'file' column and one row a document.", name=path.name)
        )
    header = [cell.strip() for cell in table[0]]
    by_title = {_normal(name): name for name in fields} | {_normal(label): name for name, label in fields.items()}
    columns: dict[int, str] = {}
    file_column = None
    unknown = []
    for i, title in enumerate(header):
        if _normal(title) in ("file", "file name", "filename", "datei", "archivo", "fichier", "fil"):
            file_column = i
        elif _normal(title) in by_title:
            columns[i] = by_title[_normal(title)]
        elif title:
            unknown.append(title)
    if file_column is None:
        raise SheetProblem(
            Msg(
                "{name} has no 'file' column: add one naming each document's file (e.g. invoice-17.pdf).",
                name=path.name,
            )
        )
    rows: dict[str, dict[str, str]] = {}
    numbers: dict[str, int] = {}
    for number, row in enumerate(table[1:], start=2):
        cells = row + [""] * (len(header) - len(row))
        name = PureWindowsPath(cells[file_column].strip()).name  # a path in the cell: its last part
        if not name:
            continue
        rows[name.lower()] = {field: cells[i].strip() for i, field in columns.items() if cells[i].strip()}
        numbers[name.lower()] = number
    return Sheet(path, rows, numbers, unknown)
