"""SkyPostal's form: the parcel (tracking number) an invoice file is attached to.

Kept apart from `skypostal` (the provider); the leading "_" keeps provider discovery from importing it as a provider.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..core.i18n import N_, _


class SkyPostalForm(BaseModel):
    model_config = ConfigDict(title=N_("Parcel invoice"), str_strip_whitespace=True)

    trck_nmr_fol: str = Field(
        title=N_("Tracking number"),
        description=N_("The parcel's SkyPostal tracking number (digits only). The invoice file is attached to it."),
        min_length=1,
        max_length=18,
        pattern=r"^[0-9]+$",
        json_schema_extra={"placeholder": N_("e.g. 13869085")},
    )

    @field_validator("trck_nmr_fol", mode="before")
    @classmethod
    def _number_or_digits(cls, value: Any) -> Any:
        # The API's type is Numeric: accept a JSON number from the CLI as well as typed digits.
        if isinstance(value, bool):
            raise ValueError(_("A tracking number is made of digits."))
        if isinstance(value, int):
            return str(value)
        if isinstance(value, str):
            value = value.strip()
            if value and not value.isdigit():
                raise ValueError(_("A tracking number is made of digits only (no letters, spaces or dashes)."))
            if value and int(value) == 0:
                raise ValueError(_("A tracking number is not zero."))
        return value
