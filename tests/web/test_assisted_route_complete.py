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
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.domain.organisations import IncomeBand
from portal.domain.returns import Consent
from portal.domain.workflow import AwardStatus, ReturnStatus
from portal.extensions import db as _db
from portal.models import (
    AuditEvent,
    FilePurpose,
    Locality,
    Organisation,
    OutputReturn,
    ReturnMessage,
    StoredFile,
    Story,
    Ward,
)
from portal.services import returns
from tests.helpers import csrf_token_from, visible_text
from tests.unit import test_filetypes as samples
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
_STORIES = f"{__name__}::test_an_officer_changes_and_removes_a_story_for_the_group_and_it_is_recorded_so"
_DETAILS = f"{__name__}::test_an_officer_changes_a_groups_details_for_it_and_it_is_recorded_so"
_DOCUMENT = f"{__name__}::test_an_officer_adds_a_groups_document_for_it_and_it_is_recorded_so"
_OFFER = "tests.web.test_assisted_award"

OFFICER_ROUTES: dict[str, OfficerRoute] = {
    # An EOI: the officer starts it (creating the group if it is new), then uses the group's pages.
    "applicants.new_organisation": OfficerRoute("officers.assisted_start", _EOI),
    "applicants.start_application": OfficerRoute("officers.assisted_start", _EOI),
    "applicants.edit_section": OfficerRoute("applicants.edit_section", _EOI),
    "applicants.answer_question": OfficerRoute("applicants.answer_question", _EOI),
    "applicants.submit_application": OfficerRoute("applicants.submit_application", _EOI),
    "applicants.invite_member": OfficerRoute("officers.invite_group", _TAKEOVER),
    # The group's own record: the officer changes its details and adds its documents for it.
    "applicants.edit_organisation": OfficerRoute("officers.edit_organisation_for_group", _DETAILS),
    "applicants.upload_document": OfficerRoute("officers.upload_document_for_group", _DOCUMENT),
    # The offer: the officer records the group's answer, as its signatory gave it, and takes its bank details.
    "applicants.award_offer": OfficerRoute(
        "officers.accept_offer_for_group",
        f"{_OFFER}::test_an_officer_accepts_an_offer_for_the_group_and_it_is_recorded_so",
    ),
    "applicants.decline_offer": OfficerRoute(
        "officers.decline_offer_for_group",
        f"{_OFFER}::test_an_officer_records_that_a_group_declines_and_it_is_recorded_so",
    ),
    "applicants.bank_details": OfficerRoute(
        "officers.give_bank_details_for_group",
        f"{_OFFER}::test_an_officer_gives_the_groups_bank_details_and_it_is_recorded_masked",
    ),
    # Returns: the officer records how the group reached us, then uses the group's forms.
    "applicants.edit_return": OfficerRoute("officers.edit_return_for_group", _RETURN),
    "applicants.add_story": OfficerRoute("officers.add_story_for_group", _RETURN),
    "applicants.edit_story": OfficerRoute("officers.edit_story_for_group", _STORIES),
    "applicants.remove_story": OfficerRoute("officers.remove_story_for_group", _STORIES),
    "applicants.withdraw_story_consent": OfficerRoute("officers.withdraw_story_consent", _CONSENT),
    "applicants.answer_return_query": OfficerRoute("officers.answer_query_for_group", _ANSWER),
}

# Each gap built so far has moved to OFFICER_ROUTES; a new group action without an officer route goes here.
KNOWN_GAPS: dict[str, str] = {}

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
    # The page the officer enters the return on has the group's answer form, posting here.
    assert f'action="{answer}"' in client.get(enter).data.decode()
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


# --- stories of a return the officer is entering for the group ----------------------------------------


@pytest.fixture
def with_story(make_award, make_return):  # noqa: ANN001, ANN201
    return make_return(
        award=make_award(status=AwardStatus.ACCEPTED),
        period=1,
        stories=[{"title": "Finding friends", "body": "We met.", "consent": Consent.PUBLIC_ANONYMOUS}],
    )


def test_an_officer_changes_and_removes_a_story_for_the_group_and_it_is_recorded_so(client, with_story, login_as):
    group = with_story.award.application.organisation
    [story] = with_story.stories
    story_id = story.id
    officer = login_as("officer", full_name="Olu Officer")
    detail = f"/officers/returns/{with_story.id}"
    edit = f"/officers/stories/{story.id}/edit"
    assert f'href="{edit}"' in client.get(detail).data.decode()  # found on the officer's return page
    # Not before the officer has said how the group reached us and who agreed.
    assert client.get(edit).headers["Location"] == f"/officers/returns/{with_story.id}/assisted"
    response = client.submit(f"/officers/stories/{story.id}/remove", {}, from_url=detail)
    assert response.headers["Location"] == f"/officers/returns/{with_story.id}/assisted"
    assert _db.session.get(Story, story.id) is not None
    client.submit(
        f"/officers/returns/{with_story.id}/assisted",
        {"channel": "video_call", "consent_note": "Fatima, the secretary, agreed on the call on 3 March"},
    )

    # A change the group's rules refuse keeps what was typed.
    refused = client.submit(edit, {"title": " ", "body": "We met every week.", "consent": "internal"})
    assert "Give the story a title" in visible_text(refused.data) and "We met every week." in refused.data.decode()
    changed = client.submit(edit, {"title": "Friends at last", "body": "We met every week.", "consent": "internal"})
    assert changed.headers["Location"] == f"/officers/returns/{with_story.id}/enter"
    saved = _db.session.get(Story, story.id)
    assert (saved.title, saved.body, saved.consent) == ("Friends at last", "We met every week.", Consent.INTERNAL)

    removed = client.submit(f"/officers/stories/{story_id}/remove", {}, from_url=detail)
    assert removed.headers["Location"] == f"/officers/returns/{with_story.id}/enter"
    assert _db.session.get(Story, story_id) is None
    assert "‘Friends at last’ has been removed from the group's return." in visible_text(
        client.get(removed.headers["Location"]).data
    )
    # The record: the officer, for the group, by video call.
    events = _events("story.changed", "story.removed")
    assert [e.action for e in events] == ["story.changed", "story.removed"]
    assert {(e.actor_id, e.on_behalf_of_id, e.channel) for e in events} == {(officer.id, group.id, "video_call")}


def test_a_sent_returns_stories_stay_and_only_officers_reach_the_story_routes(
    client, make_award, make_return, login_as, sign_in
):
    sent = make_return(
        award=make_award(status=AwardStatus.ACCEPTED),
        period=1,
        status=ReturnStatus.SUBMITTED,
        stories=[{"title": "Finding friends", "body": "We met.", "consent": Consent.INTERNAL}],
    )
    [story] = sent.stories
    login_as("officer")
    detail = f"/officers/returns/{sent.id}"
    assert f"/officers/stories/{story.id}/edit" not in client.get(detail).data.decode()
    response = client.submit(f"/officers/stories/{story.id}/remove", {}, from_url=detail)
    assert response.headers["Location"] == detail
    assert "This return has been sent, so its stories can no longer be changed." in visible_text(
        client.get(detail).data
    )
    assert _db.session.get(Story, story.id) is not None
    token = csrf_token_from(client.get(detail).data)
    assert client.get("/officers/stories/999999/edit").status_code == 404
    assert client.post("/officers/stories/999999/remove", data={"csrf_token": token}).status_code == 404

    member = sent.award.application.organisation.members[0].user
    client.post("/sign-out", data={"csrf_token": token})
    sign_in(member)
    token = csrf_token_from(client.get(f"/applicant/returns/{sent.id}").data)
    assert client.get(f"/officers/stories/{story.id}/edit").status_code == 403
    assert client.post(f"/officers/stories/{story.id}/remove", data={"csrf_token": token}).status_code == 403
    assert _events("story.changed", "story.removed") == []


# --- the group's own record: its details and documents ---------------------------------------------------


@pytest.fixture
def group_to_help(make_user, make_organisation):  # noqa: ANN001, ANN201
    north = Locality(name="North", position=0, wards=[Ward(name="Riverside")])
    _db.session.add(north)
    _db.session.commit()
    member = make_user(full_name="Fatima Begum")
    return make_organisation(
        members=[member],
        name="Sparkhill Women's Circle",
        address_line_1="12 Stratford Road",
        town="Birmingham",
        postcode="B11 4BS",
        income_band=IncomeBand.UNDER_10K,
        localities=[north],
        led_by=["women"],
        works_with=["refugees_migrants"],
    )


def _details_form(group, **overrides) -> dict:  # noqa: ANN001, ANN003
    answers = {
        "channel": "phone",
        "note": "Fatima Begum, the secretary, rang on 3 March: the group has moved.",
        "name": group.name,
        "legal_form": "community_group",
        "income_band": "under_10k",
        "address_line_1": "40 Ladypool Road",
        "town": "Birmingham",
        "postcode": "B12 8JY",
        "localities": [str(group.localities[0].id)],
    }
    return {**answers, **overrides}


def test_an_officer_changes_a_groups_details_for_it_and_it_is_recorded_so(client, group_to_help, login_as):
    officer = login_as("officer", full_name="Olu Officer")
    group_page = f"/applicant/organisations/{group_to_help.id}"
    edit = f"/officers/organisations/{group_to_help.id}/details"
    assert f'href="{edit}"' in client.get(group_page).data.decode()  # found on the group's page
    form = client.get(edit).data.decode()
    assert 'value="12 Stratford Road"' in form
    assert "Who leads your group" not in form  # the group's equality answers are its own

    # What was typed stays, with each problem on its answer.
    refused = client.submit(edit, _details_form(group_to_help, channel="", postcode="B12"))
    page = visible_text(refused.data)
    assert "Choose how the group reached us" in page and "Enter a full UK postcode, like B11 4BS" in page
    assert 'value="40 Ladypool Road"' in refused.data.decode()
    assert _events("organisation.updated", "organisation.updated_for_group") == []

    response = client.submit(edit, _details_form(group_to_help))
    assert response.headers["Location"] == group_page
    saved = _db.session.get(Organisation, group_to_help.id)
    assert (saved.address_line_1, saved.postcode) == ("40 Ladypool Road", "B12 8JY")
    assert (saved.led_by, saved.works_with) == (["women"], ["refugees_migrants"])  # kept as the group gave them
    # The record: the change itself (as the group's own form records it), and that the officer made it for them.
    changed, for_group = _events("organisation.updated", "organisation.updated_for_group")
    assert changed.actor_id == officer.id and changed.after["postcode"] == "B12 8JY"
    assert (for_group.actor_id, for_group.on_behalf_of_id, for_group.channel) == (officer.id, group_to_help.id, "phone")
    assert for_group.after == {"changed": ["address_line_1", "postcode"]}
    assert "Sparkhill Women's Circle's details are saved." in visible_text(client.get(group_page).data)


def test_an_officer_adds_a_groups_document_for_it_and_it_is_recorded_so(client, group_to_help, login_as):
    officer = login_as("officer", full_name="Olu Officer")
    group_page = f"/applicant/organisations/{group_to_help.id}"
    upload = f"/officers/organisations/{group_to_help.id}/documents"
    assert f'href="{upload}"' in client.get(group_page).data.decode()
    data = {"channel": "paper", "note": "Fatima Begum posted it on 3 March.", "purpose": "constitution"}

    # The checks every upload meets: a program is refused, with the reason, and nothing is kept.
    refused = client.submit(
        upload, {**data, "document": (io.BytesIO(samples.WINDOWS_EXE), "rules.pdf")}, content_type="multipart/form-data"
    )
    assert "is a program or script" in visible_text(refused.data)
    assert "Fatima Begum posted it on 3 March." in refused.data.decode()
    assert _db.session.scalars(select(StoredFile)).all() == []

    response = client.submit(
        upload, {**data, "document": (io.BytesIO(samples.PDF), "Our rules.pdf")}, content_type="multipart/form-data"
    )
    assert response.headers["Location"] == f"{group_page}#documents"
    [stored] = _db.session.scalars(select(StoredFile)).all()
    assert (stored.organisation_id, stored.purpose, stored.uploaded_by_id) == (
        group_to_help.id,
        FilePurpose.CONSTITUTION,
        officer.id,
    )
    [event] = _events("organisation.document_added_for_group")
    assert (event.actor_id, event.on_behalf_of_id, event.channel) == (officer.id, group_to_help.id, "paper")
    assert event.after["file_id"] == stored.id
    page = visible_text(client.get(group_page).data)
    assert "Constitution or set of rules added for Sparkhill Women's Circle." in page
    assert "Constitution or set of rules Our rules.pdf" in page


def test_only_officers_change_a_groups_record_for_it_and_only_a_real_group(client, group_to_help, login_as, sign_in):
    member = group_to_help.members[0].user
    sign_in(member)
    token = csrf_token_from(client.get(f"/applicant/organisations/{group_to_help.id}").data)
    for url in (
        f"/officers/organisations/{group_to_help.id}/details",
        f"/officers/organisations/{group_to_help.id}/documents",
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, data={"csrf_token": token, **_details_form(group_to_help)}).status_code == 403
    client.post("/sign-out", data={"csrf_token": token})
    login_as("officer")
    token = csrf_token_from(client.get("/officers/").data)
    for url in ("/officers/organisations/999999/details", "/officers/organisations/999999/documents"):
        assert client.get(url).status_code == 404
        assert client.post(url, data={"csrf_token": token}).status_code == 404
    assert _events("organisation.updated", "organisation.updated_for_group") == []
