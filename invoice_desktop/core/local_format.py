"""Numbers and dates as the clerk's region writes them, apart from the language (Qt-free; the window and the CLI).

An English UI on a Swedish computer still types and shows `1 234,50` and `2026-03-31`; a German region types
`1.234,50` and `31.03.2026`. What is typed is turned here into one neutral spelling (`1234.50`, `2026-03-31`) before
the providers' models see it, so what is SENT stays exactly each API's documented format in every language and
region. The window takes the region's separators and date order from QLocale.system() (ui/language.py); the CLI
from LC_ALL / LC_NUMERIC / LC_TIME / LANG and the small table below.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from decimal import Decimal

NBSP = "\u00a0"  # no-break space: Swedish grouping (and French before 2017)
NNBSP = "\u202f"  # narrow no-break space: French grouping (CLDR)
# Any space is a group separator when typed (a clerk types a plain space for the no-break one); none is a decimal.
_SPACES = " \u00a0\u202f\u2009"
_APOSTROPHES = "'’"


@dataclass(frozen=True)
class Region:
    """How a region writes numbers and dates: its decimal mark, its thousands separator and its date order."""

    name: str
    decimal: str = "."
    group: str = ""  # "" = none shown (the C locale)
    date_format: str = "%Y-%m-%d"  # strftime/strptime


C_REGION = Region("C")
# The regions of the providers' clerks (and their neighbours), as CLDR writes them. The CLI's table; the window
# reads the same from QLocale.system(), with the clerk's own changes to it.
REGIONS: dict[str, Region] = {
    "en": Region("en_US", ".", ",", "%m/%d/%Y"),
    "en_US": Region("en_US", ".", ",", "%m/%d/%Y"),
    "en_GB": Region("en_GB", ".", ",", "%d/%m/%Y"),
    "en_IE": Region("en_IE", ".", ",", "%d/%m/%Y"),
    "de": Region("de_DE", ",", ".", "%d.%m.%Y"),
    "de_CH": Region("de_CH", ".", "’", "%d.%m.%Y"),
    "es": Region("es_ES", ",", ".", "%d/%m/%Y"),
    "es_MX": Region("es_MX", ".", ",", "%d/%m/%Y"),
    "es_US": Region("es_US", ".", ",", "%d/%m/%Y"),
    "fr": Region("fr_FR", ",", NNBSP, "%d/%m/%Y"),
    "fr_CA": Region("fr_CA", ",", NBSP, "%Y-%m-%d"),
    "fr_CH": Region("fr_CH", ",", NNBSP, "%d.%m.%Y"),
    "nl": Region("nl_NL", ",", ".", "%d-%m-%Y"),
    "nl_BE": Region("nl_BE", ",", ".", "%d/%m/%Y"),
    "pt": Region("pt_PT", ",", NBSP, "%d/%m/%Y"),
    "pt_BR": Region("pt_BR", ",", ".", "%d/%m/%Y"),
    "sv": Region("sv_SE", ",", NBSP, "%Y-%m-%d"),
}

_region: Region | None = None


def region_named(locale_name: str) -> Region:
    """ "de_DE.UTF-8" / "sv-SE" / "fr" -> its region; C, POSIX and anything unknown -> the C region."""
    base = re.split(r"[.@]", locale_name.strip(), maxsplit=1)[0].replace("-", "_")
    if not base or base.upper() in ("C", "POSIX"):
        return C_REGION
    language, _sep, country = base.partition("_")
    key = f"{language.lower()}_{country.upper()}" if country else language.lower()
    return REGIONS.get(key) or REGIONS.get(language.lower()) or C_REGION


def region_from_environment(environ: Mapping[str, str] | None = None) -> Region:
    """The CLI's region, as libc reads it: numbers from LC_ALL, LC_NUMERIC, LANG; dates from LC_ALL, LC_TIME, LANG."""
    env = os.environ if environ is None else environ

    def first(*names: str) -> str:
        return next((env[name] for name in names if env.get(name)), "C")

    numbers = region_named(first("LC_ALL", "LC_NUMERIC", "LANG"))
    dates = region_named(first("LC_ALL", "LC_TIME", "LANG"))
    return Region(numbers.name, numbers.decimal, numbers.group, dates.date_format)


def set_region(region: Region | None) -> None:
    """The region typing and showing use from now on (None: read the environment again when next asked)."""
    global _region
    _region = region


def current_region() -> Region:
    global _region
    if _region is None:
        _region = region_from_environment()
    return _region


# -- amounts ------------------------------------------------------------------------------------------------------

_API_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def _group_chars(region: Region) -> str:
    chars = _SPACES
    if region.group and region.group not in _SPACES:
        chars += region.group
    if region.group in _APOSTROPHES:
        chars += _APOSTROPHES
    return chars


def read_in_region(text: str, region: Region) -> str | None:
    """`text` as the region writes a number -> "1234.50"; None when it is not one. Group separators must group by
    three ("1.234,50"; "12.50" is no German number), so a mistyped separator is never silently read."""
    body = text.strip()
    sign = ""
    if body[:1] in ("-", "−", "+"):
        sign, body = ("" if body[0] == "+" else "-"), body[1:].strip()
    whole, sep, fraction = body.partition(region.decimal)
    if sep and not (fraction.isascii() and fraction.isdigit()):
        return None
    groups = re.split("[" + re.escape(_group_chars(region)) + "]", whole)
    if not all(g.isascii() and g.isdigit() for g in groups):
        return None
    if len(groups) > 1 and not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])):
        return None
    return f"{sign}{''.join(groups)}{'.' + fraction if sep else ''}"


def amount_readings(text: str, region: Region | None = None) -> tuple[str | None, str | None]:
    """(the region's reading, the API spelling's reading) of a typed amount, each "1234.50" or None."""
    region = region or current_region()
    stripped = text.strip()
    api = stripped if _API_NUMBER.fullmatch(stripped) else None
    if api is not None and api.startswith("+"):
        api = api[1:]
    return read_in_region(stripped, region), api


def parse_amount(text: str, region: Region | None = None) -> str | None:
    """What a clerk typed -> "1234.50" (neutral: the provider formats it for its API); None when it is no number.

    The region's way first ("1.234,50" in Germany, "1 234,50" in Sweden with any kind of space), then the API's
    ("1234.50", as pasted from a system), then a lone decimal comma ("30,00") whatever the region."""
    region_reading, api_reading = amount_readings(text, region)
    if region_reading is not None:
        return region_reading
    if api_reading is not None:
        return api_reading
    stripped = text.strip()
    if re.fullmatch(r"[+-]?\d+,\d{1,2}", stripped):
        return stripped.replace(",", ".").lstrip("+")
    return None


# A number already written plainly ("20", "-1.50"): shown as Decimal would write it, without importing decimal (the
# idle window's drop zone shows "up to 20 MB"; decimal is ~0.5 MiB that the first edit's pydantic brings anyway).
_PLAIN_NUMBER = re.compile(r"([+-]?)0*([0-9]+(?:\.[0-9]+)?)")


def format_amount(value: Decimal | float | int | str, region: Region | None = None) -> str:
    """A number as the region shows it: Decimal("1234.50") -> "1.234,50" (de), "1 234,50" (sv), "1,234.50" (en)."""
    region = region or current_region()
    plain = _PLAIN_NUMBER.fullmatch(str(value)) if isinstance(value, (str, int)) or is_decimal(value) else None
    if plain is not None:
        text = ("-" if plain[1] == "-" else "") + plain[2]
    else:
        from decimal import Decimal, InvalidOperation

        try:
            number = value if isinstance(value, Decimal) else Decimal(str(value))
        except InvalidOperation:
            return str(value)
        if not number.is_finite():
            return str(value)
        text = format(number, "f")
    sign = "-" if text.startswith("-") else ""
    whole, _sep, fraction = text.lstrip("-").partition(".")
    if region.group:
        head = len(whole) % 3 or 3
        whole = region.group.join([whole[:head], *(whole[i : i + 3] for i in range(head, len(whole), 3))])
    return f"{sign}{whole}{region.decimal + fraction if fraction else ''}"


# -- dates --------------------------------------------------------------------------------------------------------

_TIME_FORMATS = ("%H:%M:%S", "%H:%M")


def _date(text: str, formats: tuple[str, ...]) -> dt.date | None:
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_date(text: str, region: Region | None = None) -> dt.date | None:
    """A typed date: the region's order ("31.03.2026", "03/31/2026"), else ISO ("2026-03-31"); None otherwise."""
    region = region or current_region()
    return _date(text.strip(), (region.date_format, "%Y-%m-%d"))


def parse_datetime(text: str, region: Region | None = None) -> dt.datetime | None:
    """A typed date with an optional time ("31.03.2026 14:30"; ISO with a space or a T); None otherwise."""
    date_text, _sep, time_text = text.strip().replace("T", " ", 1).partition(" ")
    day = parse_date(date_text, region)
    if day is None:
        return None
    if not time_text.strip():
        return dt.datetime(day.year, day.month, day.day)
    for fmt in _TIME_FORMATS:
        try:
            clock = dt.datetime.strptime(time_text.strip(), fmt).time()
        except ValueError:
            continue
        return dt.datetime.combine(day, clock)
    return None


def format_date(value: dt.date, region: Region | None = None) -> str:
    """A date as the region shows it; a datetime adds its time as HH:MM:SS."""
    region = region or current_region()
    shown = f"{value.day:02d}".join(region.date_format.split("%d"))
    shown = f"{value.month:02d}".join(shown.split("%m"))
    shown = f"{value.year:04d}".join(shown.split("%Y"))
    if isinstance(value, dt.datetime):
        shown += value.strftime(" %H:%M:%S")
    return shown


def format_timestamp(stored: str, region: Region | None = None, *, seconds: bool = True) -> str:
    """A stored ISO time ("2026-03-31T14:05:09+02:00") as the region writes it ("31.03.2026 14:05:09"), in this
    computer's time zone (a colleague's on a shared history may differ); text that is no ISO time is shown as it is."""
    try:
        moment = dt.datetime.fromisoformat(stored.strip())
    except ValueError:
        return stored
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    shown = format_date(moment.replace(microsecond=0, tzinfo=None), region)
    return shown if seconds else shown[:-3]


def date_example(region: Region | None = None) -> str:
    """A date written the region's way, for a field's placeholder ("31.12.2026")."""
    return format_date(dt.date(2026, 12, 31), region)


def strftime_from_qt(qt_format: str) -> str:
    """Qt's short date format ("dd.MM.yy", "M/d/yy", "yyyy-MM-dd") as a strptime pattern with a 4-digit year;
    ISO when it names months or weekdays in words (no short format does)."""
    out = []
    for token in re.findall(r"y+|M+|d+|'[^']*'|[^yMd']+", qt_format):
        if token[0] == "y":
            out.append("%Y")
        elif token[0] == "M":
            if len(token) > 2:
                return "%Y-%m-%d"
            out.append("%m")
        elif token[0] == "d":
            if len(token) > 2:
                return "%Y-%m-%d"
            out.append("%d")
        else:
            out.append(token.strip("'").replace("%", "%%"))
    pattern = "".join(out)
    return pattern if all(code in pattern for code in ("%Y", "%m", "%d")) else "%Y-%m-%d"


# -- a form's typed values ----------------------------------------------------------------------------------------


class AmbiguousNumber(ValueError):
    """A text the region reads as one number and the API's spelling as another ("1.500": 1500 or 1.5)."""


def field_kind(model: Any, name: str) -> str:
    """ "decimal" | "date" | "datetime" for the form model's field `name` (its name or its API alias), else ""."""
    for field_name, info in getattr(model, "model_fields", {}).items():
        if name in (field_name, getattr(info, "alias", None)):
            kind, _model = _scalar_kind(info.annotation)
            return kind if kind in ("decimal", "date", "datetime") else ""
    return ""


def _scalar_kind(annotation: Any) -> tuple[str, Any]:
    """("decimal" | "date" | "datetime" | "model" | "list" | "", inner model) for a pydantic field's annotation."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _scalar_kind(typing.get_args(annotation)[0])
    if origin is not None and origin not in (list, tuple):
        for arg in typing.get_args(annotation):  # Optional[X], X | None: the first that is not None
            if arg is not type(None):
                return _scalar_kind(arg)
        return "", None
    if origin in (list, tuple):
        args = typing.get_args(annotation)
        inner = args[0] if args else None
        return ("list", inner) if hasattr(inner, "model_fields") else ("", None)
    if isinstance(annotation, type):
        if hasattr(annotation, "model_fields"):
            return "model", annotation
        if issubclass(annotation, bool):
            return "", None
        if issubclass(annotation, float) or _is_decimal_type(annotation):
            return "decimal", None
        if issubclass(annotation, dt.datetime):
            return "datetime", None
        if issubclass(annotation, dt.date):
            return "date", None
    return "", None


def localize_form_data(model: Any, data: Any, region: Region | None = None) -> Any:
    """The CLI's typed form (JSON, the API's field names) with amounts and dates written the region's way turned
    into the neutral spelling; JSON numbers, and text that is no number or date here, are left as they are (the
    model then says what is wrong). A number the region and the API's spelling read differently ("1.500" in a
    German region) raises AmbiguousNumber: never guess an amount."""
    if not isinstance(data, Mapping) or not hasattr(model, "model_fields"):
        return data
    region = region or current_region()
    by_key = {}
    for name, info in model.model_fields.items():
        by_key[name] = info
        if getattr(info, "alias", None):
            by_key[info.alias] = info
    out = dict(data)
    for key, value in data.items():
        info = by_key.get(key)
        if info is None:
            continue
        kind, inner = _scalar_kind(info.annotation)
        if kind == "model":
            out[key] = localize_form_data(inner, value, region)
        elif kind == "list" and isinstance(value, list):
            out[key] = [localize_form_data(inner, item, region) for item in value]
        elif isinstance(value, str) and value.strip():
            out[key] = _localized_scalar(kind, value, region, key)
    return out


def _localized_scalar(kind: str, value: str, region: Region, key: str) -> str:
    if kind == "decimal":
        from decimal import Decimal

        region_reading, api_reading = amount_readings(value, region)
        if region_reading and api_reading and Decimal(region_reading) != Decimal(api_reading):
            raise AmbiguousNumber(
                f"{key}: “{value}” is {format_amount(region_reading, region)} as this computer writes numbers "
                f"({region.name}) but {api_reading} as the API writes them: write it without a group separator, "
                f"e.g. {format_amount(region_reading, Region('C', region.decimal))}, or as a JSON number."
            )
        return parse_amount(value, region) or value
    if kind == "date":
        day = parse_date(value, region)
        return day.isoformat() if day else value
    if kind == "datetime":
        return neutral_datetime(value, region) or value
    return value


def neutral_datetime(text: str, region: Region | None = None) -> str | None:
    """A typed date with an optional time -> "2026-03-31" or "2026-03-31 14:30:00"; None when it is neither."""
    moment = parse_datetime(text, region)
    if moment is None:
        return None
    has_time = bool(text.strip().replace("T", " ", 1).partition(" ")[2].strip())
    return moment.strftime("%Y-%m-%d %H:%M:%S") if has_time else moment.date().isoformat()


def is_decimal(value: object) -> bool:
    """`value` is a decimal.Decimal, asked without importing decimal (there is none before decimal is imported)."""
    decimal = sys.modules.get("decimal")
    return decimal is not None and isinstance(value, decimal.Decimal)


def _is_decimal_type(cls: type) -> bool:
    decimal = sys.modules.get("decimal")
    return decimal is not None and issubclass(cls, decimal.Decimal)
