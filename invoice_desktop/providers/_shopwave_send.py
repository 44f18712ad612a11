"""Sending Shopwave invoices: the request envelope, batches of at most 200 objects, the refresh on 907/908,
and matching each POST's answer back to each invoice."""

from __future__ import annotations

import enum
import json
from collections import deque
from typing import Any

from ..core.errors import Cancelled, ProviderBusy, TransportError
from ..core.http import FormBody, JsonBody, OutgoingRequest, Response
from ..core.i18n import Msg, _
from ..core.provider import Provider, UploadContext, join_url
from ..core.results import ItemResult, Outcome, UploadResult, busy_result
from ..core.stored_text import Text
from . import _shopwave_oauth as oauth
from ._shopwave_answers import PLAIN, STOPPING_ERRORS, TOKEN_ERRORS, Answer, ApiError, read_answer
from ._shopwave_form import MAX_OBJECTS_PER_REQUEST, Invoice, InvoiceItem, ShopwaveInvoices

# -- what is sent ------------------------------------------------------------------------------------------------

# How the invoices' JSON travels (the "Request body" credential, under Advanced). Shopwave's own SDKs put it in a
# form field: ShopwaveConnect-iOS writes `postBody=<JSON>` (SWAPIEndpoint.swift) and ShopwaveConnect-Java posts
# application/x-www-form-urlencoded parameters (HttpRequest.java). Raw JSON is kept for accounts that need it.
BODY_POST_BODY = "postBody"
BODY_RAW_JSON = "json"
POST_BODY_FIELD = "postBody"


def request_body(envelope: dict[str, Any], choice: str | None) -> JsonBody | FormBody:
    """The POST's body: by default `postBody=<URL-encoded JSON>`, form-encoded; raw JSON when chosen."""
    if (choice or "").strip() == BODY_RAW_JSON:
        return JsonBody(envelope)
    # Compact, as the SDKs' JSON serialisers write it; the form encoding percent-encodes every byte that needs it.
    text = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
    return FormBody({POST_BODY_FIELD: text}, json_fields=(POST_BODY_FIELD,))


def invoice_key(index: int, invoice: Invoice) -> str:
    """An invoice's key in the request's map: its id to update it, "new-<row>" for a new one."""
    return str(invoice.id) if invoice.id is not None else f"new-{index + 1}"


def item_payload(item: InvoiceItem) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("barcode", "note", "name"):
        if getattr(item, name) is not None:
            out[name] = getattr(item, name)
    out["price"] = format(item.price, "f")  # a String in the docs
    if item.vatPercentage is not None:
        out["vatPercentage"] = item.vatPercentage
    out["quantity"] = item.quantity
    for name in ("productId", "accountId"):
        if getattr(item, name) is not None:
            out[name] = getattr(item, name)
    return out


def invoice_payload(invoice: Invoice) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("id", "supplierId", "storeId", "supplierStoreId", "reference", "note"):
        if getattr(invoice, name) is not None:
            out[name] = getattr(invoice, name)
    if invoice.completeDate is not None:
        out["completeDate"] = invoice.completeDate.isoformat()
    if invoice.invoiceItems:
        out["invoiceItems"] = {f"line-{n}": item_payload(item) for n, item in enumerate(invoice.invoiceItems, 1)}
    return out


def pack(indices: list[int], sizes: list[int], limit: int) -> list[list[int]]:
    """Invoices (by index) in as few requests as first-fit-decreasing finds, each within `limit` objects. An invoice
    larger than the limit travels alone. Requests and the invoices in each keep the form's order."""
    bins: list[list[int]] = []
    loads: list[int] = []
    for index in sorted(indices, key=lambda i: (-sizes[i], i)):
        for n, load in enumerate(loads):
            if load + sizes[index] <= limit:
                bins[n].append(index)
                loads[n] += sizes[index]
                break
        else:
            bins.append([index])
            loads.append(sizes[index])
    for b in bins:
        b.sort()
    return sorted(bins, key=lambda b: b[0])


def _label(index: int, invoice: Invoice) -> str:
    # An item's label is kept with the outcome as written (a plain string in the history).
    if invoice.reference:
        return f"#{index + 1} {invoice.reference}"
    if invoice.id is not None:
        # Translators: an invoice's label in a list of outcomes: "#2 invoice 5512".
        return _("#{n} invoice {id}").format(n=index + 1, id=invoice.id)
    return f"#{index + 1}"


def declared_base(provider: Provider, environment: str) -> str | None:
    """The environment's documented address (where sign-in and its refresh go), None for one it does not have."""
    try:
        return provider.environment(environment).base_url
    except KeyError:
        return None


# -- one run: requests, refresh, matching --------------------------------------------------------------------------


class Run:
    def __init__(self, provider: Provider, ctx: UploadContext) -> None:
        form = ctx.form
        assert isinstance(form, ShopwaveInvoices)
        self.provider = provider
        self.ctx = ctx
        self.invoices = form.invoices
        self.keys = [invoice_key(i, inv) for i, inv in enumerate(self.invoices)]
        self.sizes = [inv.objects for inv in self.invoices]
        self.items: dict[int, ItemResult] = {}
        self.done: dict[str, dict[str, Any]] = dict(ctx.resume.get("done", {}))
        # New invoices (by row) that were on their way when an earlier try lost Shopwave's answer: they may exist
        # now, and sending them again could create them twice.
        self.in_flight: set[str] = set(ctx.resume.get("in_flight", []))
        self.refreshed = False
        self.last_status: int | None = None
        self.first_error: ApiError | None = None
        # Why the run stopped early: (outcome, title, what to do next).
        self.stopped: tuple[Outcome, Text, Text] | None = None
        # The batches still to send, and the most objects one request may carry (halved on error 919).
        self.limit = MAX_OBJECTS_PER_REQUEST
        self.queue: deque[list[int]] = deque()

    # -- requests --

    def _request(self, batch: list[int]) -> OutgoingRequest:
        creds = self.ctx.credentials
        token = oauth.clean_pasted_token(creds.get("access_token", ""))
        objects = sum(self.sizes[i] for i in batch)
        return OutgoingRequest(
            "POST",
            join_url(self.ctx.base_url, "invoice"),
            headers={
                "Authorization": f"{oauth.authorization_scheme(creds.get('token_type'))} {token}",
                "x-accept-version": (creds.get("x_accept_version") or "2").strip(),
                "Accept": "application/json",
            },
            body=request_body(
                {"invoices": {self.keys[i]: invoice_payload(self.invoices[i]) for i in batch}},
                creds.get("request_body"),
            ),
            label=Msg.plural_of(
                "Send {n} invoice ({objects} objects)",
                "Send {n} invoices ({objects} objects)",
                len(batch),
                objects=objects,
            ),
            # Updates by id overwrite the same invoices; a new invoice sent twice would be created twice.
            idempotent=all(self.invoices[i].is_update for i in batch),
        )

    def _token_refused(self, answer: Answer, batch: list[int]) -> bool:
        code = answer.request_code({self.keys[i] for i in batch})
        return code in TOKEN_ERRORS or (answer.status == 401 and code is None)

    def _post(self, batch: list[int]) -> Response:
        try:
            return self.ctx.send(self._request(batch))
        except ProviderBusy as busy:
            # Error 919 ("too many objects in one call") comes as HTTP 429: it is about the request's size and is
            # read as such (split and send again). Any other 429 means busy.
            if read_answer(busy.response).request_code({self.keys[i] for i in batch}) == 919:
                return busy.response
            raise

    def _send(self, batch: list[int]) -> Answer:
        response = self._post(batch)
        answer = read_answer(response)
        if self._token_refused(answer, batch):
            keys = {self.keys[i] for i in batch}
            self._note_error(next(iter(answer.request_errors(keys)), None))
            code = answer.request_code(keys) or 907
            if self.refreshed:
                raise oauth.SignInNeeded(
                    Msg(
                        "{problem} Renewing it did not help. {hint}",
                        problem=Msg(PLAIN[code][0]),
                        hint=Msg(oauth.CREDENTIALS_HINT),
                    )
                )
            self.refreshed = True
            oauth.refresh(self.ctx, declared_base(self.provider, self.ctx.environment))
            response = self._post(batch)
            answer = read_answer(response)
            if self._token_refused(answer, batch):
                raise oauth.SignInNeeded(
                    Msg("Shopwave refused the renewed access token too. {hint}", hint=Msg(oauth.CREDENTIALS_HINT))
                )
        self.last_status = response.status
        return answer

    # -- outcomes --

    def _note_error(self, error: ApiError | None) -> None:
        if self.first_error is None and error is not None:
            self.first_error = error

    def _refused(self, index: int, error: ApiError | None, status: int) -> None:
        self._note_error(error)
        text: Text
        step: Text
        if error is None:
            text = Msg("Shopwave refused the request (HTTP {status}).", status=status)
            step = Msg("The answer is in the log.")
            code, said = None, ""
        else:
            text, step = error.sentence()
            # An unknown id's sentence already quotes Shopwave.
            code, said = error.code, (error.details or error.title) if error.code in PLAIN else ""
        message = (
            Msg("Not saved. {reason} Shopwave said: “{said}”. {next_step}", reason=text, said=said, next_step=step)
            if said
            else Msg("Not saved. {reason} {next_step}", reason=text, next_step=step)
        )
        self.items[index] = ItemResult(
            _label(index, self.invoices[index]),
            Outcome.REJECTED,
            message,
            str(code) if code is not None else None,
            self._data(index),
        )

    def _unsure(self, index: int, why: Text) -> None:
        self.items[index] = ItemResult(
            _label(index, self.invoices[index]),
            Outcome.UNCERTAIN,
            Msg("{why} Check in Shopwave whether it was saved before sending it again.", why=why),
            None,
            {**self._data(index), "uncertain": True},
        )

    def _not_sent(self, indices: list[int], why: Msg, outcome: Outcome = Outcome.FAILED) -> None:
        """`why`: a `Msg` that completes "Not sent: …"."""
        for index in indices:
            if index not in self.items:
                self.items[index] = ItemResult(
                    _label(index, self.invoices[index]),
                    outcome,
                    # Translators: {why} is a clause such as "the connection to Shopwave failed."
                    Msg("Not sent: {why}", why=why),
                    None,
                    self._data(index),
                )

    def _saved(self, index: int, shopwave_id: Any) -> None:
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
            _label(index, invoice),
            Outcome.SUCCEEDED,
            message,
            None,
            {**self._data(index), "id": shopwave_id, "action": action},
        )
        self.done[str(index)] = {"id": shopwave_id, "action": action}

    def _data(self, index: int) -> dict[str, Any]:
        invoice = self.invoices[index]
        return {
            "index": index,
            "key": self.keys[index],
            "reference": invoice.reference,
            "supplierId": invoice.supplierId,
            "action": "update" if invoice.is_update else "create",
        }

    def _match(self, batch: list[int], answer: Answer) -> None:
        """Each invoice of an accepted POST: saved (with its id), refused (its own error), or unknown."""
        keys = {self.keys[i] for i in batch}
        stored = answer.stored_objects()
        request_errors = answer.request_errors(keys)
        claimed: set[str] = set()
        for index in batch:
            key, invoice = self.keys[index], self.invoices[index]
            own = answer.errors_for(key)
            if own:
                self._refused(index, own[0], answer.status)
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
                self._saved(index, stored[found].get("id"))
            elif request_errors:
                self._refused(index, request_errors[0], answer.status)
            else:
                self._unsure(index, Msg("Shopwave's answer does not mention this invoice."))

    # -- the run --

    def run(self) -> UploadResult:
        self._carry_over_earlier_tries()
        pending = [i for i in range(len(self.invoices)) if i not in self.items]
        self.queue = deque(pack(pending, self.sizes, self.limit))
        while self.queue:
            step = self._send_batch(self.queue.popleft())
            if step is _Step.STOP:
                break
            if step is _Step.NEXT:
                self._save_progress()
        self._save_progress()
        return self._result()

    def _carry_over_earlier_tries(self) -> None:
        """Invoices an earlier try saved are not sent again; new ones whose answer it lost are held back unless the
        clerk confirmed they did not arrive."""
        for idx, entry in self.done.items():
            index = int(idx)
            if index < len(self.invoices):
                self.items[index] = ItemResult(
                    _label(index, self.invoices[index]),
                    Outcome.SUCCEEDED,
                    Msg("Saved in an earlier try (Shopwave invoice {id}); not sent again.", id=entry.get("id")),
                    None,
                    {**self._data(index), **entry},
                )
        for index in range(len(self.invoices)):
            unconfirmed = str(index) in self.in_flight and not self.invoices[index].is_update
            if unconfirmed and index not in self.items and not self.ctx.resend_confirmed:
                self.items[index] = ItemResult(
                    _label(index, self.invoices[index]),
                    Outcome.UNCERTAIN,
                    Msg(
                        "Not sent again: an earlier try sent it but Shopwave's answer was lost, so it may exist "
                        "already. Check in Shopwave; if it is not there, press Retry and confirm that it did not "
                        "arrive."
                    ),
                    None,
                    {**self._data(index), "uncertain": True},
                )

    def _send_batch(self, batch: list[int]) -> _Step:
        """Send one batch and read its answer into the invoices' results."""
        rest = [i for b in self.queue for i in b]
        # Recorded before the request leaves: if its answer is lost, a retry will not create these twice.
        new_ones = {str(i) for i in batch if not self.invoices[i].is_update}
        self.ctx.save_resume({"done": self.done, "in_flight": sorted(self.in_flight | new_ones)})
        try:
            answer = self._send(batch)
        except (oauth.SignInNeeded, TransportError, Cancelled) as exc:
            self._stop_on_failure(exc, batch, rest)
            return _Step.STOP
        code = answer.request_code({self.keys[i] for i in batch})
        if code == 919 and len(batch) > 1:
            # Too many objects in one call: halve the limit and pack what is left again.
            self.limit = max(1, min(self.limit, sum(self.sizes[i] for i in batch) // 2))
            self.queue = deque(pack(batch + rest, self.sizes, self.limit))
            return _Step.AGAIN
        if not answer.readable:
            self._stop_on_unreadable(answer, batch, rest)
            return _Step.STOP
        if 200 <= answer.status < 300:
            self._match(batch, answer)
            return _Step.NEXT
        return self._take_refusal(batch, rest, answer, code)

    def _stop_on_failure(
        self, exc: oauth.SignInNeeded | TransportError | Cancelled, batch: list[int], rest: list[int]
    ) -> None:
        """The batch got no answer to read: say why the run stops, and what became of each invoice left."""
        if isinstance(exc, oauth.SignInNeeded):
            self.stopped = (Outcome.REJECTED, exc.message, "")
            self._not_sent(batch + rest, Msg("Shopwave needs a new sign-in first."))
        elif isinstance(exc, ProviderBusy):
            busy = busy_result(self.provider.name, exc)
            self.stopped = (Outcome.FAILED, busy.title, busy.detail)
            self._not_sent(batch + rest, Msg("Shopwave was busy (too many requests); try again later."))
        elif isinstance(exc, Cancelled):
            self.stopped = (Outcome.CANCELLED, Msg("Sending cancelled."), "")
            if exc.maybe_sent:
                for index in batch:
                    self._unsure(index, Msg("Cancelled while Shopwave was answering."))
            self._not_sent(batch + rest, Msg("cancelled."), Outcome.CANCELLED)
        else:
            self.stopped = (Outcome.UNCERTAIN if exc.maybe_sent else Outcome.FAILED, exc.message, "")
            if exc.maybe_sent:
                for index in batch:
                    self._unsure(index, Msg("The connection failed while it was being sent."))
            self._not_sent(batch + rest, Msg("the connection to Shopwave failed."))

    def _stop_on_unreadable(self, answer: Answer, batch: list[int], rest: list[int]) -> None:
        title = Msg(
            "Shopwave's answer could not be read (HTTP {status}): the invoices may have been saved.",
            status=answer.status,
        )
        self.stopped = (
            Outcome.UNCERTAIN if 200 <= answer.status < 300 or answer.status >= 500 else Outcome.FAILED,
            title,
            Msg("The answer is in the log. Check in Shopwave which invoices were saved before sending again."),
        )
        for index in batch:
            self._unsure(index, title)
        self._not_sent(rest, Msg("Shopwave's previous answer could not be read."))

    def _take_refusal(self, batch: list[int], rest: list[int], answer: Answer, code: int | None) -> _Step:
        """A non-2xx answer: refused for some invoices (the others go again), for all of them, or for the run."""
        named = [i for i in batch if answer.errors_for(self.keys[i])]
        if named and len(named) < len(batch) and code not in STOPPING_ERRORS:
            # Refused for some of its invoices: those fail, the others go again without them.
            for index in named:
                self._refused(index, answer.errors_for(self.keys[index])[0], answer.status)
            self.queue.appendleft([i for i in batch if i not in named])
            return _Step.AGAIN
        request_errors = answer.request_errors({self.keys[i] for i in batch})
        for index in batch:
            own = answer.errors_for(self.keys[index])
            self._refused(index, own[0] if own else request_errors[0] if request_errors else None, answer.status)
        if code in STOPPING_ERRORS or (code is None and not named):
            error = request_errors[0] if request_errors else None
            text, step = (
                error.sentence()
                if error
                else (
                    Msg("Shopwave refused the request (HTTP {status}).", status=answer.status),
                    Msg("The answer is in the log."),
                )
            )
            self.stopped = (Outcome.REJECTED, text, step)
            self._not_sent(rest, Msg("Shopwave refused the previous request."))
            return _Step.STOP
        return _Step.NEXT

    def _save_progress(self) -> None:
        """What the next try must know: saved invoices, and new ones whose outcome is unknown."""
        unsure = {str(i) for i, item in self.items.items() if item.data.get("uncertain")}
        self.in_flight = unsure
        self.ctx.save_resume({"done": self.done, "in_flight": sorted(unsure)})

    # -- the result --

    def _result(self) -> UploadResult:
        n = len(self.invoices)
        saved = [r for r in self.items.values() if r.outcome is Outcome.SUCCEEDED]
        items = [self.items[i] for i in range(n)]
        error = self.first_error
        common: dict[str, Any] = {
            "http_status": self.last_status,
            "items": items,
            "provider_code": str(error.code) if error and error.code is not None else None,
            "provider_message": (error.text or None) if error else None,
            "data": {
                "created": [r.data.get("id") for r in saved if r.data.get("action") == "created"],
                "updated": [r.data.get("id") for r in saved if r.data.get("action") == "updated"],
            },
        }
        if len(saved) == n:
            return _all_saved(n, common)
        if self.stopped is not None:
            outcome, title, step = self.stopped
            if saved:
                before = Msg.plural_of(
                    "{saved} of {n} invoice was saved before that; Retry sends only the others.",
                    "{saved} of {n} invoices were saved before that; Retry sends only the others.",
                    n,
                    saved=len(saved),
                )
                step = Msg("{step} {before}", step=step, before=before) if step else before
            return UploadResult(outcome, title, step, **common)
        if n == 1:
            only = items[0]
            if only.outcome is Outcome.REJECTED and error is not None:
                text, step = error.sentence()
                return UploadResult(only.outcome, text, step, **common)
            return UploadResult(only.outcome, only.message, "", **common)
        return _mixed(n, items, bool(saved), common)


class _Step(enum.Enum):
    """What the run does after a batch: go on to the next (progress saved), send again what the batch left
    (re-packed or without the refused ones), or stop."""

    NEXT = enum.auto()
    AGAIN = enum.auto()
    STOP = enum.auto()


def _all_saved(n: int, common: dict[str, Any]) -> UploadResult:
    # A token renewed on the way is not the clerk's concern: the log shows it.
    common.update(provider_code=None, provider_message=None)
    created, updated = common["data"]["created"], common["data"]["updated"]
    if created and updated:
        counts: Text = Msg("{created} created, {updated} updated.", created=len(created), updated=len(updated))
    elif created:
        counts = Msg("{created} created.", created=len(created))
    elif updated:
        counts = Msg("{updated} updated.", updated=len(updated))
    else:
        counts = ""
    title = (
        Msg("Shopwave saved the invoice.")
        if n == 1
        else Msg.plural_of("Shopwave saved all {n} invoice.", "Shopwave saved all {n} invoices.", n)
    )
    return UploadResult(Outcome.SUCCEEDED, title, counts, **common)


def _mixed(n: int, items: list[ItemResult], any_saved: bool, common: dict[str, Any]) -> UploadResult:
    """Several invoices, not all saved, and no reason that stopped the run: counted, each with its own result."""
    detail = (
        Msg(
            "See each invoice below for why. The saved ones must not be sent again: Retry sends only the others, or "
            "remove the saved ones before sending a corrected list."
        )
        if any_saved
        else Msg("See each invoice below for why.")
    )
    if any(r.data.get("uncertain") for r in items):
        detail = Msg(
            "{detail} Check in Shopwave whether the ones whose answer was lost were saved before sending them again.",
            detail=detail,
        )
    outcomes = {r.outcome for r in items}
    outcome = next((o for o in (Outcome.UNCERTAIN, Outcome.REJECTED) if o in outcomes), Outcome.FAILED)
    return UploadResult(outcome, _count_title(n, items), detail, **common)


def _count_title(n: int, items: list[ItemResult]) -> Msg:
    """How many were saved, not saved, and unknown: an invoice whose answer was lost (a crash, a proxy's error page)
    may well be in Shopwave, so it is never counted as "not saved"."""
    saved = sum(1 for r in items if r.outcome is Outcome.SUCCEEDED)
    unsure = sum(1 for r in items if r.outcome is not Outcome.SUCCEEDED and r.data.get("uncertain"))
    not_saved = n - saved - unsure
    if saved:
        head = Msg.plural_of(
            "Shopwave saved {saved} of {n} invoice", "Shopwave saved {saved} of {n} invoices", n, saved=saved
        )
    elif not unsure:
        head = Msg.plural_of("Shopwave saved none of the {n} invoice", "Shopwave saved none of the {n} invoices", n)
    else:
        head = Msg.plural_of(
            "Shopwave confirmed none of the {n} invoice", "Shopwave confirmed none of the {n} invoices", n
        )
    title = head
    if not_saved:
        # Translators: a list of clauses about the invoices sent, separated by a semicolon.
        title = Msg(
            "{clauses}; {clause}",
            clauses=title,
            clause=Msg.plural_of("{n} was not saved", "{n} were not saved", not_saved),
        )
    if unsure:
        title = Msg(
            "{clauses}; {clause}",
            clauses=title,
            clause=Msg.plural_of(
                "{n} may have been saved (its answer was lost)",
                "{n} may have been saved (their answer was lost)",
                unsure,
            ),
        )
    # Translators: the end of a sentence made of clauses.
    return Msg("{clauses}.", clauses=title)
