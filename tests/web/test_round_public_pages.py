"""A round's public page: what a group reads before it checks whether it can apply."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from portal.domain.organisations import LegalForm
from portal.domain.workflow import RoundStatus
from portal.extensions import db
from tests.factories import make_fund
from tests.helpers import page_title, visible_text


@pytest.fixture
def open_round(make_round):  # noqa: ANN001, ANN201
    round_ = make_round(
        title="Stronger Communities 2030",
        fund=make_fund(name="Legacy Fund", description="Money for groups that bring people together."),
        guidance="This is a short first application.\n\nYou do not need to be a charity.\n  \nAsk us if you are stuck.",
        allowed_legal_forms=[LegalForm.COMMUNITY_GROUP.value, LegalForm.CHARITY.value],
        income_ceiling=Decimal("250000"),
        excluded_purposes=["Religious worship", "Party political activity"],
        min_amount=Decimal("500"),
        max_amount=Decimal("5000"),
    )
    stream = round_.work_streams[0]
    stream.description = "Conversation cafes and English practice."
    stream.who_it_is_for = "Women new to the city"
    round_.work_streams[1].is_retired = True
    round_.criteria[0].question = "What issues do the people you work with face?"
    round_.criteria[0].descriptor_4 = "Shows a deep, first-hand understanding"
    round_.criteria[2].is_archived = True
    db.session.commit()
    return round_


def test_the_round_page_says_what_a_group_needs_to_know(client, open_round):
    response = client.get(f"/rounds/{open_round.id}")
    text = visible_text(response.data)
    assert page_title(response.data).startswith("Stronger Communities 2030 – ")
    assert "Legacy Fund" in text
    assert "Money for groups that bring people together." in text
    assert "Grants of £500 to £5,000" in text
    # Guidance: one paragraph for each block separated by a blank line.
    html = response.data.decode()
    for paragraph in (
        "This is a short first application.",
        "You do not need to be a charity.",
        "Ask us if you are stuck.",
    ):
        assert f'<p class="govuk-body">{paragraph}</p>' in html
    # Who can apply.
    assert "Constituted community or voluntary group" in text
    assert "Registered charity or CIO" in text
    assert "Faith organisation" not in text
    assert "Your group's yearly income must be £250,000 or less." in text
    assert "Groups that plan to start working with them can apply." in text
    assert "What the money cannot be used for Religious worship Party political activity" in text


def test_work_streams_with_who_they_are_for_and_their_outputs(client, open_round):
    text = visible_text(client.get(f"/rounds/{open_round.id}").data)
    assert "Work stream 1 Conversation cafes and English practice. Who it is for: Women new to the city" in text
    assert "things the projects will count or describe" in text  # "outputs" explained in one line
    assert "People involved in stream 1 100 people" in text
    assert "Stories in stream 1 Described in words" in text
    assert "Work stream 2" not in text  # retired


def test_criteria_with_their_word_limits_and_how_they_are_scored(client, open_round):
    html = client.get(f"/rounds/{open_round.id}").data.decode()
    text = visible_text(html)
    assert "1. Criterion 1 What issues do the people you work with face? Answer in up to 250 words." in text
    assert "2. Criterion 2 Question 2?" in text
    assert "Criterion 3" not in text  # archived
    assert html.count('<details class="govuk-details">') == 2
    assert "How this question is scored" in text
    assert (
        "0 No evidence 1 Limited evidence 2 Adequate evidence 3 Good evidence 4 Shows a deep, first-hand understanding"
        in text
    )
    assert "The panel scores what you say, not how well it is written." in text


def test_how_to_get_help_and_where_to_start(make_app, open_round):
    client = make_app(CONTACT_PHONE="01632 960 001").test_client()
    html = client.get(f"/rounds/{open_round.id}").data.decode()
    text = visible_text(html)
    assert "Email: help@testshire.example Phone: 01632 960 001 Ask us to call you back" in text
    assert f'href="/help/call-back?round_id={open_round.id}"' in html
    assert f'href="/rounds/{open_round.id}/eligibility/group"' in html
    assert "Check if your group can apply" in text


def test_no_phone_line_when_none_is_set(client, open_round):
    assert "Phone:" not in visible_text(client.get(f"/rounds/{open_round.id}").data)


@pytest.mark.parametrize(
    ("closes_at", "shown"),
    [
        (datetime(2030, 3, 30, 16, 0, tzinfo=UTC), "30 March 2030 at 4:00pm (UK time)"),  # GMT, the day before BST
        (datetime(2030, 4, 2, 16, 0, tzinfo=UTC), "2 April 2030 at 5:00pm (UK time)"),  # BST
        (datetime(2030, 10, 26, 16, 0, tzinfo=UTC), "26 October 2030 at 5:00pm (UK time)"),  # BST, before GMT
        (datetime(2030, 10, 28, 17, 0, tzinfo=UTC), "28 October 2030 at 5:00pm (UK time)"),  # GMT again
    ],
)
def test_the_deadline_is_in_uk_time_either_side_of_the_clocks_changing(client, make_round, closes_at, shown):
    round_ = make_round(closes_at=closes_at)
    text = visible_text(client.get(f"/rounds/{round_.id}").data)
    assert f"Closing date {shown}" in text
    assert "Closes in" not in text and "Closes today" not in text


def test_how_long_is_left_when_under_a_week(client, make_round):
    closes_at = datetime.now(UTC) + timedelta(days=3, minutes=5)
    round_ = make_round(closes_at=closes_at)
    london = ZoneInfo("Europe/London")
    days = (closes_at.astimezone(london).date() - datetime.now(london).date()).days
    text = visible_text(client.get(f"/rounds/{round_.id}").data)
    assert f"Closes in {days} days" in text


def test_a_closed_round_says_so_and_offers_no_check(client, make_round):
    round_ = make_round(closes_at=datetime.now(UTC) - timedelta(minutes=1))
    html = client.get(f"/rounds/{round_.id}").data.decode()
    assert "This round has closed. You can no longer apply to it." in visible_text(html)
    assert "/eligibility/group" not in html
    # The check itself sends people back to the round page.
    response = client.get(f"/rounds/{round_.id}/eligibility/group")
    assert response.status_code == 302 and response.headers["Location"] == f"/rounds/{round_.id}"


@pytest.mark.parametrize("status", [RoundStatus.DRAFT, RoundStatus.CLOSED, RoundStatus.ARCHIVED])
def test_rounds_that_are_not_open_are_not_found_by_the_public(client, login_as, make_round, status):
    round_ = make_round(title="Not for the public yet", status=status)
    for path in (f"/rounds/{round_.id}", f"/rounds/{round_.id}/eligibility/group"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Not for the public yet" not in visible_text(response.data)
        assert "Page not found" in visible_text(response.data)
    login_as("applicant")
    assert client.get(f"/rounds/{round_.id}").status_code == 404


def test_an_officer_can_see_a_draft_round_as_the_public_will(client, login_as, make_round):
    round_ = make_round(title="Next year's round", status=RoundStatus.DRAFT)
    login_as("officer")
    text = visible_text(client.get(f"/rounds/{round_.id}").data)
    assert "Next year's round" in text
    assert "This round is draft. Only officers can see this page until the round is open." in text


def test_an_unknown_round_is_not_found(client):
    assert client.get("/rounds/999999").status_code == 404


def test_the_same_weights_are_not_mentioned_but_different_ones_are(client, make_round):
    round_ = make_round()
    assert "weight" not in visible_text(client.get(f"/rounds/{round_.id}").data)
    round_.criteria[0].weight = Decimal("2")
    db.session.commit()
    text = visible_text(client.get(f"/rounds/{round_.id}").data)
    assert re.search(r"Criterion 1 .*This question has a weight of 2:", text)
