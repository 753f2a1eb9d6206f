"""The moderation pages: officers see each work stream's EOIs with their scores and flags, the
ranking with the line where the money runs out, the localities, the members' leniency (its own page), and
record the agreed panel score; panel members read the same tables, without what they may not see."""

from __future__ import annotations

import pytest

from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus
from portal.extensions import db as _db
from portal.services import moderation
from tests.conftest import DEFAULT_PASSWORD
from tests.helpers import csrf_token_from, page_title, visible_text
from tests.services.test_moderation import add_eoi, build_meeting


@pytest.fixture
def meeting(app):  # noqa: ANN001, ANN201
    return build_meeting()


@pytest.fixture
def officer(meeting, sign_in):  # noqa: ANN001, ANN201
    sign_in(meeting.officer)
    return meeting.officer


def _moderation(meeting, **args) -> str:  # noqa: ANN001, ANN003
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/officers/rounds/{meeting.round.id}/moderation" + (f"?{query}" if query else "")


def test_officers_see_each_eoi_with_its_scores_and_flags(client, meeting, officer):
    html = client.get(_moderation(meeting)).data.decode()
    page = visible_text(html)
    assert page_title(html).startswith("Moderation: Work stream 1 – ")
    assert "3 EOIs with the panel. Each needs 3 reviews without a conflict." in page
    assert "Scores more than 25 points apart are flagged." in page
    assert (
        f"CIF-2027-0001 {meeting.a.organisation.name} Women's conversation cafe (Hall Green) £3,000 Moderate CIF-2027-0001 "
        "Mean 75.00 Median 75.00 "
        "Lowest 50.00 Highest 100.00 Spread 50.00 Agreed: not yet 3 reviews: 100.00 by Asha Patel , "
        "50.00 by Ben Jones , 75.00 by Chen Li Scores far apart"
    ) in page
    assert "Spread 0.00 Agreed: not yet 2 reviews: 50.00 by Asha Patel , 50.00 by Ben Jones 2 of 3 reviews" in page
    assert "25.00 by Chen Li 1 conflict declared" in page
    assert f'href="/officers/reviews/{meeting.reviews["a1"].id}"' in html
    assert f'href="/officers/applications/{meeting.a.id}"' in html
    assert f'href="/officers/applications/{meeting.a.id}/moderation"' in html


def test_the_ranking_shows_the_line_where_the_money_runs_out(client, meeting, officer):
    page = visible_text(client.get(_moderation(meeting)).data)
    ranking = page[page.index("The ranking against the budget of £5,000") :]
    assert (
        f"1 CIF-2027-0001 {meeting.a.organisation.name} Still with the panel 75.00 mean £3,000 total £3,000 "
        "Budget line The money runs out here: £3,000 of £5,000 "
        f"2 CIF-2027-0002 {meeting.b.organisation.name} Still with the panel 50.00 mean £3,000 total £6,000"
    ) in ranking
    assert (
        "Where the money above the line goes Locality EOIs Amount Hall Green 1 £3,000.00 Ladywood None above the line"
        in page
    )
    assert "Old Ward" not in page


def test_the_leniency_page_names_generous_and_harsh_scorers(client, meeting, officer):
    stream = meeting.round.work_streams[0].id
    moderation_page = client.get(_moderation(meeting, stream=stream)).data.decode()
    members_url = f"/officers/rounds/{meeting.round.id}/moderation/members?stream={stream}"
    assert f'href="{members_url}"' in moderation_page.replace("&amp;", "&")
    assert "See how each member scores compared with the rest of the panel, across the whole round." in visible_text(
        moderation_page
    )
    assert "more generous" not in visible_text(moderation_page)  # the table is on its own page
    html = client.get(members_url).data.decode()
    page = visible_text(html)
    assert page_title(html).startswith("How each member scores – ")
    assert "Asha Patel +12.50, more generous based on 3 EOIs" in page
    assert "Ben Jones -12.50, harsher based on 3 EOIs" in page
    assert "Chen Li +0.00, in line with the panel based on 2 EOIs" in page
    assert f'href="{_moderation(meeting, stream=stream)}"' in html.replace("&amp;", "&")  # back to the work stream


def test_the_leniency_page_says_when_there_is_nothing_to_compare(client, officer, make_round):
    round_ = make_round()
    page = visible_text(client.get(f"/officers/rounds/{round_.id}/moderation/members").data)
    assert "Not enough EOIs have been scored by more than one member to compare yet." in page
    assert client.get("/officers/rounds/999999/moderation/members").status_code == 404


def test_each_work_stream_has_its_own_page(client, meeting, officer, make_round):
    other = meeting.round.work_streams[1]
    page = visible_text(client.get(_moderation(meeting, stream=other.id)).data)
    assert "Moderation: Work stream 2" in page and "No EOIs in this work stream are with the panel yet." in page
    assert client.get(_moderation(meeting, stream=make_round().work_streams[0].id)).status_code == 404
    assert client.get("/officers/rounds/999999/moderation").status_code == 404


def test_a_round_without_a_panel_says_so(client, officer, make_round):
    round_ = make_round()
    page = visible_text(client.get(f"/officers/rounds/{round_.id}/moderation").data)
    assert "This round has no panel yet, so nobody has scored its EOIs." in page
    assert "No EOIs in this work stream are with the panel yet." in page


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.PANEL_MEMBER, Role.ADMIN])
def test_only_officers_reach_the_moderation_pages(client, meeting, login_as, role):
    login_as(role)
    assert client.get(_moderation(meeting)).status_code == 403
    assert client.get(f"/officers/rounds/{meeting.round.id}/moderation/members").status_code == 403
    assert client.get(f"/officers/applications/{meeting.a.id}/moderation").status_code == 403
    token = csrf_token_from(client.get("/").data)  # every signed-in page carries one (signing out)
    posted = client.post(f"/officers/applications/{meeting.a.id}/agreed-score", data={"csrf_token": token})
    assert posted.status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client, meeting):
    response = client.get(_moderation(meeting))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


# --- one EOI, and the agreed score -----------------------------------------------------------------


def test_one_eois_page_shows_every_review_and_conflict(client, meeting, officer):
    page = visible_text(client.get(f"/officers/applications/{meeting.b.id}/moderation").data)
    assert "Moderation: CIF-2027-0002" in page
    assert (
        "Asha Patel Submitted Recommends: Fund 50.00 Ben Jones Submitted Recommends: Fund 50.00 Chen Li Draft –" in page
    )
    assert "Flags 2 of 3 reviews" in page
    assert "Place in the ranking 2 of 3, below the budget line" in page
    assert "The panel has not finished scoring this EOI." in page
    conflicted = visible_text(client.get(f"/officers/applications/{meeting.c.id}/moderation").data)
    assert "Dee Okafor: Personal, on" in conflicted and "My neighbour" in conflicted


def test_an_eoi_not_with_the_panel_has_no_moderation_page(client, meeting, officer):
    waiting = add_eoi(meeting)
    assert client.get(f"/officers/applications/{waiting.id}/moderation").status_code == 404
    assert client.get("/officers/applications/999999/moderation").status_code == 404


def test_recording_the_agreed_score_changes_the_ranking(client, meeting, officer):
    url = f"/officers/applications/{meeting.c.id}/moderation"
    response = client.submit(
        f"/officers/applications/{meeting.c.id}/agreed-score",
        {"score": "90", "rationale": "The strongest case at the meeting."},
        from_url=url,
    )
    assert response.status_code == 302 and response.headers["Location"] == url
    page = visible_text(client.get(url).data)
    assert "Agreed score saved. The ranking now uses it." in page
    assert "90.00 – The strongest case at the meeting. Recorded by Olu Officer" in page
    assert "Place in the ranking 1 of 3, above the budget line" in page
    assert 'value="90.00"' in client.get(url).data.decode()  # the form shows the score to change it
    ranking = visible_text(client.get(_moderation(meeting)).data)
    assert f"1 CIF-2027-0003 {meeting.c.organisation.name} Still with the panel 90.00 agreed" in ranking
    assert "Agreed 90.00" in ranking


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ("lots", "Enter the agreed score as a number from 0 to 100, like 72 or 68.5"),
        ("", "Enter the agreed score"),
        ("101", "The agreed score must be between 0 and 100"),
    ],
)
def test_agreed_score_errors_keep_what_was_typed(client, meeting, officer, score, message):
    url = f"/officers/applications/{meeting.a.id}/moderation"
    response = client.submit(
        f"/officers/applications/{meeting.a.id}/agreed-score",
        {"score": score, "rationale": "We talked it through."},
        from_url=url,
    )
    html = response.data.decode()
    assert response.status_code == 200 and page_title(html).startswith("Error: Moderation: CIF-2027-0001")
    assert f"There is a problem {message}" in visible_text(html)
    assert f'value="{score}"' in html if score else 'name="score"' in html
    assert "We talked it through.</textarea>" in html
    assert moderation.moderation_for(meeting.round, meeting.stream).eoi(meeting.a.id).agreed is None


def test_a_missing_rationale_is_asked_for(client, meeting, officer):
    response = client.submit(
        f"/officers/applications/{meeting.a.id}/agreed-score",
        {"score": "70", "rationale": " "},
        from_url=f"/officers/applications/{meeting.a.id}/moderation",
    )
    assert "There is a problem Say how the panel reached this score" in visible_text(response.data)
    assert 'value="70"' in response.data.decode()


def test_a_decided_eoi_has_no_agreed_score_form(client, meeting, officer):
    meeting.a.status = ApplicationStatus.DECIDED
    _db.session.commit()
    page = visible_text(client.get(f"/officers/applications/{meeting.a.id}/moderation").data)
    assert "Save the agreed score" not in page and "No agreed score was recorded." in page


# --- the panel's read-only view --------------------------------------------------------------------


def _panel_view(client, meeting, member, sign_in) -> str:  # noqa: ANN001
    sign_in(member.user)
    response = client.get(f"/panel/rounds/{meeting.round.id}/moderation")
    assert response.status_code == 200
    return response.data.decode()


def test_a_panel_member_reads_the_tables_without_forms_links_or_comments(client, meeting, sign_in):
    html = _panel_view(client, meeting, meeting.members[0], sign_in)
    page = visible_text(html)
    assert "The panel meeting: Work stream 1" in page
    assert "Mean 75.00 Median 75.00 Lowest 50.00 Highest 100.00 Spread 50.00" in page
    assert "The money runs out here: £3,000 of £5,000" in page
    assert "Ladywood None above the line" in page
    # How generous each member is could give away scores on EOIs a member has a conflict on.
    assert "more generous" not in page and "Officers also see how each member's scores compare" in page
    assert "/officers/" not in html and "<form" not in html.split('id="main-content"')[1].split("</main>")[0]
    assert "Comment on Criterion" not in page  # members' comments are never shown here


def test_a_member_never_sees_the_numbers_of_an_eoi_they_declared_a_conflict_on(client, meeting, sign_in):
    page = visible_text(_panel_view(client, meeting, meeting.members[3], sign_in))
    assert (
        f"{meeting.c.organisation.name} Women's conversation cafe (Hall Green) £3,000 You declared a conflict on this EOI"
        in page
    )
    assert "25.00" not in page  # C's scores, mean and spread
    assert (
        f"3 CIF-2027-0003 {meeting.c.organisation.name} Not shown to you You declared a conflict on this EOI "
        "£3,000 total £9,000"
    ) in page


def test_a_member_sees_the_panels_scores_only_once_they_have_submitted_their_own(client, meeting, sign_in):
    page = visible_text(_panel_view(client, meeting, meeting.members[2], sign_in))
    assert "Submit your own review of this EOI to see the panel's scores" in page
    assert "Mean 50.00" not in page  # B's: the only EOI with a mean of 50


def test_only_members_of_this_rounds_panel_see_it(app, client, meeting, login_as, make_panel):
    outsider = login_as(Role.PANEL_MEMBER)
    make_panel(members=[outsider])
    assert client.get(f"/panel/rounds/{meeting.round.id}/moderation").status_code == 404
    assert client.get("/panel/rounds/999999/moderation").status_code == 404
    officers = app.test_client()
    officers.submit("/sign-in", {"email": meeting.officer.email, "password": DEFAULT_PASSWORD})
    assert officers.get(f"/panel/rounds/{meeting.round.id}/moderation").status_code == 403
