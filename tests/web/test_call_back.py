"""'Ask us to call you back': the public form, the e-mail to the council, the rate limit, and the
officers' list where requests are marked handled."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portal.domain.workflow import RoundStatus
from portal.extensions import db
from portal.models import AuditEvent, SupportRequest
from portal.services import support
from tests.helpers import csrf_token_from, page_title, visible_text

GOOD = {
    "name": "Amina Begum",
    "phone": "07700 900 982",
    "best_time": "Weekday mornings",
    "language": "Bengali",
    "message": "Can you help us fill in the form?",
}


def stored() -> list[SupportRequest]:
    return db.session.scalars(select(SupportRequest).order_by(SupportRequest.id)).all()


def test_anyone_can_ask_for_a_call_back_and_the_council_is_emailed(client, make_round, outbox):
    round_ = make_round(title="Community grants 2030")
    page = client.get(f"/help/call-back?round_id={round_.id}")
    assert "Community grants 2030" in visible_text(page.data)
    assert "within 2 working days" in visible_text(page.data)

    response = client.submit(f"/help/call-back?round_id={round_.id}", GOOD)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/help/call-back/requested?round_id={round_.id}"

    [request] = stored()
    assert (request.name, request.phone, request.best_time, request.language) == (
        "Amina Begum",
        "07700 900 982",
        "Weekday mornings",
        "Bengali",
    )
    assert request.message == "Can you help us fill in the form?"
    assert request.round_id == round_.id and request.user_id is None and request.handled_at is None

    [mail] = outbox
    assert mail["to"] == "help@testshire.example"
    assert mail["subject"] == "Call back requested by Amina Begum"
    assert "Phone: 07700 900 982" in mail["body"]
    assert "Language: Bengali" in mail["body"]
    assert "About: Community grants 2030" in mail["body"]
    assert "Can you help us fill in the form?" in mail["body"]
    assert "/officers/support-requests" in mail["body"]

    confirmation = client.get(response.headers["Location"])
    text = visible_text(confirmation.data)
    assert page_title(confirmation.data).startswith("We will call you back – ")
    assert "We will call you back" in text and "within 2 working days" in text
    assert "Back to Community grants 2030" in text


def test_the_optional_questions_can_be_left_empty(client, outbox):
    response = client.submit("/help/call-back", {"name": "Sam", "phone": "+44 1632 960001"})
    assert response.headers["Location"] == "/help/call-back/requested"
    [request] = stored()
    assert request.best_time is None and request.language is None and request.message is None
    assert request.round_id is None
    assert "Back to the start" in visible_text(client.get("/help/call-back/requested").data)


def test_a_signed_in_user_is_linked_to_their_request(client, login_as, outbox):
    user = login_as("applicant", email="member@example.org")
    client.submit("/help/call-back", {"name": "Member", "phone": "01632 960 001"})
    [request] = stored()
    assert request.user_id == user.id and request.email == "member@example.org"


@pytest.mark.parametrize("phone", ["12345", "call me", "0121 abc 4567", "+44 (0) 1632 960 001 ext 4", ""])
def test_a_bad_phone_number_keeps_everything_typed(client, phone):
    response = client.submit("/help/call-back", {**GOOD, "phone": phone})
    html = response.data.decode()
    assert response.status_code == 200
    assert page_title(html).startswith("Error: ")
    expected = "Enter a phone number we can call you on" if not phone else "Enter a phone number, like 01632 960 001"
    assert expected in visible_text(html)
    for value in ("Amina Begum", "Weekday mornings", "Bengali", "Can you help us fill in the form?"):
        assert value in html
    if phone:
        assert f'value="{phone}"' in html
    assert stored() == []


def test_a_page_left_open_too_long_keeps_what_was_typed(client):
    response = client.post("/help/call-back", data=GOOD)  # no CSRF token: as if it had expired
    text = visible_text(response.data)
    assert response.status_code == 200
    assert "This page was open for a long time, so we could not save your answers." in text
    assert 'value="Amina Begum"' in response.data.decode()
    assert stored() == []


def test_a_name_is_needed(client):
    response = client.submit("/help/call-back", {**GOOD, "name": "  "})
    assert "Enter your name" in visible_text(response.data)
    assert stored() == []


def test_a_draft_round_in_the_address_is_ignored(client, make_round):
    round_ = make_round(title="Secret draft", status=RoundStatus.DRAFT)
    assert "Secret draft" not in visible_text(client.get(f"/help/call-back?round_id={round_.id}").data)
    client.submit(f"/help/call-back?round_id={round_.id}", GOOD)
    assert stored()[0].round_id is None


def test_asking_too_often_is_refused(make_app, outbox):
    client = make_app(CALL_BACK_RATE_LIMIT="2 per hour").test_client()
    for _ in range(2):
        assert client.submit("/help/call-back", GOOD).status_code == 302
    response = client.submit("/help/call-back", GOOD)
    assert response.status_code == 429
    assert "Too many attempts" in visible_text(response.data)
    assert len(stored()) == 2


def test_mistakes_do_not_use_up_the_limit(make_app):
    client = make_app(CALL_BACK_RATE_LIMIT="2 per hour").test_client()
    for _ in range(3):
        assert client.submit("/help/call-back", {**GOOD, "phone": "x"}).status_code == 200
    assert client.submit("/help/call-back", GOOD).status_code == 302


def test_the_default_limit_is_five_an_hour(client):
    for _ in range(5):
        assert client.submit("/help/call-back", GOOD).status_code == 302
    assert client.submit("/help/call-back", GOOD).status_code == 429


# --- officers --------------------------------------------------------------------------------------


def make_request(name: str, *, when: datetime, round_=None):  # noqa: ANN001, ANN201
    request = support.create_support_request(name=name, phone="01632 960 001", round_=round_, by=None, now=when)
    db.session.commit()
    return request


def test_officers_see_requests_waiting_newest_first_with_round_and_uk_time(client, login_as, make_round):
    round_ = make_round(title="Community grants 2030")
    make_request("Older", when=datetime(2030, 1, 10, 9, 0, tzinfo=UTC))
    make_request("Newer", when=datetime(2030, 7, 10, 9, 0, tzinfo=UTC), round_=round_)
    login_as("officer")
    text = visible_text(client.get("/officers/support-requests").data)
    assert "Waiting for a call (2)" in text
    assert text.index("Newer") < text.index("Older")
    assert "Asked 10 July 2030 at 10:00am" in text  # BST
    assert "Asked 10 January 2030 at 9:00am" in text  # GMT
    assert "Round Community grants 2030" in text
    assert "Phone 01632 960 001" in text


def test_an_officer_marks_a_request_handled_with_a_note_and_it_is_audited(client, login_as):
    request = make_request("Amina", when=datetime(2030, 1, 10, 9, 0, tzinfo=UTC))
    officer = login_as("officer", full_name="Olu Officer")
    response = client.submit(
        f"/officers/support-requests/{request.id}/handled",
        {"note": "Called back, helping with the form."},
        from_url="/officers/support-requests",
    )
    assert response.headers["Location"] == "/officers/support-requests"
    db.session.refresh(request)
    assert request.handled_at is not None and request.handled_by_id == officer.id
    assert request.handled_note == "Called back, helping with the form."
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "support_request.handled"))
    assert event.actor_id == officer.id and event.object_id == request.id
    assert event.note == "Called back, helping with the form."
    text = visible_text(client.get("/officers/support-requests").data)
    assert "Marked as handled: Amina." in text
    assert "Waiting for a call (0)" in text and "Nobody is waiting for a call." in text
    assert "Called back, helping with the form." in text and "by Olu Officer" in text


def test_handling_needs_a_note_and_keeps_the_page(client, login_as):
    request = make_request("Amina", when=datetime(2030, 1, 10, 9, 0, tzinfo=UTC))
    login_as("officer")
    response = client.submit(
        f"/officers/support-requests/{request.id}/handled", {"note": " "}, from_url="/officers/support-requests"
    )
    html = response.data.decode()
    assert response.status_code == 200
    assert page_title(html).startswith("Error: ")
    assert f'<a href="#note-{request.id}">Write a short note about what you did</a>' in html
    db.session.refresh(request)
    assert request.handled_at is None


def test_a_request_is_handled_only_once(client, login_as, make_user):
    request = make_request("Amina", when=datetime(2030, 1, 10, 9, 0, tzinfo=UTC))
    login_as("officer")
    page = client.get("/officers/support-requests")  # the form is on this page
    support.mark_support_request_handled(request, note="Done by a colleague", by=make_user(roles={"officer"}))
    db.session.commit()
    response = client.post(
        f"/officers/support-requests/{request.id}/handled",
        data={"csrf_token": csrf_token_from(page.data), "note": "Me too"},
        follow_redirects=True,
    )
    assert "Someone has already marked this request as handled." in visible_text(response.data)
    db.session.refresh(request)
    assert request.handled_note == "Done by a colleague"


@pytest.mark.parametrize("role", ["applicant", "panel_member"])
def test_applicants_and_panel_members_cannot_see_or_handle_requests(client, login_as, role):
    request = make_request("Amina", when=datetime(2030, 1, 10, 9, 0, tzinfo=UTC))
    login_as(role)
    response = client.get("/officers/support-requests")
    assert response.status_code == 403
    assert "Amina" not in visible_text(response.data)
    assert "You do not have permission to see this page" in visible_text(response.data)
    token = csrf_token_from(client.get("/help/call-back").data)
    response = client.post(f"/officers/support-requests/{request.id}/handled", data={"csrf_token": token, "note": "x"})
    assert response.status_code == 403
    db.session.refresh(request)
    assert request.handled_at is None


def test_the_public_is_sent_to_sign_in(client):
    response = client.get("/officers/support-requests")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_an_admin_can_read_the_list_but_not_handle(client, login_as):
    make_request("Amina", when=datetime(2030, 1, 10, 9, 0, tzinfo=UTC))
    login_as("admin")
    html = client.get("/officers/support-requests").data.decode()
    assert "Amina" in visible_text(html)
    assert "Mark as handled" not in visible_text(html)


def test_the_email_address_is_a_link_inside_one_sentence(client, app):
    page = client.get("/help/call-back").data.decode()
    email = app.config["CONTACT_EMAIL"]
    assert f'You can also email us at <a class="govuk-link" href="mailto:{email}">{email}</a>.' in page
    app.config["CONTACT_PHONE"] = "0121 496 0000"
    page = client.get("/help/call-back").data.decode()
    assert f'email us at <a class="govuk-link" href="mailto:{email}">{email}</a> or phone 0121 496 0000.' in page
