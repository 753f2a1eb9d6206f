"""The session time-out (issue #7, item 7; WCAG 2.2.1 timing adjustable), in a real browser with a
three-minute idle time-out (``SESSION_IDLE_MINUTES`` is read on each request, so the test sets it
on the app the live server serves).

- At least two minutes before the session ends a modal dialog warns, with focus moved into it;
  "Stay signed in" (keyboard) keeps the session going on the server, and focus goes back to the
  field the person was typing in.
- When the session does end, nothing typed is lost: the form sent after the time-out is held, and
  after signing in again it comes back filled in.

The page's clock is Playwright's (``page.clock``), so the script's minutes pass at once; the
server's side of time passes by moving the session's last use back in the database.
"""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page

from portal.db import utcnow
from portal.extensions import db
from portal.models import UserSession
from tests.browser.axe import assert_no_axe_violations
from tests.browser.test_keyboard_journeys import eoi_scene
from tests.factories import DEFAULT_PASSWORD

IDLE_MINUTES = 3
DIALOG = "#session-timeout"


def _age_session(user, *, idle: timedelta) -> None:  # noqa: ANN001
    """Make the user's live session look unused for ``idle`` (as if that time had passed)."""
    db.session.expire_all()
    rows = db.session.query(UserSession).filter_by(user_id=user.id, ended_at=None).all()
    assert len(rows) == 1, f"expected one live session, found {len(rows)}"
    rows[0].last_seen_at = utcnow() - idle
    db.session.commit()


def _last_seen(user) -> object:  # noqa: ANN001
    db.session.expire_all()
    return db.session.query(UserSession).filter_by(user_id=user.id, ended_at=None).one().last_seen_at


def _seconds_left_shown(page: Page) -> int:
    minutes, seconds = page.locator("[data-timeout-countdown]").inner_text().split(":")
    return int(minutes) * 60 + int(seconds)


def _open_project_section(page: Page, sign_in_page, app) -> dict:  # noqa: ANN001
    app.config["SESSION_IDLE_MINUTES"] = IDLE_MINUTES
    scene = eoi_scene()
    sign_in_page(page, scene["user"])
    page.clock.install()  # the page's timers from here on move only when the test says
    # The whole idle time is left when the page loads, however long signing in took.
    _age_session(scene["user"], idle=timedelta(0))
    page.goto(f"/applicant/applications/{scene['application']}/project")
    wait_until_waiting(page)
    return scene


def wait_until_waiting(page: Page) -> None:
    """Wait until the script has asked the server how long is left and set its timer (only then
    does moving the page's clock on mean anything)."""
    page.locator(f"{DIALOG}[data-timeout-state=waiting]").wait_for(state="attached")


def test_a_warning_two_minutes_before_the_end_and_staying_signed_in(page: Page, app, sign_in_page):  # noqa: ANN001
    scene = _open_project_section(page, sign_in_page, app)
    user = scene["user"]
    dialog = page.locator(DIALOG)
    page.locator("#title").focus()
    page.keyboard.type("Family reading")

    # Forty seconds after the page loaded nothing is shown: three minutes idle, warned at two.
    page.clock.run_for(40_000)
    assert not dialog.is_visible()

    # The server's minute passes too; at the script's next check the warning opens.
    _age_session(user, idle=timedelta(seconds=70))
    page.clock.run_for(20_000)
    dialog.wait_for(state="visible")
    assert page.evaluate(f"() => document.querySelector('{DIALOG}').open")
    assert dialog.get_by_role("heading").inner_text() == "You are about to be signed out"
    assert 100 <= _seconds_left_shown(page) <= 125  # at least two minutes, less the server's minute tick
    assert "Nothing you have typed will be lost." in dialog.inner_text()
    focused = page.evaluate("() => document.activeElement.closest('dialog') && document.activeElement.textContent")
    assert focused and focused.strip() == "Stay signed in", "focus did not move into the warning"
    assert_no_axe_violations(page)

    # The countdown counts down.
    before = _seconds_left_shown(page)
    page.clock.run_for(5_000)
    assert _seconds_left_shown(page) <= before - 4

    # "Stay signed in" with the keyboard: the server counts it as use, the dialog closes and the
    # focus goes back to the title, where typing carries on.
    aged = _last_seen(user)
    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    wait_until_waiting(page)
    assert _last_seen(user) > aged + timedelta(seconds=60)
    assert page.evaluate("() => document.activeElement.id") == "title"
    page.keyboard.type(" club")
    assert page.locator("#title").input_value() == "Family reading club"

    # Asking how long is left does not count as use: the status call leaves last_seen_at alone.
    seen = _last_seen(user)
    page.clock.run_for(10_000)
    status = page.evaluate("async () => (await fetch('/session/status')).json()")
    assert status["signed_in"] and 150 <= status["seconds_left"] <= IDLE_MINUTES * 60
    assert _last_seen(user) == seen


def test_escape_also_keeps_the_session_and_the_warning_is_not_shown_without_signing_in(
    page: Page,
    app,
    sign_in_page,  # noqa: ANN001
):
    scene = _open_project_section(page, sign_in_page, app)
    _age_session(scene["user"], idle=timedelta(seconds=70))
    page.clock.run_for(61_000)
    page.locator(DIALOG).wait_for(state="visible")
    aged = _last_seen(scene["user"])
    page.keyboard.press("Escape")
    page.locator(DIALOG).wait_for(state="hidden")
    assert _last_seen(scene["user"]) > aged

    page.context.clear_cookies()
    page.goto("/sign-in")
    assert page.locator(DIALOG).count() == 0, "the warning is rendered for someone not signed in"


def test_when_the_session_ends_nothing_typed_is_lost(page: Page, app, sign_in_page):  # noqa: ANN001
    scene = _open_project_section(page, sign_in_page, app)
    user = scene["user"]
    page.locator("#title").fill("Family reading club")
    page.locator("#summary").fill("Parents and children read together on Saturdays.")

    # The warning comes; nobody answers it and the countdown runs out: the dialog says so.
    _age_session(user, idle=timedelta(seconds=70))
    page.clock.run_for(61_000)
    dialog = page.locator(DIALOG)
    dialog.wait_for(state="visible")
    page.clock.run_for(130_000)
    dialog.get_by_role("heading", name="You have been signed out").wait_for()
    assert "Nothing you have typed is lost." in dialog.inner_text()
    # The page is still there with what was typed; closing the notice gives the focus back.
    page.keyboard.press("Enter")
    dialog.wait_for(state="hidden")
    assert page.evaluate("() => document.activeElement.id") == "summary"
    assert page.locator("#summary").input_value() == "Parents and children read together on Saturdays."

    # On the server, too, the idle time has passed.
    _age_session(user, idle=timedelta(minutes=IDLE_MINUTES, seconds=5))
    # Saving sends the form into the ended session: it is held, and the person signs in again.
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()
    assert "/sign-in" in page.url and "expired=1" in page.url
    assert "You were signed out because you had not used the service for a while" in page.locator("main").inner_text()
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(DEFAULT_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()

    assert f"/applicant/applications/{scene['application']}/project" in page.url
    assert page.locator("#title").input_value() == "Family reading club"
    assert page.locator("#summary").input_value() == "Parents and children read together on Saturdays."
