"""The same three journeys with JavaScript turned off, on a 320 px wide screen (issue #7, items 3
and 4; WCAG 1.4.10 reflow): an applicant sends a whole EOI, a panel member reviews one from the
conflict question to the submitted scores, a grantee sends a return with a story.

Word counts, the password's "Show" button and the other enhancements are progressive: without
them the forms still work, and the server checks what the scripts would have. On every page of
the way nothing scrolls sideways.
"""

from __future__ import annotations

import io
import wave

from playwright.sync_api import Page

from portal.domain.workflow import ApplicationStatus, ReturnStatus, ReviewStatus
from portal.extensions import db
from portal.models import Application, OutputReturn, Review
from tests.browser.test_keyboard_journeys import ANSWER, eoi_scene, return_scene, review_scene
from tests.conftest import phone_code
from tests.factories import DEFAULT_PASSWORD

PHONE = {"width": 320, "height": 640}


def assert_fits_without_scripts(page: Page) -> None:
    """The page ran no script and does not scroll sideways at 320 px."""
    state = page.evaluate(
        """() => ({
            enhanced: document.body.classList.contains('govuk-frontend-supported'),
            scrollWidth: document.documentElement.scrollWidth,
            innerWidth: window.innerWidth,
        })"""
    )
    assert not state["enhanced"], f"{page.url}: GOV.UK Frontend's script ran: JavaScript is not off"
    assert state["scrollWidth"] <= state["innerWidth"], (
        f"{page.url} is {state['scrollWidth']} px wide on a {state['innerWidth']} px screen: it scrolls sideways"
    )
    assert page.locator(".govuk-error-summary").count() == 0, (
        f"{page.url}: {page.locator('.govuk-error-summary').inner_text()}"
    )


def press(page: Page, name: str, *, role: str = "button") -> None:
    """Follow a link or press a button in the page's main content, and check the page it leads to."""
    with page.expect_navigation():
        page.locator("main").get_by_role(role, name=name).first.click()
    assert_fits_without_scripts(page)


def _recording() -> bytes:
    """A real, playable WAV file: a quarter of a second of silence."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(b"\x00\x00" * 2000)
    return out.getvalue()


def sign_in(page: Page, user) -> None:  # noqa: ANN001
    page.set_viewport_size(PHONE)
    page.goto("/sign-in")
    assert_fits_without_scripts(page)
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    press(page, "Sign in")
    if page.url.endswith("/sign-in/code"):
        page.locator("input[name=code]").fill(phone_code(user))
        with page.expect_navigation():
            page.locator("main button").first.click()
        assert_fits_without_scripts(page)
    assert "/sign-in" not in page.url, f"{user.email} could not sign in: still on {page.url}"


def test_a_whole_eoi_without_javascript(no_js_page: Page, app):  # noqa: ANN001
    page = no_js_page
    scene = eoi_scene()
    sign_in(page, scene["user"])

    press(page, "Untitled application", role="link")
    press(page, "Your project", role="link")
    page.locator("#title").fill("Family reading club")
    # The word count is GOV.UK Frontend's script; without it the limit is still said in words.
    assert "You can write up to 150 words." in page.locator("main").inner_text()
    page.locator("#summary").fill("Parents and children read together.")
    press(page, "Save and continue")
    page.locator("main input[type=radio]").first.check()
    press(page, "Save and continue")
    page.locator("#who_benefits").fill("Families learning English")
    page.get_by_label("Ladywood").check()
    press(page, "Save and continue")
    page.locator("#activities").fill("Weekly sessions at the library.")
    page.locator("#timescale").fill("Autumn term")
    press(page, "Save and continue")
    page.locator("main input[inputmode=numeric]").first.fill("30")
    page.locator("main textarea").first.fill("Stories the families write")
    press(page, "Save and continue")

    assert page.locator("h1").inner_text() == "Questions about your group and project"
    press(page, "Answer", role="link")
    # The first question answered with a recording: a plain file input, no recorder script needed.
    page.locator("#recording").set_input_files(
        files=[{"name": "our answer.wav", "mimeType": "audio/wav", "buffer": _recording()}]
    )
    page.locator("#recording_summary").fill("How the club began.")
    press(page, "Save and continue")
    for _ in range(scene["criteria"] - 1):
        page.locator("#text").fill(ANSWER)
        press(page, "Save and continue")
    assert "Not answered yet" not in page.locator("main").inner_text()
    press(page, "Back to your application", role="link")
    press(page, "Your budget", role="link")
    page.locator("#amount").fill("2000")
    page.locator("#lines-0-description").fill("Books")
    page.locator("#lines-0-amount").fill("2000")
    press(page, "Save and continue")
    page.locator("main input[name=has_partners][value=no]").check()
    press(page, "Save and continue")
    page.locator("#confirm_true").check()
    page.locator("#confirm_allowed").check()
    press(page, "Save and continue")

    assert "You have completed 9 of 9 sections." in page.locator("main").inner_text()
    press(page, "Check your answers", role="link")
    press(page, "Send application")

    assert page.locator("h1").inner_text() == "Application sent"
    application = db.session.get(Application, scene["application"])
    db.session.refresh(application)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.reference in page.locator(".govuk-panel").inner_text()
    recorded = [a for a in application.answers if a.recording_file_id]
    assert [a.recording_summary for a in recorded] == ["How the club began."]


def test_a_whole_review_without_javascript(no_js_page: Page, app):  # noqa: ANN001
    page = no_js_page
    scene = review_scene()
    first, second, third = scene["criteria"]
    sign_in(page, scene["user"])

    with page.expect_navigation():
        page.locator("main a", has_text="Women's conversation cafe").click()
    assert_fits_without_scripts(page)
    page.get_by_label("No, I have no conflict of interest").check()
    press(page, "Continue")

    page.locator(f"input[name=score_{first}][value='3']").check()
    page.locator(f"[name=comment_{first}]").fill("They know the women they work with.")
    page.locator(f"input[name=score_{second}][value='4']").check()
    page.locator(f"input[name=score_{third}][value='1']").check()
    page.locator("input[name=recommendation][value=fund_with_conditions]").check()
    page.locator("[name=recommendation_note]").fill("Only with a safeguarding lead named.")
    press(page, "Submit your scores")

    assert page.locator("h1").inner_text().startswith("Your scores for")
    db.session.expire_all()
    review = db.session.get(Review, scene["review"])
    assert review.status == ReviewStatus.SUBMITTED
    assert review.recommendation.value == "fund_with_conditions"
    assert {s.criterion_id: s.score for s in review.scores} == {first: 3, second: 4, third: 1}


def test_a_whole_return_without_javascript(no_js_page: Page, app):  # noqa: ANN001
    page = no_js_page
    scene = return_scene()
    sign_in(page, scene["user"])

    press(page, "Your output returns: tell us what your funded project has achieved", role="link")
    with page.expect_navigation():
        page.locator("main a", has_text="Return 1").first.click()
    assert_fits_without_scripts(page)
    press(page, "Add a story", role="link")
    page.locator("#title").fill("Finding my voice")
    page.locator("#body").fill("I came to the cafe and now I speak at meetings.")
    page.locator("input[name=consent][value=public_anonymous]").check()
    press(page, "Add the story")

    for field in page.locator("#return-form [name^='m']").all():
        field.fill("12" if field.evaluate("e => e.tagName") == "INPUT" else "Twelve women spoke at the meeting.")
    page.locator("#spend_to_date").fill("1250")
    page.locator("#went_well").fill("Women came back every week.")
    page.locator("#was_hard").fill("Finding a room on Saturdays.")
    page.locator("#confirm").check()
    press(page, "Send this return")

    db.session.expire_all()
    output_return = db.session.get(OutputReturn, scene["return"])
    assert output_return.status == ReturnStatus.SUBMITTED
    assert [(s.title, s.consent.value) for s in output_return.stories] == [("Finding my voice", "public_anonymous")]
