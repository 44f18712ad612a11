"""Real documents for the contract test, made by a real library (never hand-written PDF bytes)."""

from __future__ import annotations

from functools import cache


@cache
def real_pdf(text: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(text=text)
    return bytes(pdf.output())
