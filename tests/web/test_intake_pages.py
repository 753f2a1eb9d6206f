"""Officers see what came in to a round, filter and export it, open an application, screen it,
withdraw it at the group's request, message the group and give one group more time."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.domain.applications import Channel
from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus
from portal.models import Application, DeadlineExtension, Locality
from tests.conftest import DEFAULT_PASSWORD
from tests.helpers import page_title, visible_text


@pytest.fixture
def officer(login_as):  # noqa: ANN001, ANN201
    return login_as("officer", full_name="Olu Officer")


@pytest.fixture
def incoming(db, make_round, make_organisation, make_user, make_application):  # noqa: ANN001, ANN201
    """A round with two sent applications and one draft."""
    db.session.add(Locality(name="Hall Green"))
    db.session.commit()
    round_ = make_round(title="Community grants 2027", reference_prefix="CIF-2027-")
    amina = make_user(roles={Role.APPLICANT}, full_name="Amina Khan", email="amina@example.org")
    women = make_organisation(members=[amina], name="Sparkhill Women's Circle")
    first = make_application(round_=round_, organisation=women, applicant=amina, submit=True)
    bob = make_user(roles={Role.APPLICANT}, full_name="Bob Smith")
    elders = make_organisation(members=[bob], name="=Ladywood Elders")
    second = make_application(round_=round_, organisation=elders, applicant=bob, submit=True)
    second.channel = Channel.PHONE
    db.session.commit()
    make_application(round_=round_)  # a draft
    return round_, first, second


def _status_page_for(app, user, application_id: int) -> str:  # noqa: ANN001
    """What a member of the group sees on its status page (signed in with their own browser)."""
    other = app.test_client()
    other.submit("/sign-in", {"email": user.email, "password": DEFAULT_PASSWORD})
    return visible_text(other.get(f"/applicant/applications/{application_id}/status").data)


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_what_was_sent_with_drafts_counted_apart(client, officer, incoming):
    round_, first, second = incoming
    page = visible_text(client.get(f"/officers/rounds/{round_.id}/applications").data)
    assert "Started but not sent 1" in page
    assert "Sent, to be checked 2" in page
    assert "Showing 1 to 2 of 2 applications" in page
    assert (
        "CIF-2027-0001 Sparkhill Women's Circle Women's conversation cafe Work stream 1 Hall Green £3,000 "
        "Sent, to be checked" in page
    )
    assert "=Ladywood Elders Women's conversation cafe Entered by an officer" in page
    assert page.count("Entered by an officer") == 2  # the filter's option, and the marked row


def test_filters_and_search_work_as_a_plain_form(client, officer, incoming):
    round_, first, second = incoming
    base = f"/officers/rounds/{round_.id}/applications"
    assisted = visible_text(client.get(f"{base}?assisted=yes").data)
    assert "Showing 1 to 1 of 1 applications" in assisted and "CIF-2027-0002" in assisted
    assert "CIF-2027-0001" not in assisted
    searched = client.get(f"{base}?q=sparkhill").data.decode()
    assert "CIF-2027-0001" in searched and "CIF-2027-0002" not in searched
    assert 'value="sparkhill"' in searched  # the search box keeps what was typed
    nothing = visible_text(client.get(f"{base}?status=eligible").data)
    assert "No sent applications match these filters." in nothing and "Clear filters" in nothing


def test_the_export_is_the_filtered_list_as_csv(client, officer, incoming):
    round_, first, second = incoming
    response = client.get(f"/officers/rounds/{round_.id}/applications.csv?assisted=yes")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="CIF-2027-applications.csv"'
    header, *rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert header[:3] == ["reference", "organisation", "legal_form"]
    assert [(row[0], row[1], row[9]) for row in rows] == [("CIF-2027-0002", "'=Ladywood Elders", "phone")]
    page = client.get(f"/officers/rounds/{round_.id}/applications?assisted=yes").data.decode()
    assert f'href="/officers/rounds/{round_.id}/applications.csv?assisted=yes"' in page


# --- one application and screening ------------------------------------------------------------


def test_the_application_view_shows_answers_versions_and_history(client, officer, incoming):
    _, first, _ = incoming
    page = visible_text(client.get(f"/officers/applications/{first.id}").data)
    assert "Application CIF-2027-0001" in page
    assert "What the group sent" in page and "We know our community well." in page
    version = first.versions[0]
    assert f"Fingerprint (SHA-256) 1 {_uk(version.submitted_at)} {version.sha256[:12]} Messages" in page
    assert "History Everything recorded about this application, newest first When Who What" in page
    assert page.index("Amina Khan Application sent") < page.index("Amina Khan Application started")


def test_screening_as_eligible_tells_the_group(client, app, officer, outbox, incoming):
    _, first, _ = incoming
    response = client.submit(
        f"/officers/applications/{first.id}/screening",
        {"outcome": "eligible"},
        from_url=f"/officers/applications/{first.id}",
    )
    assert response.headers["Location"] == f"/officers/applications/{first.id}"
    assert "Marked as eligible. Everyone in the group with an account has been e-mailed." in visible_text(
        client.get(response.headers["Location"]).data
    )
    assert db_status(first) == ApplicationStatus.ELIGIBLE
    assert [m["to"] for m in outbox if m["template"] == "application_screened"] == ["amina@example.org"]
    assert "With the panel Now" in _status_page_for(app, first.organisation.members[0].user, first.id)


def test_not_eligible_without_a_reason_is_explained_and_changes_nothing(client, officer, outbox, incoming):
    _, first, _ = incoming
    response = client.submit(
        f"/officers/applications/{first.id}/screening",
        {"outcome": "ineligible", "reason": ""},
        from_url=f"/officers/applications/{first.id}",
    )
    assert response.status_code == 200
    assert page_title(response.data).startswith("Error: Application CIF-2027-0001")
    assert "There is a problem Give the reason the group will be told" in visible_text(response.data)
    assert 'value="ineligible" checked' in response.data.decode()
    assert '<a href="#reason">Give the reason the group will be told</a>' in response.data.decode()
    assert db_status(first) == ApplicationStatus.SUBMITTED
    assert not any(m["template"] == "application_screened" for m in outbox)


def test_not_eligible_with_a_reason_is_shown_to_the_group(client, app, officer, outbox, incoming):
    _, first, _ = incoming
    client.submit(
        f"/officers/applications/{first.id}/screening",
        {"outcome": "ineligible", "reason": "Your group works outside the council's area."},
        from_url=f"/officers/applications/{first.id}",
    )
    assert db_status(first) == ApplicationStatus.INELIGIBLE
    status = _status_page_for(app, first.organisation.members[0].user, first.id)
    assert "Not eligible Your group works outside the council's area." in status
    mail = next(m for m in outbox if m["template"] == "application_screened")
    assert "Why: Your group works outside the council's area." in mail["body"]


def test_withdrawing_needs_a_reason_then_tells_the_group(client, app, officer, outbox, incoming):
    _, first, _ = incoming
    url = f"/officers/applications/{first.id}/withdrawal"
    refused = client.submit(url, {"withdraw_reason": ""}, from_url=f"/officers/applications/{first.id}")
    assert "Say why the group asked to withdraw" in visible_text(refused.data)
    assert db_status(first) == ApplicationStatus.SUBMITTED
    client.submit(
        url, {"withdraw_reason": "Amina phoned: the hall is closing."}, from_url=f"/officers/applications/{first.id}"
    )
    assert db_status(first) == ApplicationStatus.WITHDRAWN
    status = _status_page_for(app, first.organisation.members[0].user, first.id)
    assert "Withdrawn" in status and "Withdrawn at your request: Amina phoned: the hall is closing." in status
    assert any(m["template"] == "application_withdrawn" for m in outbox)
    page = visible_text(client.get(f"/officers/applications/{first.id}").data)
    assert (
        "Olu Officer on behalf of Sparkhill Women's Circle Withdrawn at the group's request: "
        "Amina phoned: the hall is closing." in page
    )
    assert "Why did the group ask to withdraw?" not in page  # nothing left to withdraw


def test_a_message_is_on_the_groups_status_page_and_emailed(client, app, officer, outbox, incoming):
    _, first, _ = incoming
    url = f"/officers/applications/{first.id}/messages"
    empty = client.submit(url, {"body": " "}, from_url=f"/officers/applications/{first.id}")
    assert "Write your message" in visible_text(empty.data)
    client.submit(
        url, {"body": "Please send us your safeguarding policy."}, from_url=f"/officers/applications/{first.id}"
    )
    status = _status_page_for(app, first.organisation.members[0].user, first.id)
    assert "Please send us your safeguarding policy." in status
    mail = next(m for m in outbox if m["template"] == "application_message")
    assert mail["to"] == "amina@example.org" and "Please send us your safeguarding policy." in mail["body"]
    assert "Message sent to the group" in visible_text(client.get(f"/officers/applications/{first.id}").data)


# --- more time for one group ------------------------------------------------------------------


def test_an_officer_gives_one_group_more_time(client, db, officer, outbox, incoming):
    round_, first, _ = incoming
    url = f"/officers/rounds/{round_.id}/organisations/{first.organisation_id}/extension"
    new_close = (round_.closes_at + timedelta(days=7)).astimezone(UTC)
    form = visible_text(client.get(url).data)
    assert "Give Sparkhill Women's Circle more time" in form
    bad = client.submit(
        url, {"closes_on-day": "31", "closes_on-month": "2", "closes_on-year": "2031", "closes_time": "5pm"}
    )
    assert "The date must be a real date" in visible_text(bad.data)
    no_reason = client.submit(
        url,
        {
            "closes_on-day": str(new_close.day),
            "closes_on-month": str(new_close.month),
            "closes_on-year": str(new_close.year),
            "closes_time": "5pm",
            "reason": "",
        },
    )
    assert "Say why this group is getting more time" in visible_text(no_reason.data)
    assert f'value="{new_close.day}"' in no_reason.data.decode()
    done = client.submit(
        url,
        {
            "closes_on-day": str(new_close.day),
            "closes_on-month": str(new_close.month),
            "closes_on-year": str(new_close.year),
            "closes_time": "5pm",
            "reason": "Their treasurer was in hospital.",
        },
    )
    assert done.headers["Location"] == f"/officers/applications/{first.id}"
    extension = db.session.scalar(select(DeadlineExtension))
    assert extension.reason == "Their treasurer was in hospital."
    assert extension.closes_at.astimezone(UTC).date() == new_close.date()
    mail = next(m for m in outbox if m["template"] == "deadline_extended")
    assert "Why: Their treasurer was in hospital." in mail["body"]
    page = visible_text(client.get(done.headers["Location"]).data)
    assert "More time given: Their treasurer was in hospital." in page
    again = client.get(url).data.decode()
    assert "This group already has until" in visible_text(again)
    assert "Their treasurer was in hospital.</textarea>" in again  # filled in, to change


def test_an_extension_before_the_rounds_own_closing_time_is_refused(client, db, officer, incoming):
    round_, first, _ = incoming
    url = f"/officers/rounds/{round_.id}/organisations/{first.organisation_id}/extension"
    earlier = datetime.now(UTC) + timedelta(days=1)
    response = client.submit(
        url,
        {
            "closes_on-day": str(earlier.day),
            "closes_on-month": str(earlier.month),
            "closes_on-year": str(earlier.year),
            "closes_time": "noon",
            "reason": "A mistake",
        },
    )
    assert "The new closing time must be after the round's closing time." in visible_text(response.data)
    assert db.session.scalar(select(DeadlineExtension)) is None


# --- who may see these pages ------------------------------------------------------------------


def _officer_pages(round_, application) -> tuple[list[str], list[str]]:  # noqa: ANN001
    org = application.organisation_id
    gets = [
        f"/officers/rounds/{round_.id}/applications",
        f"/officers/rounds/{round_.id}/applications.csv",
        f"/officers/applications/{application.id}",
        f"/officers/rounds/{round_.id}/organisations/{org}/extension",
        f"/officers/rounds/{round_.id}/assisted",
    ]
    posts = [
        f"/officers/applications/{application.id}/screening",
        f"/officers/applications/{application.id}/withdrawal",
        f"/officers/applications/{application.id}/messages",
        f"/officers/applications/{application.id}/takeover",
        f"/officers/rounds/{round_.id}/organisations/{org}/extension",
        f"/officers/rounds/{round_.id}/assisted",
    ]
    return gets, posts


@pytest.mark.parametrize("role", ["applicant", "panel_member"])
def test_applicants_and_panel_members_are_refused_every_officer_page(client, login_as, incoming, role):
    round_, first, _ = incoming
    login_as(role)
    gets, posts = _officer_pages(round_, first)
    token = client.get("/").data.decode().split('name="csrf_token" value="')[1].split('"')[0]
    for path in gets:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "You do not have permission to see this page" in visible_text(response.data), path
    for path in posts:
        response = client.post(path, data={"csrf_token": token, "outcome": "eligible", "body": "x", "reason": "x"})
        assert response.status_code == 403, path
    assert db_status(first) == ApplicationStatus.SUBMITTED


def test_anonymous_people_are_sent_to_sign_in(client, incoming):
    round_, first, _ = incoming
    gets, posts = _officer_pages(round_, first)
    for path in gets:
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in?next="), path
    for path in posts:
        assert client.post(path).status_code in {302, 400}, path
    assert db_status(first) == ApplicationStatus.SUBMITTED


def test_an_admin_can_read_but_not_screen(client, login_as, incoming):
    round_, first, _ = incoming
    login_as("admin")
    page = visible_text(client.get(f"/officers/applications/{first.id}").data)
    assert "Application CIF-2027-0001" in page and "Check eligibility" not in page
    assert client.get(f"/officers/rounds/{round_.id}/assisted").status_code == 403


def _uk(moment: datetime) -> str:
    from portal.templating import uk_datetime

    return uk_datetime(moment)


def db_status(application: Application) -> ApplicationStatus:
    from portal.extensions import db

    db.session.expire(application)
    return application.status


def test_the_list_page_takes_the_same_number_of_queries_however_many_rows(
    client, db, officer, make_round, make_organisation
):
    from tests.services.test_intake import counting_statements, sent

    locality = Locality(name="Ladywood")
    db.session.add(locality)
    db.session.commit()
    counts = []
    for how_many in (3, 30):
        round_ = make_round()
        for number in range(1, how_many + 1):
            group = make_organisation()
            extra = {"channel": Channel.PHONE, "entered_by": officer} if number % 2 else {}
            sent(db, round_, organisation=group, number=number, localities=[locality], **extra)
        with counting_statements(db.engine) as statements:
            page = visible_text(client.get(f"/officers/rounds/{round_.id}/applications").data)
        assert f"Showing 1 to {how_many} of {how_many} applications" in page
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
