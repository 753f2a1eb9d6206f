"""The assisted route: an officer does every applicant step of an EOI on a group's behalf, through
the same pages and services as the group, and everything is recorded as entered on its behalf."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.domain.applications import Channel
from portal.domain.organisations import LegalForm
from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus
from portal.models import Application, AuditEvent, FilePurpose, Locality, Organisation, StoredFile
from tests.conftest import DEFAULT_PASSWORD
from tests.helpers import page_title, visible_text
from tests.web.test_application_journey import fill_every_section

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def officer(login_as):  # noqa: ANN001, ANN201
    return login_as("officer", full_name="Olu Officer")


@pytest.fixture
def round_(db, make_round):  # noqa: ANN001, ANN201
    db.session.add(Locality(name="Hall Green"))
    db.session.commit()
    return make_round(title="Community grants 2027", reference_prefix="CIF-2027-")


def _start(client, round_, **fields):  # noqa: ANN001, ANN003, ANN202
    data = {
        "organisation": "new",
        "channel": "phone",
        "consent_note": "Fatima Begum, secretary, agreed by phone today.",
    }
    return client.submit(f"/officers/rounds/{round_.id}/assisted", {**data, **fields})


def test_an_officer_enters_and_sends_a_whole_eoi_for_a_new_group_and_it_is_recorded_so(
    client, app, db, outbox, officer, round_
):
    started = _start(
        client,
        round_,
        name="Aston Mums",
        legal_form="unconstituted",
        accountable_body_name="Aston Community Trust",
    )
    group = db.session.scalar(select(Organisation).where(Organisation.name == "Aston Mums"))
    application = db.session.scalar(select(Application))
    base = f"/applicant/applications/{application.id}"
    assert started.headers["Location"] == base  # the group's own task list, filled in by the officer
    tasks = visible_text(client.get(base).data)
    assert "Application started for Aston Mums." in tasks
    assert "Entered by Olu Officer on behalf of Aston Mums by phone." in tasks
    assert "You have completed 0 of 9 sections." in tasks

    fill_every_section(client, db, base, round_)
    assert "You have completed 9 of 9 sections." in visible_text(client.get(base).data)
    sent = client.submit(f"{base}/send", {}, from_url=f"{base}/check")
    assert sent.headers["Location"] == f"{base}/sent"
    assert "Your reference number CIF-2027-0001" in visible_text(client.get(sent.headers["Location"]).data)

    db.session.expire_all()
    application = db.session.get(Application, application.id)
    assert (application.status, application.channel, application.entered_by) == (
        ApplicationStatus.SUBMITTED,
        Channel.PHONE,
        officer,
    )
    assert (group.legal_form, group.accountable_body_name, group.members) == (
        LegalForm.UNCONSTITUTED,
        "Aston Community Trust",
        [],
    )
    assert application.consent_note == "Fatima Begum, secretary, agreed by phone today."
    [version] = application.versions
    assert (version.submitted_by_id, version.content["channel"], version.content["entered_by"]) == (
        officer.id,
        "phone",
        "Olu Officer",
    )
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type.in_(["applications", "organisations"])).order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["organisation.created", "application.started", "application.submitted"]
    assert {(e.actor_id, e.on_behalf_of_id, e.channel) for e in events} == {(officer.id, group.id, "phone")}
    assert outbox == []  # nobody in the group has an account yet

    officer_view = visible_text(client.get(f"/officers/applications/{application.id}").data)
    assert "Entered by Olu Officer on behalf of Aston Mums by phone." in officer_view
    assert "Fatima Begum, secretary, agreed by phone today." in officer_view
    assert "Olu Officer on behalf of Aston Mums by phone Application sent" in officer_view
    listed = visible_text(client.get(f"/officers/rounds/{round_.id}/applications?assisted=yes").data)
    assert "CIF-2027-0001 Aston Mums Conversation cafe Entered by an officer" in listed
    detail = f"/officers/applications/{application.id}"
    screened = client.submit(f"{detail}/screening", {"outcome": "eligible"}, from_url=detail)
    assert "Marked as eligible. Nobody in this group has an account, so tell them by phone or letter." in (
        visible_text(client.get(screened.headers["Location"]).data)
    )


def test_the_group_takes_its_application_over_by_an_emailed_invitation(
    client, app, db, outbox, officer, round_, make_user
):
    _start(client, round_, name="Aston Mums", legal_form="faith")
    application = db.session.scalar(select(Application))
    base = f"/applicant/applications/{application.id}"
    fill_every_section(client, db, base, round_)
    client.submit(f"{base}/send", {}, from_url=f"{base}/check")

    detail = f"/officers/applications/{application.id}"
    refused = client.submit(f"{detail}/takeover", {"email": "not an address"}, from_url=detail)
    assert "Enter an e-mail address like name@example.org" in visible_text(refused.data)
    invited = client.submit(f"{detail}/takeover", {"email": "Fatima@Example.org"}, from_url=detail)
    assert "Invitation sent to fatima@example.org." in visible_text(client.get(invited.headers["Location"]).data)
    [mail] = [m for m in outbox if m["template"] == "organisation_invitation"]
    assert mail["to"] == "fatima@example.org"
    link = re.search(r"http://localhost(/applicant/invitations/\S+)", mail["body"]).group(1)

    fatima = make_user(roles={Role.APPLICANT}, email="fatima@example.org", full_name="Fatima Begum")
    group_browser = app.test_client()
    group_browser.submit("/sign-in", {"email": fatima.email, "password": DEFAULT_PASSWORD})
    group_browser.submit(link, {})
    status = visible_text(group_browser.get(f"{base}/status").data)
    assert "Your application CIF-2027-0001" in status
    # The wording below is the applicant template's ("… on behalf of <group>."): see the report
    # for the change that adds "by phone" there too.
    assert "Entered by Olu Officer on behalf of Aston Mums" in status
    assert "Being checked Now" in status
    history = visible_text(client.get(detail).data)
    assert "Olu Officer on behalf of Aston Mums by phone Group invited to take over" in history
    # Fatima is the first in the group to have an account, so she manages it and invites the rest.
    group_page = visible_text(group_browser.get(f"/applicant/organisations/{application.organisation_id}").data)
    assert "Fatima Begum (you) fatima@example.org Manages the account" in group_page
    assert "Invite someone to help with applications" in group_page


def test_an_existing_group_on_a_paper_form_with_a_scan(client, db, officer, round_, make_organisation, make_user):
    member = make_user(roles={Role.APPLICANT})
    group = make_organisation(members=[member], name="Sparkhill Women's Circle")
    make_organisation(name="Ladywood Elders")
    search = visible_text(client.get(f"/officers/rounds/{round_.id}/assisted?q=spark").data)
    assert "1 group matches ‘spark’." in search
    assert "Sparkhill Women's Circle" in search and "Ladywood Elders" not in search
    started = client.submit(
        f"/officers/rounds/{round_.id}/assisted",
        {
            "organisation": str(group.id),
            "channel": "paper",
            "consent_note": "Signed declaration on the paper form, 2 March.",
            "scan": (io.BytesIO(PDF), "paper form.pdf"),
        },
        content_type="multipart/form-data",
    )
    application = db.session.scalar(select(Application))
    assert started.headers["Location"] == f"/applicant/applications/{application.id}"
    assert (application.organisation, application.channel) == (group, Channel.PAPER)
    scan = db.session.scalar(select(StoredFile))
    assert (scan.purpose, scan.organisation_id, scan.original_name) == (
        FilePurpose.PAPER_FORM,
        group.id,
        "paper form.pdf",
    )
    html = client.get(f"/officers/applications/{application.id}").data.decode()
    assert f'<a class="govuk-link" href="/applicant/files/{scan.id}">paper form.pdf</a>' in html
    view = visible_text(html)
    assert "Entered by Olu Officer on behalf of Sparkhill Women's Circle on a paper form." in view
    assert "paper form.pdf (Scan of a paper form," in view
    assert "Scan of the paper form attached" in view
    # Starting again for the same group carries on with the same draft rather than making a second.
    again = client.submit(
        f"/officers/rounds/{round_.id}/assisted",
        {"organisation": str(group.id), "channel": "paper", "consent_note": "Same form."},
    )
    assert again.headers["Location"] == f"/applicant/applications/{application.id}"
    assert len(db.session.scalars(select(Application)).all()) == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"consent_note": ""}, "Record who in the group agreed, and when"),
        ({"channel": ""}, "Choose how the group reached us"),
        ({"organisation": ""}, "Choose the group, or a new group"),
        ({"name": ""}, "Enter the group's name"),
        ({"legal_form": "unconstituted", "accountable_body_name": ""}, "Enter the accountable body"),
    ],
)
def test_the_start_form_explains_what_is_missing_and_keeps_what_was_typed(client, db, officer, round_, fields, message):
    values = {"name": "Aston Mums", "legal_form": "faith", **fields}
    response = _start(client, round_, **values)
    assert response.status_code == 200
    assert message in visible_text(response.data)
    assert page_title(response.data).startswith("Error: Start an application on a group's behalf")
    if values["name"]:
        assert 'value="Aston Mums"' in response.data.decode()
    assert db.session.scalars(select(Application)).all() == []
    assert db.session.scalars(select(Organisation)).all() == []


def test_a_scan_that_is_not_a_document_starts_nothing(client, db, officer, round_, make_organisation):
    group = make_organisation(name="Sparkhill Women's Circle")
    response = client.submit(
        f"/officers/rounds/{round_.id}/assisted",
        {
            "organisation": str(group.id),
            "channel": "paper",
            "consent_note": "Signed the paper form.",
            "scan": (io.BytesIO(b"MZ\x90\x00 a program"), "scan.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200 and "Error:" in page_title(response.data)
    assert db.session.scalars(select(Application)).all() == []
    assert db.session.scalars(select(StoredFile)).all() == []


def test_a_round_that_is_not_taking_applications_is_explained(client, db, officer, make_round):
    closed = make_round(closes_at=datetime.now(UTC) - timedelta(days=1))
    response = _start(client, closed, name="Aston Mums", legal_form="faith")
    assert "This round is not taking applications." in visible_text(response.data)
    assert db.session.scalars(select(Organisation)).all() == []
