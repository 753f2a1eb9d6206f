"""The eligibility check, one question to a page, before any account: both results, errors that
keep the page, changing an answer, and answers kept per round in the session (never the database)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.domain.eligibility import purpose_key
from portal.domain.organisations import LegalForm
from portal.extensions import db
from portal.models import AuditEvent, Locality, Organisation, SupportRequest
from tests.helpers import page_title, visible_text


@pytest.fixture
def places(app):  # noqa: ANN001, ANN201
    north = Locality(name="North", position=0)
    south = Locality(name="South", position=1)
    gone = Locality(name="Old Town", position=2, is_archived=True)
    db.session.add_all([north, south, gone])
    db.session.commit()
    return {"north": north.id, "south": south.id, "gone": gone.id}


@pytest.fixture
def round_(make_round, places):  # noqa: ANN001, ANN201
    round_ = make_round(
        title="Community grants 2030",
        allowed_legal_forms=[LegalForm.UNCONSTITUTED.value, LegalForm.COMMUNITY_GROUP.value, LegalForm.CHARITY.value],
        income_ceiling=Decimal("50000"),
        excluded_purposes=["Religious worship", "Party political activity"],
    )
    round_.work_streams[0].who_it_is_for = "Women new to the city"
    db.session.commit()
    return round_


def step_url(round_, step: str) -> str:  # noqa: ANN001
    return f"/rounds/{round_.id}/eligibility/{step}"


def answer_all(client, round_, places, **overrides):  # noqa: ANN001, ANN003, ANN201
    answers = {
        "group": "community_group",
        "area": [str(places["north"])],
        "income": "under_10k",
        "purpose": ["none"],
        "people": "yes",
        **overrides,
    }
    response = None
    for step, value in answers.items():
        response = client.submit(step_url(round_, step), {"answer": value})
        assert response.status_code == 302, visible_text(client.get(step_url(round_, step)).data)
    return response


def test_a_group_that_can_apply_is_told_what_to_do_next(client, round_, places):
    page = client.get(step_url(round_, "group"))
    assert page_title(page.data).startswith("What kind of group are you? – ")
    assert "question 1 of 5" in visible_text(page.data)

    response = client.submit(step_url(round_, "group"), {"answer": "community_group"})
    assert response.headers["Location"] == step_url(round_, "area")
    response = client.submit(step_url(round_, "area"), {"answer": [str(places["north"]), str(places["south"])]})
    assert response.headers["Location"] == step_url(round_, "income")
    response = client.submit(step_url(round_, "income"), {"answer": "10k_to_50k"})
    assert response.headers["Location"] == step_url(round_, "purpose")
    response = client.submit(step_url(round_, "purpose"), {"answer": "none"})
    assert response.headers["Location"] == step_url(round_, "people")
    people = visible_text(client.get(step_url(round_, "people")).data)
    assert "Work stream 1 : Women new to the city" in people  # the name in bold, then who it is for
    response = client.submit(step_url(round_, "people"), {"answer": "planned"})
    assert response.headers["Location"] == f"/rounds/{round_.id}/eligibility/check-your-answers"

    summary = visible_text(client.get(response.headers["Location"]).data)
    assert "Kind of group Constituted community or voluntary group Change kind of group" in summary
    assert "Where your group works North South Change" in summary
    assert "Yearly income £10,000 to £50,000 Change" in summary
    assert "What the money is for None of these Change" in summary
    assert "Works with the people this fund is for Not yet, but we plan to Change" in summary

    result = client.get(f"/rounds/{round_.id}/eligibility/result")
    html = result.data.decode()
    text = visible_text(html)
    assert page_title(html).startswith("You can apply – ")
    assert "Your group can apply to Community grants 2030." in text
    assert "tell us how you plan to reach them" in text  # not yet working with them, but planning to
    assert 'href="/sign-up"' in html and "Create an account" in text
    assert 'href="/sign-in"' in html and "Already have an account? Sign in" in text
    assert "You cannot apply" not in text


def test_a_group_that_cannot_apply_is_told_every_reason_and_who_else_can_help(client, round_, places):
    answer_all(
        client,
        round_,
        places,
        group="none",
        area=["outside"],
        income="50k_to_100k",
        purpose=[purpose_key("Religious worship"), purpose_key("Party political activity")],
        people="no",
    )
    result = client.get(f"/rounds/{round_.id}/eligibility/result")
    html = result.data.decode()
    text = visible_text(html)
    assert page_title(html).startswith("You cannot apply to this round – ")
    reasons = re.findall(r"<li>([^<]+)</li>", html.split("This is because:")[1].split("</ul>")[0])
    assert [r.replace("&#39;", "'") for r in reasons] == [
        "Your group is not one of the kinds of group that can apply.",
        "The money is for work in the council's area, and your group only works outside it.",
        "Your group's yearly income is more than this round's limit of £50,000.",
        "The money cannot be used for: Religious worship.",
        "The money cannot be used for: Party political activity.",
        "This fund is for groups that work with, or plan to work with, the people its themes are for.",
    ]
    assert "If your group does not have a constitution" in text  # the accountable-body route
    assert "An accountable body receives the money for your group" in text
    assert "help@testshire.example" in text
    assert f'href="/help/call-back?round_id={round_.id}"' in html
    assert "Create an account" not in text


def test_a_straddling_income_band_can_apply_with_a_note(client, round_, places):
    round_.income_ceiling = Decimal("30000")
    db.session.commit()
    answer_all(client, round_, places, income="10k_to_50k")
    text = visible_text(client.get(f"/rounds/{round_.id}/eligibility/result").data)
    assert "You can apply" in text
    assert "If your group's yearly income is more than £30,000, you cannot apply." in text


def test_an_unconstituted_group_is_told_about_the_accountable_body(client, round_, places):
    answer_all(client, round_, places, group="unconstituted")
    text = visible_text(client.get(f"/rounds/{round_.id}/eligibility/result").data)
    assert "You can apply" in text
    assert "You will need to name an accountable body" in text


def test_the_check_writes_nothing_to_the_database(client, round_, places):
    answer_all(client, round_, places)
    client.get(f"/rounds/{round_.id}/eligibility/result")
    for model in (AuditEvent, Organisation, SupportRequest):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0


@pytest.mark.parametrize(
    ("step", "data", "message"),
    [
        ("group", {}, "Select what kind of group you are"),
        ("area", {}, "Select where your group works, or select 'Outside these areas'"),
        ("income", {}, "Select your group's yearly income"),
        ("purpose", {}, "Select what the money is for, or select 'No, none of these'"),
        ("people", {}, "Select whether your group works with the people this fund is for"),
    ],
)
def test_a_question_left_unanswered_keeps_the_page_with_an_error(client, round_, places, step, data, message):
    steps = ["group", "area", "income", "purpose", "people"]
    answer_all(client, round_, places)  # earlier questions answered, so each page can be reached
    client.get(f"/rounds/{round_.id}/eligibility/check-your-answers")
    # Clear this question's answer by posting nothing.
    response = client.submit(step_url(round_, step), data)
    html = response.data.decode()
    assert response.status_code == 200
    assert page_title(html).startswith("Error: ")
    assert 'class="govuk-error-summary' in html
    assert f'<a href="#answer">{message}</a>'.replace("'", "&#39;") in html
    assert f"question {steps.index(step) + 1} of 5" in visible_text(html)


def test_both_a_purpose_and_none_of_these_keeps_what_was_ticked(client, round_, places):
    answer_all(client, round_, places)
    worship = purpose_key("Religious worship")
    response = client.submit(step_url(round_, "purpose"), {"answer": [worship, "none"]})
    html = response.data.decode()
    assert "Select what the money is for, or select &#39;No, none of these&#39;, not both" in html
    assert re.search(rf'value="{worship}"\s+checked', html)
    assert re.search(r'value="none"\s+checked', html)
    assert 'data-behaviour="exclusive"' in html


def test_a_later_question_cannot_be_reached_before_the_earlier_ones(client, round_, places):
    response = client.get(step_url(round_, "people"))
    assert response.headers["Location"] == step_url(round_, "group")
    client.submit(step_url(round_, "group"), {"answer": "charity"})
    assert client.get(step_url(round_, "income")).headers["Location"] == step_url(round_, "area")
    assert client.get(f"/rounds/{round_.id}/eligibility/result").headers["Location"] == step_url(round_, "area")
    assert client.get(f"/rounds/{round_.id}/eligibility/check-your-answers").status_code == 302


def test_back_links_go_to_the_question_before(client, round_, places):
    html = client.get(step_url(round_, "group")).data.decode()
    assert f'href="/rounds/{round_.id}" class="govuk-back-link"' in html
    answer_all(client, round_, places)
    html = client.get(step_url(round_, "income")).data.decode()
    assert f'href="{step_url(round_, "area")}" class="govuk-back-link"' in html


def test_change_links_return_to_the_summary_with_the_answer_shown(client, round_, places):
    answer_all(client, round_, places)
    summary = client.get(f"/rounds/{round_.id}/eligibility/check-your-answers").data.decode()
    change = f"{step_url(round_, 'income')}?change=1"
    assert f'href="{change}"' in summary
    page = client.get(change).data.decode()
    assert re.search(r'value="under_10k"\s+checked', page)  # the saved answer is shown
    assert f'href="/rounds/{round_.id}/eligibility/check-your-answers" class="govuk-back-link"' in page
    response = client.submit(change, {"answer": "100k_to_250k"})
    assert response.headers["Location"] == f"/rounds/{round_.id}/eligibility/check-your-answers"
    summary = visible_text(client.get(response.headers["Location"]).data)
    assert "Yearly income £100,001 to £250,000" in summary
    assert "You cannot apply" in visible_text(client.get(f"/rounds/{round_.id}/eligibility/result").data)


def test_answers_are_kept_for_each_round_separately(client, make_round, round_, places):
    other = make_round(title="Another round")
    client.submit(step_url(round_, "group"), {"answer": "charity"})
    assert re.search(r'value="charity"\s+checked', client.get(step_url(round_, "group")).data.decode())
    other_page = client.get(step_url(other, "group")).data.decode()
    assert "checked" not in other_page
    client.submit(step_url(other, "group"), {"answer": "faith"})
    assert re.search(r'value="charity"\s+checked', client.get(step_url(round_, "group")).data.decode())
    assert re.search(r'value="faith"\s+checked', client.get(step_url(other, "group")).data.decode())


def test_only_the_questions_a_round_needs_are_asked(client, make_round):
    round_ = make_round()  # no localities set up, nothing excluded, no income limit
    assert client.get(step_url(round_, "area")).status_code == 404
    assert client.get(step_url(round_, "purpose")).status_code == 404
    assert client.get(step_url(round_, "nonsense")).status_code == 404
    assert client.submit(step_url(round_, "group"), {"answer": "faith"}).headers["Location"] == step_url(
        round_, "income"
    )
    assert "question 2 of 3" in visible_text(client.get(step_url(round_, "income")).data)
    client.submit(step_url(round_, "income"), {"answer": "over_250k"})
    client.submit(step_url(round_, "people"), {"answer": "yes"})
    assert "You can apply" in visible_text(client.get(f"/rounds/{round_.id}/eligibility/result").data)


def test_the_areas_offered_are_the_councils_active_localities(client, round_, places):
    client.submit(step_url(round_, "group"), {"answer": "charity"})
    text = visible_text(client.get(step_url(round_, "area")).data)
    assert "North South Outside these areas" in text
    assert "Old Town" not in text
    response = client.submit(step_url(round_, "area"), {"answer": [str(places["gone"])]})
    assert response.status_code == 200  # an archived locality is not a choice


def test_a_question_left_open_too_long_keeps_the_answer_chosen(client, round_, places):
    response = client.post(step_url(round_, "group"), data={"answer": "charity"})  # no CSRF token
    html = response.data.decode()
    assert response.status_code == 200
    assert "This page was open for a long time" in visible_text(html)
    assert re.search(r'value="charity"\s+checked', html)
    assert client.get(step_url(round_, "area")).headers["Location"] == step_url(round_, "group")  # not saved
