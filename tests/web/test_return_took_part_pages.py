"""Who took part, on the return form and the dashboard: the optional question with its hint that it
is only counted in totals; a wrong answer is explained and everything typed and ticked is kept;
the answer is saved and shown again; an officer entering a return for a group answers it too; the
dashboard's table counts funded awards by their latest sent return, small numbers as "fewer than 5"."""

from __future__ import annotations

import re

import pytest

from portal.domain.workflow import AwardStatus, ReturnStatus
from portal.extensions import db as _db
from portal.models import OutputReturn
from portal.services import returns
from tests import factories
from tests.helpers import page_title, visible_text
from tests.services.test_monitoring import award_in
from tests.web.test_return_pages import filled, first_return

QUESTION = "Who took part in this period? (optional)"
HINT = "We only count this in totals across all funded groups: it is never shown with your group's name."


@pytest.fixture
def award(make_award):  # noqa: ANN001, ANN201
    award = make_award(status=AwardStatus.ACCEPTED)
    returns.create_for_award(award, by=None)
    _db.session.commit()
    return award


@pytest.fixture
def member(award, sign_in):  # noqa: ANN001, ANN201
    user = award.application.organisation.members[0].user
    sign_in(user)
    return user


def _ticked(html: str) -> set[str]:
    return set(re.findall(r'<input[^>]*name="took_part"[^>]*value="([a-z_]+)"[^>]*checked', html))


def test_the_form_asks_who_took_part_with_its_hint(client, award, member):
    output_return = first_return(award)
    text = visible_text(client.get(f"/applicant/returns/{output_return.id}").data)
    assert f"Who took part {QUESTION} Select all that apply. {HINT}" in text
    assert "Women" in text and "Prefer not to say" in text


def test_prefer_not_to_say_with_others_is_explained_and_what_was_typed_is_kept(client, award, member):
    output_return = first_return(award)
    url = f"/applicant/returns/{output_return.id}"
    response = client.submit(url, {**filled(output_return), "took_part": ["women", "prefer_not_to_say"], "later": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page_title(html).startswith("Error:")
    text = visible_text(html)
    assert "There is a problem Select 'Prefer not to say' on its own, or choose who it is" in text
    assert 'href="#took_part"' in html and 'id="took_part"' in html
    assert _ticked(html) == {"women", "prefer_not_to_say"}
    assert "More women came than we expected." in text and 'value="12"' in html
    assert _db.session.get(OutputReturn, output_return.id).status == ReturnStatus.DUE


def test_the_answer_is_kept_when_another_field_is_wrong(client, award, member):
    output_return = first_return(award)
    url = f"/applicant/returns/{output_return.id}"
    response = client.submit(
        url, {**filled(output_return, spend_to_date="9000"), "took_part": ["women", "faith"], "later": "1"}
    )
    assert "The amount spent cannot be more than the grant" in visible_text(response.data)
    assert _ticked(response.get_data(as_text=True)) == {"women", "faith"}


def test_the_answer_is_saved_shown_again_and_sent(client, award, member):
    output_return = first_return(award)
    url = f"/applicant/returns/{output_return.id}"
    response = client.submit(url, {**filled(output_return), "took_part": ["faith", "women"], "later": "1"})
    assert response.status_code == 302
    assert _db.session.get(OutputReturn, output_return.id).took_part == ["women", "faith"]
    assert _ticked(client.get(url).get_data(as_text=True)) == {"women", "faith"}
    response = client.submit(url, {**filled(output_return), "confirm": "y", "send": "1"})  # nothing ticked now
    assert response.status_code == 302
    sent = _db.session.get(OutputReturn, output_return.id)
    assert sent.took_part is None and sent.versions[-1].content["took_part"] is None


def test_an_officer_entering_a_return_for_the_group_answers_it_too(client, award, login_as):
    output_return = first_return(award)
    login_as("officer", full_name="Olu Officer")
    start = f"/officers/returns/{output_return.id}/assisted"
    client.submit(start, {"channel": "phone", "consent_note": "Fatima agreed on the phone on 3 March"})
    enter = f"/officers/returns/{output_return.id}/enter"
    assert QUESTION in visible_text(client.get(enter).data)
    response = client.submit(enter, {**filled(output_return), "took_part": ["women", "other"], "later": "1"})
    assert response.status_code == 302
    response = client.submit(
        enter, {**filled(output_return), "took_part": ["prefer_not_to_say", "other"], "confirm": "y", "send": "1"}
    )
    assert "Select 'Prefer not to say' on its own, or choose who it is" in visible_text(response.data)
    assert _ticked(response.get_data(as_text=True)) == {"prefer_not_to_say", "other"}
    response = client.submit(
        enter, {**filled(output_return), "took_part": ["older_people"], "confirm": "y", "send": "1"}
    )
    assert response.status_code == 302
    sent = _db.session.get(OutputReturn, output_return.id)
    assert sent.status == ReturnStatus.SUBMITTED
    assert sent.versions[-1].content["took_part"] == ["older_people"]


def test_the_dashboard_counts_who_took_part_with_small_numbers_hidden(client, login_as, app):
    round_ = factories.make_round(title="Community grants 2027")
    names = []
    for answer in [["women", "young_people"]] * 5 + [["women", "faith"]] + [None] * 6:
        funded = award_in(round_)
        names.append(funded.application.organisation.name)
        factories.make_return(award=funded, period=1, status=ReturnStatus.ACCEPTED, took_part=answer)
    login_as("officer")
    html = client.get("/officers/dashboard").get_data(as_text=True)
    text = visible_text(html)
    assert "Who took part (from returns)" in text
    table = visible_text(html.split('id="equality-took-part"')[1].split("</table>")[0])
    assert "Answer Funded awards Women 6 Disabled people 0" in table
    assert "Young people (under 25) 5" in table
    assert "Faith communities fewer than 5" in table
    assert "Answered 6 Prefer not to say 0 Did not answer 6 All funded awards with a return sent 12" in table
    # The table shows counts only, never a group's name.
    assert not any(name in table for name in names)
