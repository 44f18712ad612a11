"""Numbers and dates typed and shown the region's way, read into one neutral spelling (what the providers format for
their APIs), apart from the language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from invoice_desktop.core import local_format as lf
from invoice_desktop.core.local_format import NBSP, NNBSP

DE, SV, FR, US, GB = (lf.region_named(n) for n in ("de_DE.UTF-8", "sv_SE", "fr_FR", "en_US", "en_GB"))


@pytest.mark.parametrize(
    ("region", "typed"),
    [
        (DE, "1.234,50"),
        (DE, "1234,50"),
        (SV, f"1{NBSP}234,50"),
        (SV, "1 234,50"),  # a plain space typed for the no-break one
        (SV, f"1{NNBSP}234,50"),
        (FR, f"1{NNBSP}234,50"),
        (FR, "1 234,50"),
        (FR, f"1{NBSP}234,50"),
        (US, "1,234.50"),
        (GB, "1,234.50"),
        (lf.C_REGION, "1234.50"),
        (DE, "1234.50"),  # the API's spelling, pasted from a system, is still understood
        (SV, "1234.50"),
    ],
)
def test_an_amount_typed_the_regions_way_reads_as_one_number(region, typed):
    assert lf.parse_amount(typed, region) == "1234.50"


def test_a_separator_that_does_not_group_by_three_is_not_read_as_one():
    assert lf.parse_amount("12.50", DE) == "12.50"  # no German number: the API's spelling
    assert lf.parse_amount("1.23,5", DE) is None
    assert lf.parse_amount("1,2,3", US) is None
    assert lf.parse_amount("abc", DE) is None
    assert lf.parse_amount("-1.234,5", DE) == "-1234.5"


def test_the_region_wins_where_both_spellings_read_a_number():
    assert lf.parse_amount("1.500", DE) == "1500"
    assert lf.parse_amount("1,500", US) == "1500"
    assert lf.parse_amount("30,00", lf.C_REGION) == "30.00"  # a lone decimal comma, whatever the region


@pytest.mark.parametrize(
    ("region", "shown"),
    [(DE, "1.234.567,50"), (SV, f"1{NBSP}234{NBSP}567,50"), (FR, f"1{NNBSP}234{NNBSP}567,50"), (US, "1,234,567.50")],
)
def test_an_amount_is_shown_with_the_regions_separators(region, shown):
    assert lf.format_amount(Decimal("1234567.50"), region) == shown
    assert lf.parse_amount(shown, region) == "1234567.50"


def test_small_and_negative_amounts_are_shown_without_a_stray_separator():
    assert lf.format_amount(Decimal("-234.5"), DE) == "-234,5"
    assert lf.format_amount(Decimal("1000"), DE) == "1.000"
    assert lf.format_amount("7", lf.C_REGION) == "7"


def _as_decimal_writes_it(value: object, region: lf.Region) -> str:
    """format_amount as it was before plain numbers skipped decimal: through Decimal, always."""
    from decimal import InvalidOperation

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


@given(
    st.one_of(
        st.from_regex(r"[+-]?[0-9]{1,12}(\.[0-9]{1,4})?", fullmatch=True),
        st.integers(min_value=-(10**15), max_value=10**15),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(alphabet="0123456789+-.,eE_ ٣", max_size=8),
    ),
    st.sampled_from([DE, SV, US, lf.C_REGION]),
)
@example("٣", US)  # an Arabic-Indic digit: Decimal reads it as 3
@example("-007.50", DE)
@example(Decimal("1E+3"), DE)
def test_a_number_written_plainly_is_shown_as_decimal_shows_it(value, region):
    # Plain numbers ("20" MB in the drop zone) are shown without importing decimal; the same words either way.
    assert lf.format_amount(value, region) == _as_decimal_writes_it(value, region)


@pytest.mark.parametrize(
    ("region", "typed"),
    [
        (DE, "31.03.2026"),
        (DE, "31.3.2026"),
        (SV, "2026-03-31"),
        (FR, "31/03/2026"),
        (US, "03/31/2026"),
        (GB, "31/03/2026"),
    ],
)
def test_a_date_typed_the_regions_way_reads_as_that_day(region, typed):
    assert lf.parse_date(typed, region) == dt.date(2026, 3, 31)
    assert lf.parse_date("2026-03-31", region) == dt.date(2026, 3, 31)  # ISO always


def test_dates_are_shown_in_the_regions_order_and_times_added():
    day = dt.date(2026, 3, 1)
    assert [lf.format_date(day, r) for r in (DE, SV, FR, US)] == [
        "01.03.2026",
        "2026-03-01",
        "01/03/2026",
        "03/01/2026",
    ]
    assert lf.format_date(dt.datetime(2026, 3, 1, 14, 5, 9), DE) == "01.03.2026 14:05:09"
    assert lf.neutral_datetime("01.03.2026 14:05", DE) == "2026-03-01 14:05:00"
    assert lf.neutral_datetime("01.03.2026", DE) == "2026-03-01"


def test_the_cli_region_comes_from_the_environment_apart_from_the_language():
    region = lf.region_from_environment({"LANG": "en_US.UTF-8", "LC_NUMERIC": "sv_SE.UTF-8", "LC_TIME": "de_DE.UTF-8"})
    assert (region.decimal, region.group, region.date_format) == (",", NBSP, "%d.%m.%Y")
    assert lf.region_from_environment({"LC_ALL": "de_DE.UTF-8", "LC_NUMERIC": "en_US"}).decimal == ","
    assert lf.region_from_environment({}) == lf.C_REGION
    assert lf.region_named("ja_JP.UTF-8") == lf.C_REGION


@pytest.mark.parametrize(
    ("qt", "strftime"),
    [("dd.MM.yy", "%d.%m.%Y"), ("M/d/yy", "%m/%d/%Y"), ("yyyy-MM-dd", "%Y-%m-%d"), ("d MMM yyyy", "%Y-%m-%d")],
)
def test_qts_short_date_formats_become_patterns_with_a_four_digit_year(qt, strftime):
    assert lf.strftime_from_qt(qt) == strftime


def test_the_clis_form_reads_region_numbers_and_dates_and_refuses_an_ambiguous_one():
    from invoice_desktop.providers import get_provider

    model = get_provider("payfabric").form_model
    data = {"Amount": "1.234,50", "DueDate": "31.03.2026", "InvoiceItems": [{"UnitPrice": "2.000,00"}], "Tax": 0}
    out = lf.localize_form_data(model, data, DE)
    assert out == {"Amount": "1234.50", "DueDate": "2026-03-31", "InvoiceItems": [{"UnitPrice": "2000.00"}], "Tax": 0}
    assert lf.localize_form_data(model, {"Amount": "30.00"}, DE) == {"Amount": "30.00"}
    with pytest.raises(lf.AmbiguousNumber, match=r"1\.500"):
        lf.localize_form_data(model, {"Amount": "1.500"}, DE)
    assert lf.localize_form_data(model, {"Amount": "1.500"}, lf.C_REGION) == {"Amount": "1.500"}


def test_a_stored_time_is_shown_in_the_regions_date_order():
    assert lf.format_timestamp("2026-03-31T14:05:09.123456", DE) == "31.03.2026 14:05:09"
    local = dt.datetime(2026, 3, 31, 12, 0, tzinfo=dt.UTC).astimezone()  # a colleague's time, shown in ours
    assert lf.format_timestamp("2026-03-31T12:00:00+00:00", DE) == local.strftime("%d.%m.%Y %H:%M:%S")
    assert lf.format_timestamp("2026-03-31T14:05:09", US, seconds=False) == "03/31/2026 14:05"
    assert lf.format_timestamp("2026-03-31T14:05:09", lf.C_REGION) == "2026-03-31 14:05:09"
    assert lf.format_timestamp("yesterday", DE) == "yesterday"
