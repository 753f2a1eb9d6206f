"""The officers' letter pages pass axe (WCAG 2.2 A and AA) and have the basics right: one group's
letters (with versions, with none yet, before release, with an error), the round's letters, and a
batch's progress page (running, with failures, and finished with its ZIP); issuing a round's letters
in the browser ends on the finished progress page."""

from __future__ import annotations

import pytest
from flask import current_app

from portal.domain.awards import BatchStatus
from portal.extensions import db
from portal.models import Application, LetterBatch
from portal.services import letter_batches, letters
from tests import factories
from tests.browser.axe import assert_no_axe_violations, assert_page_basics
from tests.services.test_letters import LINKS, make_decline, make_officer


@pytest.fixture
def letter_pages(app, page, make_award, sign_in_page):  # noqa: ANN001, ANN201
    app.config["JOBS_SYNCHRONOUS"] = True  # a batch runs inside the request that starts it (tests only)
    officer = make_officer()
    round_ = factories.make_round(reference_prefix="CIF-2027-")
    awarded = make_award(application=factories.make_application(round_=round_, submit=True))
    declined = make_decline(factories.make_application(round_=round_, submit=True))
    for _ in range(2):
        letters.issue_letter(
            awarded.application, "award", by=officer, static_root=current_app.static_folder, links=LINKS
        )
    unreleased = make_award(released=False)

    finished = letter_batches.start_batch(round_, by=officer)
    finished.status, finished.done, finished.zip_key = BatchStatus.FINISHED, 1, "letters/00/none"
    finished.finished_at = finished.created_at
    other_round = factories.make_round()
    for _ in range(3):
        make_award(application=factories.make_application(round_=other_round, submit=True))
    running = letter_batches.start_batch(other_round, by=officer)
    running.status, running.done, running.failed = BatchStatus.RUNNING, 1, 1
    running.error = "CIF-2027-0009: The letter could not be made."
    db.session.commit()
    sign_in_page(page, officer)
    page.ids = {
        "awarded": awarded.application_id,
        "declined": declined.application_id,
        "unreleased": unreleased.application_id,
        "round": round_.id,
        "other_round": other_round.id,
        "finished": finished.id,
        "running": running.id,
    }
    return page


PAGES = [
    pytest.param("/officers/applications/{awarded}/letters", id="letters-with-versions"),
    pytest.param("/officers/applications/{declined}/letters", id="letters-none-yet"),
    pytest.param("/officers/applications/{unreleased}/letters", id="letters-before-release"),
    pytest.param("/officers/rounds/{round}/letters", id="round-letters"),
    pytest.param("/officers/rounds/{other_round}/letters", id="round-letters-while-running"),
    pytest.param("/officers/letter-batches/{running}", id="batch-running-with-failures"),
    pytest.param("/officers/letter-batches/{finished}", id="batch-finished"),
]


@pytest.mark.parametrize("path", PAGES)
def test_letter_page_is_accessible(letter_pages, path):
    letter_pages.goto(path.format(**letter_pages.ids))
    assert_page_basics(letter_pages)
    assert_no_axe_violations(letter_pages)


def test_a_refused_batch_shows_an_accessible_error(letter_pages):
    page = letter_pages
    declined = db.session.get(Application, page.ids["declined"])
    letters.issue_letter(declined, "decline", by=make_officer(), static_root=current_app.static_folder, links=LINKS)
    db.session.commit()  # now every group of the round has its letter
    page.goto(f"/officers/rounds/{page.ids['round']}/letters")
    with page.expect_navigation():
        page.get_by_role("button", name="Issue all letters for this round").click()
    assert page.get_by_text("Every group in this round already has its letter.").first.is_visible()
    assert page.title().startswith("Error: Letters for this round")
    assert_page_basics(page)
    assert_no_axe_violations(page)


def test_an_officer_issues_a_rounds_letters_again_and_sees_them_finished(letter_pages):
    page = letter_pages
    page.goto(f"/officers/rounds/{page.ids['round']}/letters")
    page.get_by_label("Issue again to groups that already have one").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Issue all letters for this round").click()
    assert "/officers/letter-batches/" in page.url
    assert page.get_by_text("2 of 2 letters issued").is_visible()
    assert page.get_by_role("link", name="Download all 2 letters (ZIP file)").is_visible()
    assert_page_basics(page)
    assert_no_axe_violations(page)


def test_an_officer_issues_one_letter_in_the_browser(letter_pages):
    page = letter_pages
    page.goto(f"/officers/applications/{page.ids['declined']}/letters")
    with page.expect_navigation():
        page.get_by_role("button", name="Issue the decision letter").click()
    assert page.get_by_text("Version 1 of the letter issued.").is_visible()
    assert page.get_by_role("link", name="Download version 1 of the decision letter").is_visible()
    assert_no_axe_violations(page)


def test_the_progress_page_follows_a_running_batch_to_its_end_by_itself(letter_pages):
    """With JavaScript the count updates while the officer watches, and the page shows the ZIP
    once the batch ends; no page reload the officer did not ask for while it runs."""
    page = letter_pages
    page.goto(f"/officers/letter-batches/{page.ids['running']}")
    assert page.locator("#progress").inner_text() == "1 of 3 letters issued"
    batch = db.session.get(LetterBatch, page.ids["running"])
    batch.done = 2
    db.session.commit()
    page.wait_for_function("document.getElementById('progress').textContent.trim() === '2 of 3 letters issued'")
    batch.status, batch.done, batch.zip_key = BatchStatus.FINISHED, 2, "letters/00/none"
    batch.finished_at = batch.created_at
    db.session.commit()
    page.wait_for_function("document.title.startsWith('Letters issued')")
    assert page.get_by_text("Download all 2 letters (ZIP file)").is_visible()
    assert_no_axe_violations(page)
