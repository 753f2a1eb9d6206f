"""The programme dashboard as officers and panel members see it: progress by work stream as a
chart followed by its table, by locality, returns due, late and queried, each award's status in
words, equality and reach with small numbers hidden; choosing a round; who may see it."""

from __future__ import annotations

import re

import pytest

from portal.domain.panel import MemberKind
from portal.domain.workflow import AwardStatus
from portal.models import Panel, PanelMember
from tests import factories
from tests.helpers import page_title, visible_text
from tests.services.test_monitoring import award_in, build_programme


@pytest.fixture
def programme(app):  # noqa: ANN001, ANN201
    return build_programme()


def _sit_on_panel(db, user, round_):  # noqa: ANN001, ANN202
    panel = db.session.scalar(db.select(Panel).where(Panel.round_id == round_.id))
    panel.members.append(PanelMember(user=user, kind=MemberKind.RESIDENT, profile="Lives in the area."))
    db.session.commit()


def test_an_officer_sees_each_work_streams_progress_as_a_chart_then_its_table(client, login_as, programme):
    login_as("officer")
    response = client.get("/officers/dashboard")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert page_title(html).startswith("Programme dashboard: Community grants 2027")
    text = visible_text(html)
    assert "Work stream 1 2 funded groups, £6,000 in grants." in text
    assert (
        "Progress in Work stream 1: the numbers Measure Programme target Agreed with groups Achieved so far "
        "Of the programme target People involved in stream 1 (people) 100 80 30 30.0%"
    ) in text
    # The chart: an image with a name and a description, the numbers as text, then the table.
    svg = re.search(r'<svg id="chart-(\d+)"[^>]*>', html)
    assert svg and 'role="img"' in svg.group(0)
    assert f'aria-labelledby="chart-{svg.group(1)}-title chart-{svg.group(1)}-desc"' in svg.group(0)
    assert f'<title id="chart-{svg.group(1)}-title">Progress in Work stream 1</title>' in html
    assert "30 people of a target of 100 (30.0%)" in html
    assert re.search(rf'</svg>\s*</figure>\s*<table class="govuk-table" id="chart-{svg.group(1)}-table">', html)
    assert "style=" not in html.split("<main")[1]  # the CSP allows no style attributes
    assert "<script" not in html.split("<main")[1].split("</main>")[0]


def test_the_dashboard_shows_localities_returns_award_status_and_equality(client, login_as, programme):
    login_as("officer")
    text = visible_text(client.get("/officers/dashboard").data)
    assert "Locality Funded groups People involved in stream 1 North 2 30 of 80 South 1 25 of 40" in text
    assert "counts in full in each of them" in text
    assert "1 return queried, waiting for the group" in text
    second = programme.second.application
    assert f"{second.organisation.name} {second.reference} Work stream 1 Return 1 1 October 2027" in text
    # Each award's status in words (not colour alone), with its own figures.
    assert "People involved in stream 1: 25 of 40" in text
    assert re.search(
        r"(On track|A little behind|Behind|Not known)", text.split("Each award against its own targets")[-1]
    )
    assert "Who leads the group" in text
    assert "Did not answer fewer than 5 fewer than 5 All groups fewer than 5 fewer than 5" in text


def test_an_officers_dashboard_links_to_each_award(client, login_as, programme):
    login_as("officer")
    html = client.get("/officers/dashboard").get_data(as_text=True)
    assert f'href="/officers/awards/{programme.first.id}"' in html


def test_the_round_can_be_chosen_and_defaults_to_the_newest_with_awards(client, login_as, db, programme):
    newer = factories.make_round(title="Community grants 2028")
    award_in(newer)
    factories.make_round(title="No awards yet")
    login_as("officer")
    html = client.get("/officers/dashboard").get_data(as_text=True)
    assert page_title(html).startswith("Programme dashboard: Community grants 2028")
    text = visible_text(html)
    assert "Round Community grants 2028 Community grants 2027 Show this round" in text  # rounds with awards only
    older = visible_text(client.get(f"/officers/dashboard?round={programme.round.id}").data)
    assert "People involved in stream 1 (people) 100 80 30 30.0%" in older


def test_an_unknown_round_is_not_found_and_one_without_awards_says_so(client, login_as, programme):
    empty = factories.make_round(title="No awards yet")
    login_as("officer")
    waiting = client.get(f"/officers/dashboard?round={empty.id}")  # linked from every round's page
    assert waiting.status_code == 200 and "No round has an accepted award yet." in visible_text(waiting.data)
    assert client.get("/officers/dashboard?round=99999").status_code == 404


def test_before_any_award_is_accepted_the_dashboard_says_so(client, login_as, app):
    award_in(factories.make_round(), status=AwardStatus.OFFERED)
    login_as("officer")
    text = visible_text(client.get("/officers/dashboard").data)
    assert "No round has an accepted award yet." in text


def test_a_panel_member_reads_the_dashboard_of_their_round_without_officer_links(client, login_as, db, programme):
    member = login_as("panel_member")
    _sit_on_panel(db, member, programme.round)
    html = client.get("/panel/dashboard").get_data(as_text=True)
    text = visible_text(html)
    assert "People involved in stream 1 (people) 100 80 30 30.0%" in text
    assert "1 return queried, waiting for the group" in text
    main = html.split("<main")[1].split("</main>")[0]
    assert "/officers/" not in main
    assert '<form method="post"' not in main


def test_a_panel_member_sees_only_rounds_whose_panel_they_sit_on(client, login_as, db, programme):
    login_as("panel_member")
    text = visible_text(client.get("/panel/dashboard").data)
    assert "None of the rounds you sit on has an accepted award yet." in text
    assert client.get(f"/panel/dashboard?round={programme.round.id}").status_code == 404


@pytest.mark.parametrize("path", ["/officers/dashboard", "/panel/dashboard"])
def test_applicants_are_refused_and_visitors_asked_to_sign_in(client, login_as, programme, path):
    assert client.get(path).status_code == 302  # to sign in
    login_as("applicant")
    assert client.get(path).status_code == 403


def test_a_panel_member_cannot_open_the_officers_dashboard(client, login_as, db, programme):
    member = login_as("panel_member")
    _sit_on_panel(db, member, programme.round)
    assert client.get("/officers/dashboard").status_code == 403
