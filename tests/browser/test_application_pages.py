"""The expression of interest pages pass axe (WCAG 2.2 A and AA), and a whole EOI can be written
and sent with the keyboard alone."""

from __future__ import annotations

import io
import wave

import pytest

from portal.domain.roles import Role
from portal.extensions import db
from portal.models import FilePurpose, Locality
from portal.services import applications, files
from tests.browser.axe import assert_no_axe_violations, assert_page_basics


def _silence_wav() -> bytes:
    """A real, playable WAV file: a quarter of a second of silence."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(b"\x00\x00" * 2000)
    return out.getvalue()


@pytest.fixture
def applicant_page(page, make_user, make_organisation, make_round, make_application, sign_in_page):  # noqa: ANN001, ANN201
    user = make_user(roles={Role.APPLICANT})
    group = make_organisation(members=[user], name="Nechells Family Learning")
    round_ = make_round()
    db.session.add(Locality(name="Ladywood"))
    db.session.commit()
    draft = make_application(round_=round_, organisation=group, applicant=user)
    recording = files.store_upload(
        _silence_wav(), "our answer.wav", purpose=FilePurpose.RECORDING, organisation=group, by=user, max_bytes=10_000
    )
    applications.save_answer(
        draft,
        round_.criteria[0],
        text="",
        recording=recording,
        keep_recording=True,
        recording_summary="How the club began.",
        expected_version=None,
        by=user,
    )
    db.session.commit()
    sent = make_application(round_=make_round(), organisation=group, applicant=user, submit=True)
    sign_in_page(page, user)
    page.ids = {"draft": draft.id, "sent": sent.id, "criterion": round_.criteria[0].id, "round": round_.id}
    return page


PAGES = [
    pytest.param("/applicant/", id="home-with-applications"),
    pytest.param("/applicant/rounds/{round}/start", id="start"),
    pytest.param("/applicant/applications/{draft}", id="task-list"),
    *[
        pytest.param(f"/applicant/applications/{{draft}}/{s}", id=s)
        for s in (
            "project",
            "work_stream",
            "beneficiaries",
            "activities",
            "outputs",
            "budget",
            "partners",
            "declarations",
        )
    ],
    pytest.param("/applicant/applications/{draft}/questions", id="questions"),
    pytest.param("/applicant/applications/{draft}/questions/{criterion}", id="answer"),
    pytest.param("/applicant/applications/{draft}/check", id="check"),
    pytest.param("/applicant/applications/{sent}/sent", id="sent"),
    pytest.param("/applicant/applications/{sent}/status", id="status"),
]


@pytest.mark.parametrize("path", PAGES)
def test_application_page_is_accessible(applicant_page, path):
    applicant_page.goto(path.format(**applicant_page.ids))
    assert_page_basics(applicant_page)
    assert_no_axe_violations(applicant_page)


def test_a_recorded_answer_plays_in_the_browser(applicant_page):
    """The player is a real, working media element: Chromium loads the WAV the group sent."""
    applicant_page.goto(
        f"/applicant/applications/{applicant_page.ids['draft']}/questions/{applicant_page.ids['criterion']}"
    )
    player = applicant_page.get_by_label("Audio recording: Criterion 1")
    player.evaluate("audio => { audio.preload = 'auto'; audio.load(); }")
    applicant_page.wait_for_function(
        "() => document.querySelector('audio').readyState >= 1 || document.querySelector('audio').error"
    )
    assert player.evaluate("audio => audio.error === null && Math.abs(audio.duration - 0.25) < 0.01")
    assert "How the club began." in applicant_page.locator("figure.app-recording").inner_text()


def test_errors_on_a_section_are_accessible(applicant_page):
    applicant_page.goto(f"/applicant/applications/{applicant_page.ids['draft']}/budget")
    applicant_page.get_by_label("How much are you asking for?").fill("3000")
    with applicant_page.expect_navigation():
        applicant_page.get_by_role("button", name="Save and continue").click()
    assert applicant_page.title().startswith("Error: ")
    assert_no_axe_violations(applicant_page)


def _tab_to(page, predicate_js: str, limit: int = 60) -> None:  # noqa: ANN001
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate_js):
            return
    raise AssertionError(f"focus never reached: {predicate_js}")


def _focus_field(page, field_id: str) -> None:  # noqa: ANN001
    _tab_to(page, f"document.activeElement && document.activeElement.id === {field_id!r}")


def _press_button(page, text: str) -> None:  # noqa: ANN001
    _tab_to(
        page,
        f"document.activeElement && document.activeElement.tagName === 'BUTTON' && "
        f"document.activeElement.textContent.trim() === {text!r}",
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_whole_application_by_keyboard_alone(applicant_page):
    base = f"/applicant/applications/{applicant_page.ids['draft']}"
    page = applicant_page

    def section(name: str, typing: dict[str, str], checks: tuple[str, ...] = ()) -> None:
        page.goto(f"{base}/{name}")
        for field_id, text in typing.items():
            _focus_field(page, field_id)
            page.keyboard.type(text)
        for field_id in checks:
            _focus_field(page, field_id)
            page.keyboard.press("Space")
        _press_button(page, "Save and continue")
        assert "Error:" not in page.title(), page.url

    section("project", {"title": "Family reading club", "summary": "Parents and children read together."})
    page.goto(f"{base}/work_stream")
    _tab_to(page, "document.activeElement && document.activeElement.type === 'radio'")
    page.keyboard.press("Space")
    _press_button(page, "Save and continue")
    section("beneficiaries", {"who_benefits": "Families learning English"}, checks=("localities",))
    section("activities", {"activities": "Weekly sessions at the library.", "timescale": "Autumn term"})
    page.goto(f"{base}/outputs")
    number = page.locator("input[inputmode=numeric]").first.get_attribute("id")
    words = page.locator("textarea").first.get_attribute("id")
    section("outputs", {number: "30", words: "Stories the families write"})
    page.goto(f"{base}/questions")
    questions = [link.get_attribute("href") for link in page.locator("a", has_text="Answer").all()]
    assert questions
    for href in questions:
        page.goto(href)
        _focus_field(page, "text")
        page.keyboard.type("We have run family reading sessions for three years.")
        _press_button(page, "Save and continue")
    section("budget", {"amount": "2000", "lines-0-description": "Books", "lines-0-amount": "2000"})
    page.goto(f"{base}/partners")
    _tab_to(page, "document.activeElement && document.activeElement.name === 'has_partners'")
    page.keyboard.press("ArrowDown")  # radios in a group: arrows move and choose ("No")
    assert page.evaluate("document.activeElement.value") == "no"
    _press_button(page, "Save and continue")
    section("declarations", {}, checks=("confirm_true", "confirm_allowed"))

    page.goto(f"{base}/check")
    _press_button(page, "Send application")
    assert page.locator("h1").inner_text() == "Application sent"
    assert "TST-2026-" in page.locator(".govuk-panel").inner_text()
