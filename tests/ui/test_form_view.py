"""The generic form: built from any provider's model, it round-trips values and shows errors where they belong."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from invoice_desktop.ui.form_fields import ScalarEditor
from invoice_desktop.ui.form_view import FormView
from invoice_desktop.ui.list_editor import ListEditor


class Line(BaseModel):
    Description: str = Field(max_length=10)
    Quantity: int
    Taxable: bool = False


class Address(BaseModel):
    City: str | None = None


class Invoice(BaseModel):
    InvoiceId: str = Field(title="Invoice ID", min_length=1, max_length=5)
    Amount: Decimal
    DueDate: dt.date | None = None
    Kind: Literal["Invoice", "Credit"] = "Invoice"
    Paid: bool | None = None
    BillingAddress: Address | None = None
    Lines: list[Line] = Field(default_factory=list)


def test_values_round_trip_through_every_kind_of_input(qtbot):
    form = FormView.for_model(Invoice)
    qtbot.addWidget(form)
    form.show()
    data = {
        "InvoiceId": "A1",
        "Amount": "30.00",
        "DueDate": "2026-11-30",
        "Kind": "Credit",
        "Paid": True,
        "BillingAddress": {"City": "Malmö"},
        "Lines": [{"Description": "Tyre", "Quantity": "4", "Taxable": True}],
    }
    form.set_values(data)
    assert form.values() == data
    model, errors = form.validate()
    assert errors == {}
    assert model is not None and model.Amount == Decimal("30.00") and model.Lines[0].Quantity == 4


def test_a_decimal_comma_is_read_as_a_decimal_point(qtbot):
    form = FormView.for_model(Invoice)
    qtbot.addWidget(form)
    form.show()
    form.set_values({"InvoiceId": "A1"})
    amount = form.editors["Amount"]
    assert isinstance(amount, ScalarEditor)
    qtbot.keyClicks(amount.input, "12,50")
    model, _ = form.validate()
    assert model is not None and model.Amount == Decimal("12.50")


def test_an_amount_with_a_currency_sign_says_what_to_type_under_the_field(qtbot):
    form = FormView.for_model(Invoice)
    qtbot.addWidget(form)
    form.show()
    form.set_values({"InvoiceId": "A1", "Amount": "12,50 €"})  # as pasted from an invoice
    form.reveal_all_errors()
    assert form.error_labels["Amount"].isVisible()
    said = form.error_labels["Amount"].text()
    assert said == "Type a number, such as 12.50 or 12,50, without a currency sign or letters"


def test_unknown_booleans_are_tri_state_until_set(qtbot):
    form = FormView.for_model(Invoice)
    qtbot.addWidget(form)
    form.show()
    paid = form.editors["Paid"]
    assert isinstance(paid, ScalarEditor)
    assert paid.input.checkState() == Qt.CheckState.PartiallyChecked
    assert "Paid" not in form.values()
    form.set_values({"Paid": False})
    assert paid.input.isTristate() is False and form.values()["Paid"] is False


def test_errors_show_under_the_field_and_the_line_they_concern(qtbot):
    form = FormView.for_model(Invoice)
    qtbot.addWidget(form)
    form.show()
    form.set_values({"InvoiceId": "TOO-LONG", "Lines": [{"Description": "x" * 11, "Quantity": "two"}]})
    errors = form.reveal_all_errors()
    assert "Amount" in errors
    assert form.error_labels["InvoiceId"].isVisible()
    assert "at most 5" in form.error_labels["InvoiceId"].text()
    lines = form.editors["Lines"]
    assert isinstance(lines, ListEditor)
    assert lines.error_label.isVisible()
    text = lines.error_label.text()
    assert "Line 1, Description" in text and "Line 1, Quantity" in text


def test_lines_can_be_added_removed_and_reordered(qtbot):
    form = FormView.for_model(Invoice)
    qtbot.addWidget(form)
    form.show()
    lines = form.editors["Lines"]
    assert isinstance(lines, ListEditor)
    lines.set_rows([{"Description": "A", "Quantity": "1"}, {"Description": "B", "Quantity": "2"}])
    lines.table.setCurrentCell(1, 0)
    qtbot.mouseClick(lines.up_button, Qt.MouseButton.LeftButton)
    assert [r["Description"] for r in lines.rows()] == ["B", "A"]
    qtbot.mouseClick(lines.add_button, Qt.MouseButton.LeftButton)
    assert len(lines.rows()) == 3
    lines.table.setCurrentCell(0, 0)
    qtbot.mouseClick(lines.remove_button, Qt.MouseButton.LeftButton)
    assert [r.get("Description") for r in lines.rows()] == ["A", None]


class Parcel(BaseModel):
    Reference: str
    Sender: Address | None = None
    Lines: list[Line] = Field(default_factory=list)


class Shipment(BaseModel):
    Parcels: list[Parcel] = Field(default_factory=list)


def test_a_record_inside_a_list_is_edited_with_a_form_and_lists_inside_it_keep_theirs(qtbot, monkeypatch):
    """The list editor gets the form it opens for a record from the form view (it does not import it): a cell
    holding a record opens a full form, a cell holding a list opens a table whose records open forms again."""
    from PySide6.QtWidgets import QDialog, QPushButton

    from invoice_desktop.ui.list_editor import RecordDialog

    form = FormView.for_model(Shipment)
    qtbot.addWidget(form)
    form.show()
    form.set_values({"Parcels": [{"Reference": "P1"}]})
    parcels = form.editors["Parcels"]
    assert isinstance(parcels, ListEditor)
    opened: list[QWidget] = []

    def fill_and_accept(dialog: RecordDialog) -> QDialog.DialogCode:
        opened.append(dialog.editor)
        if isinstance(dialog.editor, FormView):
            dialog.editor.set_values({"City": "Malmö"})
        else:
            dialog.editor.set_rows([{"Description": "Tyre", "Quantity": "4"}])
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(RecordDialog, "exec", fill_and_accept)
    for name in ("Sender", "Lines"):
        column = next(i for i, c in enumerate(parcels.columns) if c.name == name)
        button = parcels.table.cellWidget(0, column)
        assert isinstance(button, QPushButton)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    assert isinstance(opened[0], FormView) and isinstance(opened[1], ListEditor)
    assert opened[1]._record_form is FormView  # a record inside the inner table opens the same kind of form
    [parcel] = form.values()["Parcels"]
    assert parcel["Sender"] == {"City": "Malmö"}
    assert parcel["Lines"] == [{"Description": "Tyre", "Quantity": "4", "Taxable": False}]


class Pallet(BaseModel):
    Unit: Literal["EA", "KG"] = Field("EA", json_schema_extra={"choice_labels": {"EA": "Each", "KG": "Kilogram"}})


class Delivery(BaseModel):
    Priority: Literal["N", "U"] | None = Field(
        None, json_schema_extra={"choice_labels": {"N": "Normal", "U": "Urgent"}}
    )
    Pallets: list[Pallet] = Field(default_factory=list)


def test_declared_choice_labels_are_shown_and_the_api_values_are_kept(qtbot):
    form = FormView.for_model(Delivery)
    qtbot.addWidget(form)
    form.show()
    priority = form.editors["Priority"].input
    assert [priority.itemText(i) for i in range(priority.count())] == ["—", "Normal", "Urgent"]
    priority.setCurrentIndex(priority.findText("Urgent"))
    pallets = form.editors["Pallets"]
    assert isinstance(pallets, ListEditor)
    pallets.set_rows([{"Unit": "KG"}])
    unit = pallets.table.cellWidget(0, 0)
    assert [unit.itemText(i) for i in range(unit.count())] == ["—", "Each", "Kilogram"]
    assert unit.currentText() == "Kilogram"
    unit.setCurrentIndex(unit.findText("Each"))
    assert form.values() == {"Priority": "U", "Pallets": [{"Unit": "EA"}]}
