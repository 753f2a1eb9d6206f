"""Letter pages: an officer issues (and issues again) one group's letter and downloads the stored
versions; issues every letter of a round in one go and watches its progress to the ZIP; a group
downloads its own letters, and nobody else can."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from sqlalchemy import select

from portal.domain.awards import BatchStatus
from portal.extensions import db
from portal.models import Letter, LetterBatch, Panel
from portal.services import letter_batches, letters
from tests import factories
from tests.conftest import DEFAULT_PASSWORD
from tests.helpers import csrf_token_from, page_title, visible_text
from tests.services.test_letters import make_decline, make_officer


@pytest.fixture(autouse=True)
def _jobs_run_now(app):  # noqa: ANN001, ANN202
    app.config["JOBS_SYNCHRONOUS"] = True  # a batch runs inside the request that starts it (tests only)


@pytest.fixture
def officer(sign_in):  # noqa: ANN001, ANN201
    user = make_officer()
    sign_in(user)
    return user


def _page(client, url: str) -> tuple[str, str]:  # noqa: ANN001
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.data.decode()
    return html, visible_text(html)


def _member_client(app, application):  # noqa: ANN001, ANN202
    other = app.test_client()
    user = application.organisation.members[0].user
    other.submit("/sign-in", {"email": user.email, "password": DEFAULT_PASSWORD})
    return other


# --- one group's letters ---------------------------------------------------------------------------


def test_an_officer_issues_an_award_letter_and_downloads_the_stored_pdf(client, officer, make_award, outbox):
    award = make_award()
    application = award.application
    url = f"/officers/applications/{application.id}/letters"
    html, text = _page(client, url)
    assert page_title(html).startswith(f"Letters for {application.reference} – ")
    assert "No letter has been issued yet." in text
    assert "This group gets an award letter" in text

    response = client.submit(f"{url}/award", from_url=url)
    assert response.status_code == 302 and response.location.endswith(url)
    letter = db.session.scalar(select(Letter))
    html, text = _page(client, url)
    assert "Version 1 of the letter issued. The group has been e-mailed a link to it." in text
    assert f"Award letter 1 {letter.issued_at.strftime('%-d %B %Y')}" in text
    assert "by Olu Officer" in text and letter.sha256[:12] in text
    assert "Issue the award letter again" in text
    assert letter.context["doc"]["accept"]["link"] == f"http://localhost/applicant/applications/{application.id}/offer"

    download = client.get(f"/officers/letters/{letter.id}.pdf")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="{application.reference}-award-letter-v1.pdf"'
    )
    assert download.data == letters.letter_bytes(letter)

    mail = [m for m in outbox if m["to"] == application.organisation.members[0].user.email]
    assert mail and mail[-1]["subject"] == f"Your award letter for {application.reference}"
    assert f"http://localhost/applicant/letters/{letter.id}.pdf" in mail[-1]["body"]


def test_issuing_again_lists_both_versions_and_keeps_the_first_download_unchanged(client, officer, make_award):
    application = make_award().application
    url = f"/officers/applications/{application.id}/letters"
    client.submit(f"{url}/award", from_url=url)
    first = db.session.scalar(select(Letter))
    first_bytes = client.get(f"/officers/letters/{first.id}.pdf").data
    client.submit(f"{url}/award", from_url=url)
    _html, text = _page(client, url)
    assert "Version 2 of the letter issued." in text
    assert "Download version 2" in text and "Download version 1" in text
    assert text.index("Download version 2") < text.index("Download version 1")  # newest first
    assert client.get(f"/officers/letters/{first.id}.pdf").data == first_bytes


def test_a_decline_letter_is_issued_from_the_same_page_and_named_kindly_for_the_group(app, client, officer):
    application = make_decline().application
    url = f"/officers/applications/{application.id}/letters"
    _html, text = _page(client, url)
    assert "This group was not funded, so it gets a decision letter with the panel's feedback." in text
    client.submit(f"{url}/decline", from_url=url)
    letter = db.session.scalar(select(Letter))
    assert letter.kind.value == "decline"
    response = _member_client(app, application).get(f"/applicant/letters/{letter.id}.pdf")
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{application.reference}-decision-letter.pdf"'
    )


def test_before_release_no_letter_can_be_issued_and_a_post_is_refused_with_the_reason(client, officer, make_award):
    application = make_award(released=False).application
    url = f"/officers/applications/{application.id}/letters"
    html, text = _page(client, url)
    assert "The round's decisions have not been released yet, so no letter can be issued." in text
    assert 'action="/officers/applications' not in html
    # A form kept open from before, posted anyway (the page's sign-out form has a CSRF token):
    response = client.post(f"{url}/award", data={"csrf_token": csrf_token_from(client.get(url).data)})
    html = response.data.decode()
    assert response.status_code == 200 and page_title(html).startswith("Error: Letters for")
    assert "There is a problem Release the round's decisions first: the group cannot see its decision yet." in (
        visible_text(html)
    )
    assert db.session.scalar(select(Letter)) is None


def test_an_application_without_an_award_or_a_decline_has_no_letter(client, officer):
    application = factories.make_application(submit=True)
    _html, text = _page(client, f"/officers/applications/{application.id}/letters")
    assert "there is no letter to issue" in text
    assert "Issue the" not in text


def test_unknown_letters_kinds_and_applications_are_not_found(client, officer, make_award):
    application = make_award().application
    assert client.get("/officers/applications/999999/letters").status_code == 404
    assert client.get("/officers/letters/999999.pdf").status_code == 404
    assert client.get("/officers/letter-batches/999999").status_code == 404
    assert client.get("/officers/letter-batches/999999.zip").status_code == 404
    url = f"/officers/applications/{application.id}/letters"
    response = client.submit(f"{url}/reminder", from_url=url)
    assert response.status_code == 404


def test_only_officers_reach_the_officer_letter_pages(client, login_as, make_award):
    application = make_award().application
    login_as("applicant")
    for url in (
        f"/officers/applications/{application.id}/letters",
        f"/officers/rounds/{application.round_id}/letters",
    ):
        assert client.get(url).status_code == 403


# --- a round's letters in one go -------------------------------------------------------------------


def test_an_officer_issues_every_letter_of_the_round_and_downloads_the_zip(client, officer, make_award):
    round_ = factories.make_round(reference_prefix="CIF-2027-")
    awards = [make_award(application=factories.make_application(round_=round_, submit=True)) for _ in range(2)]
    make_decline(factories.make_application(round_=round_, submit=True))
    url = f"/officers/rounds/{round_.id}/letters"
    html, text = _page(client, url)
    assert page_title(html).startswith("Letters for this round – ")
    assert "3 letters still to issue, of 3 in this round." in text

    response = client.submit(f"{url}/batch", from_url=url)
    batch = db.session.scalar(select(LetterBatch))
    assert response.status_code == 302 and response.location.endswith(f"/officers/letter-batches/{batch.id}")
    html, text = _page(client, f"/officers/letter-batches/{batch.id}")
    assert page_title(html).startswith("Letters issued – ")
    assert "3 of 3 letters issued" in text
    assert 'http-equiv="refresh"' not in html  # finished: the page stops refreshing
    assert "Download all 3 letters (ZIP file)" in text

    download = client.get(f"/officers/letter-batches/{batch.id}.zip")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        names = archive.namelist()
    assert len(names) == 3 and all(re.fullmatch(r"CIF-2027-\d{4}-(award|decline)-v1\.pdf", n) for n in names)

    _html, text = _page(client, url)
    assert "0 letters still to issue, of 3 in this round." in text
    assert "3 of 3 issued" in text  # the earlier batch is listed
    response = client.submit(f"{url}/batch", from_url=url)
    html = response.data.decode()
    assert page_title(html).startswith("Error: Letters for this round")
    assert "Every group in this round already has its letter." in visible_text(html)
    assert 'href="#reissue"' in html

    client.submit(f"{url}/batch", {"reissue": "y"}, from_url=url)
    again = db.session.scalars(select(LetterBatch).order_by(LetterBatch.id.desc())).first()
    assert (again.reissue, again.done) == (True, 3)
    assert {letter.version for letter in letters.letters_for(awards[0].application)} == {1, 2}


def test_a_running_batch_shows_its_progress_and_failures_and_refreshes_only_when_asked(client, officer, make_award):
    round_ = factories.make_round()
    for _ in range(3):
        make_award(application=factories.make_application(round_=round_, submit=True))
    batch = letter_batches.start_batch(round_, by=officer)
    batch.status, batch.done, batch.failed = BatchStatus.RUNNING, 1, 1
    batch.error = "CIF-2027-0002: The letter could not be made."
    db.session.commit()
    url = f"/officers/letter-batches/{batch.id}"
    html, text = _page(client, url)
    assert page_title(html).startswith("Issuing letters – ")
    assert "1 of 3 letters issued" in text
    assert '<progress id="progress-bar" max="3" value="2"' in html
    assert f'data-batch-progress="{url}.json"' in html  # the script asks here while it runs
    progress = client.get(f"{url}.json")
    assert progress.get_json() == {
        "status": "running",
        "running": True,
        "done": 1,
        "failed": 1,
        "total": 3,
        "message": "1 of 3 letters issued",
    }
    assert "1 letter could not be issued CIF-2027-0002: The letter could not be made." in text
    assert "ZIP" not in text
    # A page that reloads itself is a time limit the officer must choose (WCAG 2.2.1).
    assert 'http-equiv="refresh"' not in html
    assert f'href="{url}?refresh=on">Update this page every 5 seconds until the letters are issued' in html
    html, text = _page(client, f"{url}?refresh=on")
    assert '<meta http-equiv="refresh" content="5">' in html
    assert "This page updates itself every 5 seconds until the letters are issued. Stop updating this page" in text
    assert client.get(f"/officers/letter-batches/{batch.id}.zip").status_code == 404
    _html, text = _page(client, f"/officers/rounds/{round_.id}/letters")
    assert "Letters are being issued now. See the progress" in text

    batch.status = BatchStatus.FINISHED
    db.session.commit()
    finished_html = _page(client, f"{url}?refresh=on")[0]
    assert 'http-equiv="refresh"' not in finished_html and "data-batch-progress" not in finished_html  # it stops
    assert client.get(f"{url}.json").get_json()["running"] is False


# --- the group downloads its letters ---------------------------------------------------------------


def test_a_group_downloads_its_own_letter_and_others_get_not_found(app, client, officer, make_award):
    application = make_award().application
    url = f"/officers/applications/{application.id}/letters"
    client.submit(f"{url}/award", from_url=url)
    letter = db.session.scalar(select(Letter))
    download_url = f"/applicant/letters/{letter.id}.pdf"

    member = _member_client(app, application)
    response = member.get(download_url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == letters.letter_bytes(letter)
    assert response.headers["Content-Disposition"] == f'attachment; filename="{application.reference}-award-letter.pdf"'

    other_group = factories.make_application(submit=True)
    stranger = _member_client(app, other_group)
    assert stranger.get(download_url).status_code == 404
    assert stranger.get("/applicant/letters/999999.pdf").status_code == 404
    assert client.get(download_url).status_code == 404  # an officer uses the officers' download

    panel = db.session.scalar(select(Panel).where(Panel.round_id == application.round_id))
    panel.decisions_released_at = None  # e.g. released by mistake and taken back
    db.session.commit()
    assert member.get(download_url).status_code == 404


def test_signed_out_people_are_sent_to_sign_in_for_a_letter(app, make_award):
    anonymous = app.test_client()
    response = anonymous.get("/applicant/letters/1.pdf")
    assert response.status_code == 302 and "/sign-in" in response.location
