"""Each invoice's result in one Shopwave run: saved (with Shopwave's id), refused (with Shopwave's error), not sent,
or unknown (its answer was lost), and what an earlier try of the same upload already settled."""

from __future__ import annotations

from typing import Any

from ..core.i18n import Msg, _
from ..core.results import ItemResult, Outcome
from ..core.stored_text import Text
from ._shopwave_answers import PLAIN, Answer, ApiError
from ._shopwave_form import Invoice


def label(index: int, invoice: Invoice) -> str:
    # An item's label is kept with the outcome as written (a plain string in the history).
    if invoice.reference:
        return f"#{index + 1} {invoice.reference}"
    if invoice.id is not None:
        # Translators: an invoice's label in a list of outcomes: "#2 invoice 5512".
        return _("#{n} invoice {id}").format(n=index + 1, id=invoice.id)
    return f"#{index + 1}"


def refusal(error: ApiError | None, status: int) -> tuple[Text, Text]:
    """What Shopwave's refusal means and what to do next: its error's own sentence, else the bare HTTP status."""
    if error is not None:
        return error.sentence()
    return Msg("Shopwave refused the request (HTTP {status}).", status=status), Msg("The answer is in the log.")


class InvoiceResults:
    """The invoices of one run (by index), their keys in the requests, and each one's result once it is known."""

    def __init__(self, invoices: list[Invoice], keys: list[str], done: dict[str, dict[str, Any]]) -> None:
        self.invoices = invoices
        self.keys = keys
        self.items: dict[int, ItemResult] = {}
        # What an earlier try saved, by index: carried over, never sent again.
        self.done = done
        self.first_error: ApiError | None = None

    def note_error(self, error: ApiError | None) -> None:
        if self.first_error is None and error is not None:
            self.first_error = error

    def refused(self, index: int, error: ApiError | None, status: int) -> None:
        self.note_error(error)
        text, step = refusal(error, status)
        if error is None:
            code, said = None, ""
        else:
            # An unknown id's sentence already quotes Shopwave.
            code, said = error.code, (error.details or error.title) if error.code in PLAIN else ""
        message = (
            Msg("Not saved. {reason} Shopwave said: “{said}”. {next_step}", reason=text, said=said, next_step=step)
            if said
            else Msg("Not saved. {reason} {next_step}", reason=text, next_step=step)
        )
        self.items[index] = ItemResult(
            label(index, self.invoices[index]),
            Outcome.REJECTED,
            message,
            str(code) if code is not None else None,
            self.data(index),
        )

    def unsure(self, index: int, why: Text) -> None:
        self.items[index] = ItemResult(
            label(index, self.invoices[index]),
            Outcome.UNCERTAIN,
            Msg("{why} Check in Shopwave whether it was saved before sending it again.", why=why),
            None,
            {**self.data(index), "uncertain": True},
        )

    def not_sent(self, indices: list[int], why: Msg, outcome: Outcome = Outcome.FAILED) -> None:
        """`why`: a `Msg` that completes "Not sent: …"."""
        for index in indices:
            if index not in self.items:
                self.items[index] = ItemResult(
                    label(index, self.invoices[index]),
                    outcome,
                    # Translators: {why} is a clause such as "the connection to Shopwave failed."
                    Msg("Not sent: {why}", why=why),
                    None,
                    self.data(index),
                )

    def saved(self, index: int, shopwave_id: Any) -> None:
        invoice = self.invoices[index]
        action = "updated" if invoice.is_update else "created"
        if shopwave_id is None:
            shopwave_id = invoice.id
        message = (
            Msg("Invoice {id} updated in Shopwave.", id=shopwave_id)
            if invoice.is_update
            else Msg("Created in Shopwave as invoice {id}.", id=shopwave_id)
            if shopwave_id is not None
            else Msg("Created in Shopwave.")
        )
        self.items[index] = ItemResult(
            label(index, invoice),
            Outcome.SUCCEEDED,
            message,
            None,
            {**self.data(index), "id": shopwave_id, "action": action},
        )
        self.done[str(index)] = {"id": shopwave_id, "action": action}

    def data(self, index: int) -> dict[str, Any]:
        invoice = self.invoices[index]
        return {
            "index": index,
            "key": self.keys[index],
            "reference": invoice.reference,
            "supplierId": invoice.supplierId,
            "action": "update" if invoice.is_update else "create",
        }

    def match(self, batch: list[int], answer: Answer) -> None:
        """Each invoice of an accepted POST: saved (with its id), refused (its own error), or unknown."""
        keys = {self.keys[i] for i in batch}
        stored = answer.stored_objects()
        request_errors = answer.request_errors(keys)
        claimed: set[str] = set()
        for index in batch:
            key, invoice = self.keys[index], self.invoices[index]
            own = answer.errors_for(key)
            if own:
                self.refused(index, own[0], answer.status)
                continue
            found = key if key in stored else None
            if found is None:  # keyed otherwise: by the new id, or a list
                for other_key, obj in stored.items():
                    if other_key in claimed or other_key in keys:
                        continue
                    same = (
                        obj.get("id") == invoice.id
                        if invoice.is_update
                        else str(obj.get("reference")) == invoice.reference
                        and str(obj.get("supplierId")) == str(invoice.supplierId)
                    )
                    if same:
                        found = other_key
                        break
            if found is not None:
                claimed.add(found)
                self.saved(index, stored[found].get("id"))
            elif request_errors:
                self.refused(index, request_errors[0], answer.status)
            else:
                self.unsure(index, Msg("Shopwave's answer does not mention this invoice."))

    def carry_over(self, in_flight: set[str], resend_confirmed: bool) -> None:
        """Invoices an earlier try saved are not sent again; new ones whose answer it lost are held back unless the
        clerk confirmed they did not arrive."""
        for idx, entry in self.done.items():
            index = int(idx)
            if index < len(self.invoices):
                self.items[index] = ItemResult(
                    label(index, self.invoices[index]),
                    Outcome.SUCCEEDED,
                    Msg("Saved in an earlier try (Shopwave invoice {id}); not sent again.", id=entry.get("id")),
                    None,
                    {**self.data(index), **entry},
                )
        for index in range(len(self.invoices)):
            unconfirmed = str(index) in in_flight and not self.invoices[index].is_update
            if unconfirmed and index not in self.items and not resend_confirmed:
                self.items[index] = ItemResult(
                    label(index, self.invoices[index]),
                    Outcome.UNCERTAIN,
                    Msg(
                        "Not sent again: an earlier try sent it but Shopwave's answer was lost, so it may exist "
                        "already. Check in Shopwave; if it is not there, press Retry and confirm that it did not "
                        "arrive."
                    ),
                    None,
                    {**self.data(index), "uncertain": True},
                )
