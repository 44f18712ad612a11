"""Plain text inside the labels' rich text: escaped exactly as html.escape does, without importing html."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from invoice_desktop.ui.rich_text import escape


@given(st.text(alphabet=st.sampled_from("&<>\"'a é;#x27"), max_size=30), st.booleans())
def test_escape_is_html_escape(text: str, quote: bool) -> None:
    assert escape(text, quote=quote) == html.escape(text, quote=quote)


def test_a_provider_name_with_markup_shows_as_typed() -> None:
    assert escape("<b>Ben & Jerry's</b>") == "&lt;b&gt;Ben &amp; Jerry&#x27;s&lt;/b&gt;"
