"""The upload flow without a window: a small stand-in (not a MainWindow) hosts the real provider page and the real
outcome panel, and a real upload goes to the practice sandbox through the flow. What is asserted is what a clerk
would see: the outcome's words, the questions asked, and the attempt recorded in the history."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from invoice_desktop.core import history as hist
from invoice_desktop.core.results import Outcome, UploadResult
from invoice_desktop.core.services import Services
from invoice_desktop.providers import ProviderRegistry, get_provider, info, page_description
from invoice_desktop.ui.outcome_panel import OutcomePanel
from invoice_desktop.ui.provider_page import ProviderPage
from invoice_desktop.ui.tasks import TaskRunner
from invoice_desktop.ui.upload_flow import UploadFlow, UploadWindow

PROVIDER = get_provider("imaterialise")


class ClerksView:
    """Stands in for the window: the provider's page on screen, the outcome panel, and a record of everything the
    flow showed or asked. The clerk's answer to a question is `answer`."""

    def __init__(self, services: Services, runner: TaskRunner, with_model: bool = True) -> None:
        self.services = services
        self.runner = runner
        self.provider = PROVIDER
        self.environment = "practice"
        self.page = ProviderPage(info(PROVIDER.id), page_description(PROVIDER.id), ProviderRegistry([PROVIDER]))
        if with_model:  # else as in the window between the provider's import on a worker and its report
            self.page.form.set_model(PROVIDER.form_model)
        self.outcome = OutcomePanel()
        self.answer = True
        self.asked: list[str] = []
        self.said: list[str] = []
        self.busy: list[tuple[bool, str]] = []
        self.progress: list[int] = []
        self.history_shown: list[int | None] = []

    def base_url_override(self) -> str | None:
        return None

    def confirm_production(self, provider: Any, environment: str) -> bool:
        return environment != "production"  # these tests send to practice only

    def ask(self, title: str, question: str) -> bool:
        self.asked.append(question)
        return self.answer

    def dialog_parent(self) -> None:
        return None

    def set_busy(self, busy: bool, activity: str = "") -> None:
        self.busy.append((busy, activity))

    def set_activity(self, text: str) -> None:
        self.busy.append((True, text))

    def show_progress(self, percent: int) -> None:
        self.progress.append(percent)

    def say(self, text: str, timeout_ms: int) -> None:
        self.said.append(text)

    def refresh_history(self, select: int | None = None) -> None:
        self.history_shown.append(select)

    def show_exchanges(self, exchanges: list[Any], title: str) -> None:
        pass

    def show_keyring_status(self, status: Any) -> None:
        pass

    def show_practice_hint(self, hint: str) -> None:
        pass


@pytest.fixture
def view(qtbot, services: Services, runner: TaskRunner) -> Iterator[ClerksView]:
    stand_in = ClerksView(services, runner)
    qtbot.addWidget(stand_in.page)
    qtbot.addWidget(stand_in.outcome)
    yield stand_in


@pytest.fixture
def flow(view: ClerksView) -> UploadFlow:
    window: UploadWindow = view  # all the flow needs (`mypy tests/ui/test_upload_flow.py` checks it fits)
    return UploadFlow(window)


def fill_in(qtbot, view: ClerksView, flow: UploadFlow, order_id: str, pdf: Path) -> None:
    view.page.form.set_values({"order_id": order_id})
    zone = view.page.drop_zone
    assert zone is not None
    with qtbot.waitSignal(zone.checked, timeout=5000) as checked:
        flow.check_file(str(pdf))
    assert checked.args[0] is True


def press_upload(qtbot, view: ClerksView, flow: UploadFlow) -> UploadResult:
    with qtbot.waitSignal(view.outcome.shown, timeout=15000) as shown:
        flow.upload()
    qtbot.waitUntil(lambda: not flow.active, timeout=5000)
    return shown.args[0]


def test_an_upload_through_the_flow_reaches_the_sandbox_and_is_recorded(qtbot, view, flow, services, make_file):
    sandbox = services.uploads.practice.sandbox_for(PROVIDER)
    fill_in(qtbot, view, flow, "ORD-1001", make_file("Rechnung_Müller.pdf", size=4096))

    result = press_upload(qtbot, view, flow)

    assert result.outcome is Outcome.SUCCEEDED
    assert "accepted the invoice" in view.outcome.text()
    assert view.asked == []  # nothing to confirm for a fresh practice upload
    assert sandbox.received[-1]["filename"] == "Rechnung_Müller.pdf"
    [attempt] = services.history.recent()
    assert attempt.id == result.attempt_id and attempt.state == hist.SUCCEEDED
    assert attempt.provider == "imaterialise" and attempt.environment == "practice"
    assert view.history_shown[-1] == attempt.id  # the History shows it, selected
    assert view.busy[0][0] is True and view.busy[-1] == (False, "")  # Upload was locked while sending, then freed
    assert view.progress and view.progress[-1] == 100
    assert view.page.file_path is None  # sent: the next invoice will not go out with this one's document


def test_upload_pressed_while_the_imported_providers_report_is_on_its_way_sends(qtbot, services, runner, make_file):
    """The provider's module is imported (on a worker, at the clerk's first edit) but the report that hands its form
    model to the page still waits its turn on the UI thread: Upload pressed then sends as usual. It raised "The
    form's model has not been imported yet" instead, and nothing happened (seen in benchmarks/ui_stalls.py under
    load: the window never showed an outcome)."""
    stand_in = ClerksView(services, runner, with_model=False)
    qtbot.addWidget(stand_in.page)
    qtbot.addWidget(stand_in.outcome)
    flow = UploadFlow(stand_in)
    assert stand_in.page.loaded_provider() is PROVIDER and stand_in.page.form.model is None
    fill_in(qtbot, stand_in, flow, "ORD-1001", make_file("invoice.pdf"))

    result = press_upload(qtbot, stand_in, flow)

    assert result.outcome is Outcome.SUCCEEDED
    assert "accepted the invoice" in stand_in.outcome.text()


def test_a_refusal_is_shown_and_a_retry_asks_in_the_providers_words_before_sending(
    qtbot, view, flow, services, make_file
):
    sandbox = services.uploads.practice.sandbox_for(PROVIDER)
    fill_in(qtbot, view, flow, "ORD-2001", make_file("invoice.pdf"))

    result = press_upload(qtbot, view, flow)

    assert result.outcome is Outcome.REJECTED
    assert "already shipped or cancelled" in view.outcome.text() and "code 103" in view.outcome.text()
    [refused] = services.history.recent()
    assert refused.state == hist.REJECTED and refused.id == result.attempt_id
    sent_before = len(sandbox.requests_seen)

    view.answer = False  # the clerk reads why it was refused and does not send it again
    flow.retry(refused.id)
    qtbot.waitUntil(lambda: bool(view.asked) and not flow.active, timeout=10000)

    assert "i.materialise refused attempt" in view.asked[0] and "103" in view.asked[0]
    assert view.said[-1] == "Not sent."
    assert [a.id for a in services.history.recent()] == [refused.id]  # no second attempt was recorded
    assert len(sandbox.requests_seen) == sent_before  # and nothing was sent


def test_an_incomplete_form_sends_nothing_and_says_what_to_do(qtbot, view, flow, services, make_file):
    sandbox = services.uploads.practice.sandbox_for(PROVIDER)
    fill_in(qtbot, view, flow, "", make_file("invoice.pdf"))

    flow.upload()

    assert "not complete" in view.outcome.text() and "Nothing was sent" in view.outcome.text()
    assert view.busy == [] and not flow.active
    assert services.history.recent() == [] and sandbox.requests_seen == []


def test_a_wrong_value_is_not_called_an_incomplete_form(qtbot, view, flow, services, make_file):
    sandbox = services.uploads.practice.sandbox_for(PROVIDER)
    fill_in(qtbot, view, flow, "ORD 1001", make_file("invoice.pdf"))  # filled in, but an order ID has no spaces

    flow.upload()

    said = view.outcome.text()
    assert "Some fields need correcting." in said and "not complete" not in said
    assert "Correct the fields marked in red" in said and "Nothing was sent" in said
    assert services.history.recent() == [] and sandbox.requests_seen == []


def test_an_order_being_sent_from_another_window_or_command_is_said_plainly_and_not_sent(
    qtbot, view, flow, services, make_file
):
    from invoice_desktop.core.history import History

    sandbox = services.uploads.practice.sandbox_for(PROVIDER)
    command = History(services.history.path)  # the CLI on this computer, sending ORD-1001 right now
    try:
        theirs = command.create(
            provider=PROVIDER.id, environment="practice", base_url="u", form={}, targets=["ORD-1001"]
        )
        fill_in(qtbot, view, flow, "ORD-1001", make_file("invoice.pdf"))

        result = press_upload(qtbot, view, flow)

        assert result.outcome is Outcome.FAILED
        shown = view.outcome.text()
        assert "“ORD-1001” is being sent right now by another Invoice Desktop window or command of yours" in shown
        assert f"attempt {theirs}" in shown and "Nothing was sent" in shown
        assert sandbox.requests_seen == []
        mine = services.history.get(result.attempt_id)
        assert mine is not None and mine.state == hist.FAILED  # recorded as it happened: not sent
    finally:
        command.close()
