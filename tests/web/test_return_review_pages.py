"""Officers' return pages: a round's returns with filters and the late ones flagged and counted; one
return with its figures beside the agreed targets, stories with consent, versions and messages;
accept, or ask the group with a message (kept when refused); the group's answer shows it sent again.
Applicants and panel members are refused; unknown ids are not found."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from portal.domain.applications import Channel
from portal.domain.returns import Consent
from portal.domain.roles import Role
from portal.domain.workflow import AwardStatus, ReturnStatus
from portal.extensions import db as _db
from portal.models import AuditEvent, OutputReturn, ReturnMessage, ReturnVersion, Story
from tests import factories
from tests.helpers import csrf_token_from, page_title, visible_text


def london_today():  # noqa: ANN201
    return datetime.now(ZoneInfo("Europe/London")).date()


def list_url(round_id: int) -> str:
    return f"/officers/rounds/{round_id}/returns"


def detail_url(output_return) -> str:  # noqa: ANN001
    return f"/officers/returns/{output_return.id}"


def numeric_measure(award):  # noqa: ANN001, ANN201
    return next(t.measure for t in award.targets if t.quantity is not None)


def words_measure(award):  # noqa: ANN001, ANN201
    return next(t.measure for t in award.targets if t.quantity is None)


@pytest.fixture
def officer(login_as):  # noqa: ANN001, ANN201
    return login_as("officer", full_name="Olu Officer")


@pytest.fixture
def award(make_award):  # noqa: ANN001, ANN201
    return make_award(status=AwardStatus.ACCEPTED)


@pytest.fixture
def sent(award, make_return):  # noqa: ANN001, ANN201
    """A mid-point return sent with figures, spend, reflections and two stories (one withdrawn)."""
    return make_return(
        award=award,
        status=ReturnStatus.SUBMITTED,
        figures={numeric_measure(award).id: 12, words_measure(award).id: "Three stories recorded"},
        spend_to_date=Decimal("1200"),
        went_well="The cafe filled up every week.",
        was_hard="Finding a room.",
        stories=[
            {"title": "Finding friends", "body": "I met people here.", "consent": Consent.PUBLIC_NAMED,
             "teller_name": "Rosa"},
            {"title": "A hard winter", "body": "It was a hard winter.", "consent": Consent.PUBLIC_ANONYMOUS,
             "consent_withdrawn_at": datetime.now(UTC)},
        ],
    )  # fmt: skip


# --- the list ---------------------------------------------------------------------------------------


def test_the_list_flags_and_counts_late_returns_and_filters_without_javascript(
    client, officer, make_award, make_application, make_return
):
    today = london_today()
    first = make_award(status=AwardStatus.ACCEPTED)
    round_ = first.application.round
    second = make_award(application=make_application(round_=round_, submit=True), status=AwardStatus.ACCEPTED)
    third = make_award(application=make_application(round_=round_, submit=True), status=AwardStatus.ACCEPTED)
    make_return(award=first, period=1, due_on=today - timedelta(days=1))
    make_return(award=second, period=1, status=ReturnStatus.DRAFT, due_on=today - timedelta(days=20))
    make_return(award=third, period=1, due_on=today - timedelta(days=3))
    make_return(award=first, period=2, due_on=today)  # due today: not late
    make_return(award=second, period=2, status=ReturnStatus.SUBMITTED, channel=Channel.PHONE)
    make_return(award=third, period=2, status=ReturnStatus.QUERIED, due_on=today - timedelta(days=30))

    html = client.get(list_url(round_.id)).data.decode()
    page = visible_text(html)
    assert page_title(html).startswith(f"Returns – {round_.title} – ")
    assert "3 returns are late." in page
    assert html.count('govuk-tag govuk-tag--red">Late<') == 3
    assert "6 returns in this round, by status" in page
    assert "Queried, with the group 1" in page and "Sent, to review 1" in page and "Not started 3" in page
    assert f"{first.application.reference}: return 1 {first.application.organisation.name}" in page
    assert f"{first.application.reference}: final return" in page
    assert "Entered by an officer" in page

    late_only = visible_text(client.get(list_url(round_.id) + "?late=y").data)
    assert "3 returns match" in late_only and late_only.count("Late ") == 3
    assert "Clear filters" in late_only and "final return" not in late_only

    queried = visible_text(client.get(list_url(round_.id) + "?status=queried").data)
    assert "1 return matches" in queried
    assert f"{third.application.reference}: final return" in queried

    nothing = visible_text(client.get(list_url(round_.id) + "?status=accepted&late=y").data)
    assert "No returns match these filters." in nothing


def test_an_empty_round_says_so(client, officer, make_round):
    round_ = make_round()
    page = visible_text(client.get(list_url(round_.id)).data)
    assert "There are no returns in this round yet." in page


def test_no_late_returns_is_said_plainly(client, officer, sent):
    page = visible_text(client.get(list_url(sent.award.application.round_id)).data)
    assert "No returns are late." in page and "Late " not in page


# --- one return -------------------------------------------------------------------------------------


def test_the_return_shows_figures_beside_targets_spend_stories_and_versions(client, officer, award, make_return, sent):
    html = client.get(detail_url(sent)).data.decode()
    page = visible_text(html)
    reference = award.application.reference
    assert page_title(html).startswith(f"Return 1 for {reference} – ")
    assert "Sent, to review" in page
    measure = numeric_measure(award)
    # Measure, agreed target, this period, to date, percentage of target.
    assert f"{measure.name} 40 12 12 30.0%" in page
    assert f"{words_measure(award).name} Stories Three stories recorded" in page
    assert "Spent so far: £1,200 of the £3,000 award (40.0%)." in page
    assert "What went well The cafe filled up every week." in page
    assert "Support they need Not given" in page
    assert "Finding friends Can be published with the name given I met people here. Told by Rosa" in page
    assert "A hard winter Consent withdrawn Consent was withdrawn on" in page
    assert "Do not publish or share this story" in page and "It was a hard winter." in page
    assert "Accept this return" in page and "Ask the group about this return" in page
    assert "Versions sent" in page and sent.versions[0].sha256[:12] in page


def test_an_assisted_return_says_who_entered_it_and_how(client, officer, award, make_return):
    entered_by = factories.make_user(roles={Role.OFFICER}, full_name="Priya Patel")
    output_return = make_return(
        award=award, status=ReturnStatus.SUBMITTED, channel=Channel.PHONE, entered_by_id=entered_by.id,
        consent_note="Agreed on the phone with the treasurer.",
    )  # fmt: skip
    page = visible_text(client.get(detail_url(output_return)).data)
    group = award.application.organisation.name
    assert f"Entered by Priya Patel on behalf of {group} by phone." in page
    assert "The group's agreement: Agreed on the phone with the treasurer." in page


def test_a_return_not_sent_shows_no_actions_and_is_flagged_late(client, officer, award, make_return):
    output_return = make_return(award=award, due_on=london_today() - timedelta(days=2))
    page = visible_text(client.get(detail_url(output_return)).data)
    assert "Not started Late" in page and "The group has not sent this return yet." in page
    assert "Figures so far (not sent)" in page and "Nothing sent yet." in page
    assert "Accept this return" not in page and "Ask the group about this return" not in page


# --- accept and query -------------------------------------------------------------------------------


def test_accepting_a_return(client, officer, sent, outbox):
    response = client.submit(f"{detail_url(sent)}/acceptance", from_url=detail_url(sent))
    assert response.status_code == 302 and response.headers["Location"].endswith(detail_url(sent))
    page = visible_text(client.get(detail_url(sent)).data)
    assert "Return accepted. Everyone in the group with an account has been e-mailed." in page
    assert "Accepted" in page and "by Olu Officer" in page
    assert "Accept this return" not in page and "Ask the group about this return" not in page
    assert _db.session.get(OutputReturn, sent.id).status == ReturnStatus.ACCEPTED
    assert [m["template"] for m in outbox if m["template"].startswith("return_")] == ["return_accepted"]


def test_accepting_the_final_return_completes_the_award(client, officer, award, make_return):
    final = make_return(award=award, period=2, status=ReturnStatus.SUBMITTED)
    client.submit(f"{detail_url(final)}/acceptance", from_url=detail_url(final))
    page = visible_text(client.get(detail_url(final)).data)
    assert "It was the final return, so the award is now complete." in page
    assert _db.session.get(type(award), award.id).status == AwardStatus.COMPLETED


def test_accepting_a_return_already_accepted_says_why(client, officer, sent):
    token_page = detail_url(sent)
    sent.status = ReturnStatus.ACCEPTED  # another officer got there first
    _db.session.commit()
    response = client.submit(f"{detail_url(sent)}/acceptance", from_url=token_page)
    assert response.status_code == 302
    page = visible_text(client.get(detail_url(sent)).data)
    assert "There is a problem This return has already been accepted." in page


def test_querying_then_the_group_sends_it_again(client, officer, sent, outbox):
    response = client.submit(
        f"{detail_url(sent)}/query", {"message": "Is the spend right? It looks high."}, from_url=detail_url(sent)
    )
    assert response.status_code == 302
    page = visible_text(client.get(detail_url(sent)).data)
    assert "Your question has been sent. The return is back with the group to answer." in page
    assert "Queried, with the group" in page
    assert "From Olu Officer (council) on" in page and "Is the spend right? It looks high." in page
    assert "Accept this return" not in page
    assert "You asked the group about this return." in page
    [mail] = [m for m in outbox if m["template"].startswith("return_")]
    assert mail["template"] == "return_queried" and "Is the spend right? It looks high." in mail["body"]
    assert f"/applicant/returns/{sent.id}" in mail["body"]  # the group's page to answer and send again

    # The group answers and sends it again (their pages are built elsewhere: set it up directly).
    output_return = _db.session.get(OutputReturn, sent.id)
    member = output_return.award.application.organisation.members[0].user
    output_return.status = ReturnStatus.SUBMITTED
    content = {"figures": {str(numeric_measure(output_return.award).id): 14}, "period": 1}
    _db.session.add_all(
        [
            ReturnMessage(output_return=output_return, author_id=member.id, body="Yes: we bought a cooker."),
            ReturnVersion(
                output_return=output_return,
                number=2,
                submitted_at=datetime.now(UTC),
                content=content,
                sha256=hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest(),
            ),
        ]
    )
    _db.session.commit()
    page = visible_text(client.get(detail_url(sent)).data)
    assert "Sent, to review" in page
    assert f"From {member.full_name} (group) on" in page and "Yes: we bought a cooker." in page
    assert f"{numeric_measure(output_return.award).name} 40 14 14 35.0%" in page  # version 2's figures
    assert "Accept this return" in page


def test_a_query_without_a_message_is_refused(client, officer, sent):
    response = client.submit(f"{detail_url(sent)}/query", {"message": "  "}, from_url=detail_url(sent))
    html = response.data.decode()
    assert response.status_code == 200 and page_title(html).startswith("Error: ")
    assert "There is a problem Write your question for the group" in visible_text(html)
    assert _db.session.get(OutputReturn, sent.id).status == ReturnStatus.SUBMITTED


def test_a_refused_query_keeps_what_was_typed(client, officer, sent):
    token_page = detail_url(sent)
    sent.status = ReturnStatus.QUERIED  # another officer asked first
    _db.session.commit()
    response = client.submit(f"{detail_url(sent)}/query", {"message": "Please add receipts."}, from_url=token_page)
    html = response.data.decode()
    assert page_title(html).startswith("Error: ")
    assert "You have already asked the group about this return." in visible_text(html)
    assert "Please add receipts.</textarea>" in html


def test_a_query_too_long_keeps_what_was_typed(client, officer, sent):
    response = client.submit(f"{detail_url(sent)}/query", {"message": "x" * 5001}, from_url=detail_url(sent))
    html = response.data.decode()
    assert "Keep the message to 5000 characters or fewer" in visible_text(html)
    assert "x" * 5001 + "</textarea>" in html


# --- who may ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["applicant", "panel_member"])
def test_applicants_and_panel_members_are_refused(client, login_as, sent, role):
    login_as(role)
    assert client.get(list_url(sent.award.application.round_id)).status_code == 403
    assert client.get(detail_url(sent)).status_code == 403
    token = csrf_token_from(client.get("/").data)  # the header's sign-out form
    assert client.post(f"{detail_url(sent)}/acceptance", data={"csrf_token": token}).status_code == 403
    assert client.post(f"{detail_url(sent)}/query", data={"message": "x", "csrf_token": token}).status_code == 403
    assert _db.session.get(OutputReturn, sent.id).status == ReturnStatus.SUBMITTED


def test_the_group_itself_is_refused(client, sign_in, sent):
    sign_in(sent.award.application.organisation.members[0].user)
    assert client.get(detail_url(sent)).status_code == 403


def test_unknown_ids_are_not_found(client, officer):
    assert client.get(list_url(999999)).status_code == 404
    assert client.get("/officers/returns/999999").status_code == 404
    token = csrf_token_from(client.get("/").data)
    assert client.post("/officers/returns/999999/acceptance", data={"csrf_token": token}).status_code == 404
    assert client.post("/officers/returns/999999/query", data={"csrf_token": token}).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, sent):
    response = client.get(detail_url(sent))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


# --- withdrawing a story's consent ------------------------------------------------------------------


def test_an_officer_withdraws_consent_for_a_public_story(client, officer, award, make_return, sent):
    internal = make_return(
        award=award,
        period=2,
        status=ReturnStatus.SUBMITTED,
        stories=[{"title": "Kept inside", "body": "Only for you.", "consent": Consent.INTERNAL}],
    )
    # Only a story that could be published offers the button: not the withdrawn one, not an internal one.
    page = visible_text(client.get(detail_url(sent)).data)
    assert page.count("Withdraw consent") == 1 and "Withdraw consent for ‘Finding friends’" in page
    assert "Withdraw consent" not in visible_text(client.get(detail_url(internal)).data)
    story = next(s for s in sent.stories if s.title == "Finding friends")
    response = client.submit(f"/officers/stories/{story.id}/withdraw", {}, from_url=detail_url(sent))
    assert response.status_code == 302 and response.headers["Location"] == detail_url(sent)
    page = visible_text(client.get(detail_url(sent)).data)
    assert "Consent for ‘Finding friends’ has been withdrawn. It will not be published." in page
    assert "Withdraw consent" not in page
    assert "Finding friends Consent withdrawn Consent was withdrawn on" in page
    assert _db.session.get(Story, story.id).consent_withdrawn_at is not None
    event = _db.session.scalar(
        _db.select(AuditEvent).where(AuditEvent.action == "story.consent_withdrawn", AuditEvent.object_id == story.id)
    )
    assert event.actor_id == officer.id and event.after == {"consent": "public_named", "withdrawn": True}
    # Twice (say, from a page opened before): refused with the reason, nothing changes.
    withdrawn_at = _db.session.get(Story, story.id).consent_withdrawn_at
    client.submit(f"/officers/stories/{story.id}/withdraw", {}, from_url=detail_url(internal))
    assert "Consent for this story has already been withdrawn." in visible_text(client.get(detail_url(sent)).data)
    assert _db.session.get(Story, story.id).consent_withdrawn_at == withdrawn_at


@pytest.mark.parametrize("role", ["applicant", "panel_member"])
def test_only_officers_withdraw_consent_here(client, login_as, sent, role):
    login_as(role)
    story = next(s for s in sent.stories if s.title == "Finding friends")
    token = csrf_token_from(client.get("/").data)
    assert client.post(f"/officers/stories/{story.id}/withdraw", data={"csrf_token": token}).status_code == 403
    assert _db.session.get(Story, story.id).consent_withdrawn_at is None


def test_withdrawing_consent_for_an_unknown_story_is_not_found(client, officer):
    token = csrf_token_from(client.get("/").data)
    assert client.post("/officers/stories/999999/withdraw", data={"csrf_token": token}).status_code == 404
