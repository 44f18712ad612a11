"""Sending Shopwave invoices: one run's requests in batches of at most 200 objects, the refresh on 907/908, error
919's smaller batches, and what stops a run. What is sent is in _shopwave_payload.py, each invoice's result in
_shopwave_items.py, the run's summary in _shopwave_summary.py."""

from __future__ import annotations

import enum
from collections import deque

from ..core.errors import Cancelled, ProviderBusy, TransportError
from ..core.http import OutgoingRequest, Response
from ..core.i18n import Msg
from ..core.provider import Provider, UploadContext, join_url
from ..core.results import Outcome, UploadResult, busy_result
from ..core.stored_text import Text
from . import _shopwave_oauth as oauth
from ._shopwave_answers import PLAIN, STOPPING_ERRORS, TOKEN_ERRORS, Answer, read_answer
from ._shopwave_form import MAX_OBJECTS_PER_REQUEST, ShopwaveInvoices
from ._shopwave_items import InvoiceResults, refusal
from ._shopwave_payload import invoice_key, invoice_payload, pack, request_body
from ._shopwave_summary import summary


def declared_base(provider: Provider, environment: str) -> str | None:
    """The environment's documented address (where sign-in and its refresh go), None for one it does not have."""
    try:
        return provider.environment(environment).base_url
    except KeyError:
        return None


class Run:
    """One upload of a form's invoices: the batches sent in turn, each answer read into the invoices' results."""

    def __init__(self, provider: Provider, ctx: UploadContext) -> None:
        form = ctx.form
        assert isinstance(form, ShopwaveInvoices)
        self.provider = provider
        self.ctx = ctx
        self.invoices = form.invoices
        self.keys = [invoice_key(i, inv) for i, inv in enumerate(self.invoices)]
        self.sizes = [inv.objects for inv in self.invoices]
        self.results = InvoiceResults(self.invoices, self.keys, dict(ctx.resume.get("done", {})))
        # New invoices (by row) that were on their way when an earlier try lost Shopwave's answer: they may exist
        # now, and sending them again could create them twice.
        self.in_flight: set[str] = set(ctx.resume.get("in_flight", []))
        self.refreshed = False
        self.last_status: int | None = None
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
            self.results.note_error(next(iter(answer.request_errors(keys)), None))
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

    # -- the run --

    def run(self) -> UploadResult:
        self.results.carry_over(self.in_flight, self.ctx.resend_confirmed)
        pending = [i for i in range(len(self.invoices)) if i not in self.results.items]
        self.queue = deque(pack(pending, self.sizes, self.limit))
        while self.queue:
            step = self._send_batch(self.queue.popleft())
            if step is _Step.STOP:
                break
            if step is _Step.NEXT:
                self._save_progress()
        self._save_progress()
        return summary(self.results, self.stopped, self.last_status)

    def _send_batch(self, batch: list[int]) -> _Step:
        """Send one batch and read its answer into the invoices' results."""
        rest = [i for b in self.queue for i in b]
        # Recorded before the request leaves: if its answer is lost, a retry will not create these twice.
        new_ones = {str(i) for i in batch if not self.invoices[i].is_update}
        self.ctx.save_resume({"done": self.results.done, "in_flight": sorted(self.in_flight | new_ones)})
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
            self.results.match(batch, answer)
            return _Step.NEXT
        return self._take_refusal(batch, rest, answer, code)

    def _stop_on_failure(
        self, exc: oauth.SignInNeeded | TransportError | Cancelled, batch: list[int], rest: list[int]
    ) -> None:
        """The batch got no answer to read: say why the run stops, and what became of each invoice left."""
        if isinstance(exc, oauth.SignInNeeded):
            self.stopped = (Outcome.REJECTED, exc.message, "")
            self.results.not_sent(batch + rest, Msg("Shopwave needs a new sign-in first."))
        elif isinstance(exc, ProviderBusy):
            busy = busy_result(self.provider.name, exc)
            self.stopped = (Outcome.FAILED, busy.title, busy.detail)
            self.results.not_sent(batch + rest, Msg("Shopwave was busy (too many requests); try again later."))
        elif isinstance(exc, Cancelled):
            self.stopped = (Outcome.CANCELLED, Msg("Sending cancelled."), "")
            if exc.maybe_sent:
                for index in batch:
                    self.results.unsure(index, Msg("Cancelled while Shopwave was answering."))
            self.results.not_sent(batch + rest, Msg("cancelled."), Outcome.CANCELLED)
        else:
            self.stopped = (Outcome.UNCERTAIN if exc.maybe_sent else Outcome.FAILED, exc.message, "")
            if exc.maybe_sent:
                for index in batch:
                    self.results.unsure(index, Msg("The connection failed while it was being sent."))
            self.results.not_sent(batch + rest, Msg("the connection to Shopwave failed."))

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
            self.results.unsure(index, title)
        self.results.not_sent(rest, Msg("Shopwave's previous answer could not be read."))

    def _take_refusal(self, batch: list[int], rest: list[int], answer: Answer, code: int | None) -> _Step:
        """A non-2xx answer: refused for some invoices (the others go again), for all of them, or for the run."""
        named = [i for i in batch if answer.errors_for(self.keys[i])]
        if named and len(named) < len(batch) and code not in STOPPING_ERRORS:
            # Refused for some of its invoices: those fail, the others go again without them.
            for index in named:
                self.results.refused(index, answer.errors_for(self.keys[index])[0], answer.status)
            self.queue.appendleft([i for i in batch if i not in named])
            return _Step.AGAIN
        request_errors = answer.request_errors({self.keys[i] for i in batch})
        for index in batch:
            own = answer.errors_for(self.keys[index])
            self.results.refused(index, own[0] if own else request_errors[0] if request_errors else None, answer.status)
        if code in STOPPING_ERRORS or (code is None and not named):
            text, step = refusal(request_errors[0] if request_errors else None, answer.status)
            self.stopped = (Outcome.REJECTED, text, step)
            self.results.not_sent(rest, Msg("Shopwave refused the previous request."))
            return _Step.STOP
        return _Step.NEXT

    def _save_progress(self) -> None:
        """What the next try must know: saved invoices, and new ones whose outcome is unknown."""
        unsure = {str(i) for i, item in self.results.items.items() if item.data.get("uncertain")}
        self.in_flight = unsure
        self.ctx.save_resume({"done": self.results.done, "in_flight": sorted(unsure)})


class _Step(enum.Enum):
    """What the run does after a batch: go on to the next (progress saved), send again what the batch left
    (re-packed or without the refused ones), or stop."""

    NEXT = enum.auto()
    AGAIN = enum.auto()
    STOP = enum.auto()
