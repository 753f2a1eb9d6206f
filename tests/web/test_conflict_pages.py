"""Before reading an EOI a panel member confirms they have no conflict of interest with the group,
or declares one; a declared conflict takes the EOI, its scores and every kind of access away at once."""

from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import func, select
from werkzeug.routing import BuildError

from portal.domain.panel import MemberKind
from portal.domain.roles import Role
from portal.models import AuditEvent, ConflictDeclaration, PanelMember, Review, Score
from portal.services import panel_access
from tests.helpers import page_title, visible_text


@pytest.fixture
def member(login_as):  # noqa: ANN001, ANN201
    return login_as("panel_member", full_name="Rita Resident")


@pytest.fixture
def review(db, member, make_round, make_panel, make_organisation, make_eligible_application, make_review):  # noqa: ANN001, ANN201
    """An EOI from Sparkhill Food Bank assigned to the signed-in member, not yet checked for conflicts."""
    round_ = make_round(reference_prefix="CIF-2027-")
    panel = make_panel(round_=round_, members=[member])
    eoi = make_eligible_application(round_=round_, organisation=make_organisation(name="Sparkhill Food Bank"))
    return make_review(eoi, panel.members[0], confirmed=False, scores=[2, None, None])


def _review_url(app, review_id: int) -> str:  # noqa: ANN001
    """Where a member goes to score: the review form, or their home while it is not built."""
    with app.test_request_context():
        try:
            return url_for("panel.review", review_id=review_id)
        except BuildError:
            return url_for("panel.home")


def _count(db, model) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_page_shows_the_group_project_and_work_stream_but_never_the_answers(client, db, review):
    page = client.get(f"/panel/reviews/{review.id}/conflict")
    html = page.data.decode()
    text = visible_text(html)
    assert page_title(html).startswith("Do you have a conflict of interest?")
    assert "Group Sparkhill Food Bank Project Women's conversation cafe Work stream Work stream 1" in text
    assert "Do you have a conflict of interest with this group?" in text
    assert "Personal: I know people involved" in text and "Financial: I or someone close to me could gain" in text
    for answer in ("We know our community well.", "Weekly cafe.", "Women new to the city", "We meet weekly."):
        assert answer not in html


def test_no_conflict_opens_the_eoi(app, client, db, review, member):
    url = f"/panel/reviews/{review.id}/conflict"
    response = client.submit(url, {"answer": "no"})
    assert response.status_code == 302
    assert response.headers["Location"] == _review_url(app, review.id)
    db.session.refresh(review)
    assert review.no_conflict_confirmed_at is not None
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "review.no_conflict_confirmed"))
    if _review_url(app, review.id) != "/panel/":  # the review form is there: the answers open
        opened = client.get(_review_url(app, review.id))
        assert opened.status_code == 200 and "We know our community well." in opened.data.decode()
    again = client.get(url)  # confirmed but not submitted: still there, to declare a conflict found later
    assert again.status_code == 200 and "Do you have a conflict of interest?" in page_title(again.data.decode())


def test_a_conflict_noticed_while_scoring_can_still_be_declared_until_the_scores_are_sent(client, db, review, member):
    review_id = review.id
    client.submit(f"/panel/reviews/{review_id}/conflict", {"answer": "no"})
    form = client.get(f"/panel/reviews/{review_id}").data.decode()
    link = f'href="/panel/reviews/{review_id}/conflict"'
    assert link in form and "Tell us you have a conflict of interest with this group" in visible_text(form)
    declared = client.submit(
        f"/panel/reviews/{review_id}/conflict", {"answer": "yes", "kind": "organisational", "note": "I know the chair."}
    )
    assert declared.headers["Location"] == "/panel/"
    assert _count(db, Review) == 0 and _count(db, ConflictDeclaration) == 1
    assert client.get(f"/panel/reviews/{review_id}").status_code == 404


def test_after_submitting_the_conflict_page_leads_back_to_the_scores(client, db, review, member):
    from portal.domain.workflow import ReviewStatus

    review.status = ReviewStatus.SUBMITTED
    db.session.commit()
    response = client.get(f"/panel/reviews/{review.id}/conflict")
    assert (response.status_code, response.headers["Location"]) == (302, f"/panel/reviews/{review.id}")


def test_a_conflict_needs_its_kind_and_a_note_and_keeps_what_was_typed(client, db, review):
    url = f"/panel/reviews/{review.id}/conflict"
    response = client.submit(url, {"answer": "yes", "note": ""})
    html = response.data.decode()
    text = visible_text(html)
    assert page_title(html).startswith("Error: ")
    assert "Choose what kind of conflict it is" in text and "Tell us briefly what the conflict is" in text
    assert 'value="yes" checked' in html
    response = client.submit(url, {"answer": "yes", "kind": "financial", "note": ""})
    html = response.data.decode()
    assert 'value="financial" checked' in html and "Tell us briefly what the conflict is" in visible_text(html)
    response = client.submit(url, {})
    assert "Choose whether you have a conflict of interest with this group" in visible_text(response.data)
    assert _count(db, Review) == 1 and _count(db, ConflictDeclaration) == 0


def test_declaring_a_conflict_takes_the_eoi_away_at_once(app, client, db, review, member):
    review_id, application_id = review.id, review.application_id
    url = f"/panel/reviews/{review_id}/conflict"
    response = client.submit(
        url, {"answer": "yes", "kind": "personal", "note": "The chair is my neighbour."}, follow_redirects=True
    )
    assert response.request.path == "/panel/"
    assert "You will not see this EOI again. Thank you for telling us." in visible_text(response.data)
    [declaration] = db.session.scalars(select(ConflictDeclaration)).all()
    assert (declaration.application_id, declaration.kind, declaration.note) == (
        application_id,
        "personal",
        "The chair is my neighbour.",
    )
    assert _count(db, Review) == 0 and _count(db, Score) == 0
    assert panel_access.review_of(member, review_id) is None and panel_access.reviews_of(member) == []
    assert client.get(url).status_code == 404
    review_page = _review_url(app, review_id)
    if review_page != "/panel/":
        assert client.get(review_page).status_code == 404
    assert "CIF-2027-0001" not in visible_text(client.get("/panel/").data)


def test_another_members_review_is_not_found(client, db, review, make_user, make_review):
    someone = make_user(roles={Role.PANEL_MEMBER})
    theirs = PanelMember(panel=review.member.panel, user=someone, kind=MemberKind.RESIDENT)
    db.session.add(theirs)
    db.session.commit()
    their_review = make_review(review.application, theirs, confirmed=False)
    url = f"/panel/reviews/{their_review.id}/conflict"
    assert client.get(url).status_code == 404
    assert client.submit(url, {"answer": "no"}, from_url=f"/panel/reviews/{review.id}/conflict").status_code == 404
    db.session.refresh(their_review)
    assert their_review.no_conflict_confirmed_at is None
    assert client.get("/panel/reviews/999999/conflict").status_code == 404


@pytest.mark.parametrize("role", ["applicant", "officer"])
def test_people_who_are_not_panel_members_are_refused(
    client, db, login_as, make_panel, make_eligible_application, make_review, role
):
    panel = make_panel(members=1)
    review = make_review(make_eligible_application(round_=panel.round), panel.members[0], confirmed=False)
    login_as(role)
    assert client.get(f"/panel/reviews/{review.id}/conflict").status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client, db, make_panel, make_eligible_application, make_review):
    panel = make_panel(members=1)
    review = make_review(make_eligible_application(round_=panel.round), panel.members[0], confirmed=False)
    response = client.get(f"/panel/reviews/{review.id}/conflict")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_form_left_open_too_long_keeps_what_was_typed(client, db, review):
    url = f"/panel/reviews/{review.id}/conflict"
    response = client.post(url, data={"answer": "yes", "kind": "financial", "note": "My son works there."})
    html = response.data.decode()
    assert response.status_code == 200 and page_title(html).startswith("Error: ")
    assert "This page was open for a long time" in visible_text(html)
    assert 'value="yes" checked' in html and 'value="financial" checked' in html and "My son works there." in html
    assert _count(db, ConflictDeclaration) == 0 and _count(db, Review) == 1
