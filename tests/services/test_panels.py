"""Setting up a panel, registers of interests, assigning EOIs (by hand and in bulk) and conflicts of
interest: every rule, every refusal, and the audit trail."""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

from portal.domain.panel import ConflictKind, InterestKind, MemberKind
from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus, ReviewStatus
from portal.models import AuditEvent, ConflictDeclaration, PanelMember, Review, Score
from portal.services import ServiceError, assignments, panel_access, panels


@pytest.fixture
def officer(make_user):  # noqa: ANN001, ANN201
    return make_user(roles={Role.OFFICER}, full_name="Olu Officer")


@pytest.fixture
def round_(make_round):  # noqa: ANN001, ANN201
    return make_round(reference_prefix="CIF-2027-")


def _events(db, action: str) -> list[AuditEvent]:  # noqa: ANN001
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def _count(db, model) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count()).select_from(model))


@contextmanager
def count_queries(db):  # noqa: ANN001, ANN201
    statements: list[str] = []

    def _record(conn, cursor, statement, *args):  # noqa: ANN001, ANN002, ANN202
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", _record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", _record)


# --- the panel and its rules -------------------------------------------------------------------


def test_a_round_has_no_panel_until_one_is_set_up_with_the_default_rules(db, officer, round_):
    assert panels.panel_for(round_) is None
    panel = panels.ensure_panel(round_, by=officer)
    db.session.commit()
    assert panels.panel_for(round_) == panel
    assert (panel.minimum_reviewers, panel.spread_threshold, panel.scoring_deadline) == (3, Decimal(25), None)
    assert panels.ensure_panel(round_, by=officer) == panel  # the same panel, not a second one
    [created] = _events(db, "panel.created")
    assert (created.actor, created.round_id, created.after["minimum_reviewers"]) == (officer, round_.id, 3)


def test_changing_the_rules_is_checked_and_audited(db, officer, round_):
    panel = panels.ensure_panel(round_, by=officer)
    deadline = datetime(2027, 5, 1, 16, 0, tzinfo=UTC)
    panels.update_panel(
        panel, minimum_reviewers=4, spread_threshold=Decimal("17.5"), scoring_deadline=deadline, by=officer
    )
    db.session.commit()
    assert (panel.minimum_reviewers, panel.spread_threshold, panel.scoring_deadline) == (4, Decimal("17.5"), deadline)
    [changed] = _events(db, "panel.updated")
    assert changed.before["minimum_reviewers"] == 3 and changed.after["minimum_reviewers"] == 4
    assert changed.before["spread_threshold"] == "25.00" and changed.after["spread_threshold"] == "17.50"
    assert changed.after["scoring_deadline"].startswith("2027-05-01T16:00")


@pytest.mark.parametrize(
    ("minimum", "threshold", "message"),
    [
        (0, 25, "Each EOI needs at least 1 reviewer"),
        (-2, 25, "Each EOI needs at least 1 reviewer"),
        (3, -1, "The spread must be from 0 to 100 points"),
        (3, Decimal("100.01"), "The spread must be from 0 to 100 points"),
    ],
)
def test_rules_that_make_no_sense_are_refused(db, officer, round_, minimum, threshold, message):
    panel = panels.ensure_panel(round_, by=officer)
    with pytest.raises(ServiceError, match=message):
        panels.update_panel(
            panel, minimum_reviewers=minimum, spread_threshold=threshold, scoring_deadline=None, by=officer
        )
    assert panel.minimum_reviewers == 3 and _events(db, "panel.updated") == []


# --- members -----------------------------------------------------------------------------------


def test_adding_a_member_by_email_gives_them_the_panel_role(db, officer, round_, make_user):
    resident = make_user(roles={Role.APPLICANT}, full_name="Rita Resident", email="rita@example.org")
    panel = panels.ensure_panel(round_, by=officer)
    member = panels.add_member_by_email(
        panel, "  RITA@example.org ", kind=MemberKind.RESIDENT, profile=" Lives in Sparkbrook. ", by=officer
    )
    db.session.commit()
    assert member.user == resident and member.profile == "Lives in Sparkbrook." and member.added_by_id == officer.id
    assert resident.roles == {Role.APPLICANT, Role.PANEL_MEMBER}
    [added] = _events(db, "panel.member_added")
    assert (added.round_id, added.after["name"], added.after["kind"]) == (round_.id, "Rita Resident", "resident")


def test_a_member_is_added_once_and_needs_an_account(db, officer, round_, make_user):
    panel = panels.ensure_panel(round_, by=officer)
    rita = make_user(roles={Role.PANEL_MEMBER}, full_name="Rita Resident")
    panels.add_member(panel, rita, kind=MemberKind.RESIDENT, profile=None, by=officer)
    with pytest.raises(ServiceError, match="Rita Resident is already on this panel"):
        panels.add_member(panel, rita, kind=MemberKind.VOLUNTARY_SECTOR_PARTNER, profile=None, by=officer)
    with pytest.raises(ServiceError, match="There is no account for this e-mail address. An admin can create one."):
        panels.add_member_by_email(panel, "nobody@example.org", kind=MemberKind.RESIDENT, profile=None, by=officer)
    switched_off = make_user(full_name="Sam Gone", is_enabled=False)
    with pytest.raises(ServiceError, match="account is switched off"):
        panels.add_member(panel, switched_off, kind=MemberKind.RESIDENT, profile=None, by=officer)
    assert len(panel.members) == 1


def test_changing_a_members_profile_is_audited(db, officer, make_panel):
    member = make_panel(members=1).members[0]
    panels.update_member(member, kind=MemberKind.VOLUNTARY_SECTOR_PARTNER, profile="Runs a food bank.", by=officer)
    db.session.commit()
    assert (member.kind, member.profile) == (MemberKind.VOLUNTARY_SECTOR_PARTNER, "Runs a food bank.")
    [changed] = _events(db, "panel.member_updated")
    assert changed.before["kind"] == "resident" and changed.after["profile"] == "Runs a food bank."


def test_removing_a_member_takes_their_unscored_eois_with_them(
    db, officer, make_panel, make_eligible_application, make_review
):
    panel = make_panel(members=2)
    leaving, staying = panel.members
    eoi = make_eligible_application(round_=panel.round)
    make_review(eoi, leaving, scores=[3, None, 2])
    make_review(eoi, staying)
    panels.remove_member(leaving, by=officer)
    db.session.commit()
    assert [m.id for m in panel.members] == [staying.id]
    assert [r.member_id for r in db.session.scalars(select(Review))] == [staying.id]
    assert _count(db, Score) == 0
    assert Role.PANEL_MEMBER in leaving.user.roles  # they may sit on other panels
    [removed] = _events(db, "panel.member_removed")
    assert removed.before["reviews_removed"] == [eoi.id]


def test_a_member_who_has_submitted_scores_stays(db, officer, make_panel, make_eligible_application, make_review):
    panel = make_panel(members=1)
    member = panel.members[0]
    make_review(make_eligible_application(round_=panel.round), member, scores=[3, 3, 3], submit=True)
    with pytest.raises(ServiceError, match="has already submitted scores, and the panel"):
        panels.remove_member(member, by=officer)
    assert _count(db, PanelMember) == 1


def test_a_member_who_has_declared_a_conflict_stays_so_the_record_is_kept(
    db, officer, make_panel, make_eligible_application, make_review
):
    panel = make_panel(members=1)
    member = panel.members[0]
    review = make_review(make_eligible_application(round_=panel.round), member, confirmed=False)
    panels.declare_conflict(review, kind=ConflictKind.FINANCIAL, note="My son works there.", by=member.user)
    with pytest.raises(ServiceError, match="has declared a conflict of interest, and the record of it is kept"):
        panels.remove_member(member, by=officer)
    assert _count(db, PanelMember) == 1 and _count(db, ConflictDeclaration) == 1


# --- registers of interests --------------------------------------------------------------------


def test_a_member_keeps_their_own_register_of_interests(db, make_user, make_organisation):
    rita = make_user(roles={Role.PANEL_MEMBER}, full_name="Rita Resident")
    food_bank = make_organisation(name="Sparkhill Food Bank")
    interest = panels.add_interest(rita, food_bank, kind=InterestKind.TRUSTEE, note=" Since 2019 ", by=rita)
    db.session.commit()
    assert panels.interests_of(rita) == [interest] and interest.note == "Since 2019"
    assert panels.linked_organisation_ids(rita) == {food_bank.id}
    [added] = _events(db, "interest.added")
    assert (added.actor, added.after["group"], added.after["kind"]) == (rita, "Sparkhill Food Bank", "trustee")

    with pytest.raises(ServiceError, match="This link to Sparkhill Food Bank is already in the register"):
        panels.add_interest(rita, food_bank, kind=InterestKind.TRUSTEE, note=None, by=rita)
    someone_else = make_user(roles={Role.PANEL_MEMBER})
    with pytest.raises(ServiceError, match="Only the panel member can change their own register of interests"):
        panels.add_interest(rita, food_bank, kind=InterestKind.STAFF, note=None, by=someone_else)
    with pytest.raises(ServiceError, match="Only the panel member"):
        panels.remove_interest(interest, by=someone_else)

    panels.remove_interest(interest, by=rita)
    db.session.commit()
    assert panels.interests_of(rita) == [] and panels.linked_organisation_ids(rita) == set()
    [removed] = _events(db, "interest.removed")
    assert removed.before["group"] == "Sparkhill Food Bank"


def test_belonging_to_a_groups_account_is_a_link_too(db, make_user, make_organisation):
    rita = make_user(roles={Role.PANEL_MEMBER, Role.APPLICANT})
    group = make_organisation(members=[rita])
    assert panels.linked_organisation_ids(rita) == {group.id}


def test_registering_an_interest_takes_the_groups_unscored_eois_away(
    db, make_panel, make_eligible_application, make_review
):
    panel = make_panel(members=1)
    member = panel.members[0]
    open_eoi = make_eligible_application(round_=panel.round)
    done_eoi = make_eligible_application(round_=panel.round, organisation=open_eoi.organisation)
    make_review(open_eoi, member, scores=[1, 2, 3])
    make_review(done_eoi, member, scores=[1, 2, 3], submit=True)
    panels.add_interest(member.user, open_eoi.organisation, kind=InterestKind.FAMILY, note=None, by=member.user)
    db.session.commit()
    assert [r.application_id for r in panel_access.reviews_of(member.user)] == [done_eoi.id]
    [declaration] = db.session.scalars(select(ConflictDeclaration)).all()
    assert (declaration.application_id, declaration.kind) == (open_eoi.id, ConflictKind.PERSONAL)
    assert "register of interests" in declaration.note
    assert len(_events(db, "review.conflict_declared")) == 1


# --- assigning by hand -------------------------------------------------------------------------


def test_assigning_sends_an_eligible_eoi_to_the_panel(db, officer, make_panel, make_eligible_application):
    panel = make_panel(members=2)
    eoi = make_eligible_application(round_=panel.round)
    review = assignments.assign(eoi, panel.members[0], by=officer)
    db.session.commit()
    assert eoi.status == ApplicationStatus.WITH_PANEL
    assert (review.status, review.assigned_by_id, review.no_conflict_confirmed_at) == (
        ReviewStatus.NOT_STARTED,
        officer.id,
        None,
    )
    assignments.assign(eoi, panel.members[1], by=officer)
    db.session.commit()
    first, second = _events(db, "review.assigned")
    assert (first.before, first.after["application_status"]) == ({"application_status": "eligible"}, "with_panel")
    assert second.before is None and second.after["application_id"] == eoi.id
    assert first.round_id == panel.round_id


def test_assigning_is_refused_where_the_rules_say_so(
    db, officer, make_panel, make_eligible_application, make_organisation, make_round
):
    panel = make_panel(members=1)
    member = panel.members[0]
    member.user.full_name = "Rita Resident"
    not_screened = make_eligible_application(round_=panel.round, status=ApplicationStatus.SUBMITTED)
    with pytest.raises(ServiceError, match="Only EOIs found eligible can go to the panel"):
        assignments.assign(not_screened, member, by=officer)

    linked = make_eligible_application(round_=panel.round, organisation=make_organisation(name="Ladywood Elders"))
    panels.add_interest(member.user, linked.organisation, kind=InterestKind.VOLUNTEER, note=None, by=member.user)
    with pytest.raises(ServiceError, match="Rita Resident's register of interests links them to Ladywood Elders"):
        assignments.assign(linked, member, by=officer)

    own_group = make_organisation(name="Rita's Allotment", members=[member.user])
    theirs = make_eligible_application(round_=panel.round, organisation=own_group)
    with pytest.raises(ServiceError, match="Rita Resident belongs to Rita's Allotment's account"):
        assignments.assign(theirs, member, by=officer)

    conflicted = make_eligible_application(round_=panel.round)
    review = assignments.assign(conflicted, member, by=officer)
    panels.declare_conflict(review, kind=ConflictKind.FINANCIAL, note="My husband works there.", by=member.user)
    with pytest.raises(ServiceError, match="Rita Resident has declared a conflict of interest with this EOI"):
        assignments.assign(conflicted, member, by=officer)

    twice = make_eligible_application(round_=panel.round)
    assignments.assign(twice, member, by=officer)
    with pytest.raises(ServiceError, match="Rita Resident is already scoring this EOI"):
        assignments.assign(twice, member, by=officer)

    elsewhere = make_eligible_application(round_=make_round())
    with pytest.raises(ServiceError, match="not in the round this panel scores"):
        assignments.assign(elsewhere, member, by=officer)
    assert not_screened.status == ApplicationStatus.SUBMITTED


def test_an_assignment_can_be_removed_until_it_is_submitted(
    db, officer, make_panel, make_eligible_application, make_review
):
    panel = make_panel(members=2)
    eoi = make_eligible_application(round_=panel.round)
    draft = make_review(eoi, panel.members[0], scores=[2, 2, None])
    done = make_review(eoi, panel.members[1], scores=[2, 2, 2], submit=True)
    assignments.unassign(draft, by=officer)
    db.session.commit()
    assert _count(db, Review) == 1 and _count(db, Score) == 3
    [removed] = _events(db, "review.unassigned")
    assert removed.before["status"] == "draft" and removed.round_id == panel.round_id
    with pytest.raises(ServiceError, match="has already submitted their scores for this EOI"):
        assignments.unassign(done, by=officer)


# --- assigning in bulk -------------------------------------------------------------------------


@pytest.fixture
def busy_round(db, make_panel, make_eligible_application, make_organisation, make_review):  # noqa: ANN001, ANN201
    """Five members; six eligible EOIs; member 0 registered against EOI 0's group; member 1 has
    declared a conflict on EOI 1; member 2 already has EOI 2."""
    panel = make_panel(members=5)
    eois = [
        make_eligible_application(round_=panel.round, organisation=make_organisation(name=f"Group {i}"))
        for i in range(6)
    ]
    m = panel.members
    panels.add_interest(m[0].user, eois[0].organisation, kind=InterestKind.STAFF, note=None, by=m[0].user)
    review = make_review(eois[1], m[1], confirmed=False)
    panels.declare_conflict(review, kind=ConflictKind.PERSONAL, note="I know the chair.", by=m[1].user)
    make_review(eois[2], m[2])
    db.session.commit()
    return panel, eois


def _pairs(db) -> set[tuple[int, int]]:  # noqa: ANN001
    return set(db.session.execute(select(Review.application_id, Review.member_id)).all())


def test_bulk_gives_every_eoi_to_every_member_without_a_conflict(db, officer, busy_round):
    panel, eois = busy_round
    m = panel.members
    made = assignments.assign_in_bulk(panel.round, per_eoi=None, by=officer)
    db.session.commit()
    assert made == 6 * 5 - 2 - 1  # less the register link, the declared conflict and the one already made
    pairs = _pairs(db)
    assert (eois[0].id, m[0].id) not in pairs and (eois[1].id, m[1].id) not in pairs
    assert len(pairs) == 6 * 5 - 2
    assert all(eoi.status == ApplicationStatus.WITH_PANEL for eoi in eois)
    events = _events(db, "review.assigned")
    assert len(events) == made and all(e.after["bulk"] for e in events)
    assert assignments.assign_in_bulk(panel.round, per_eoi=None, by=officer) == 0  # nothing left to make


def test_bulk_with_a_number_shares_the_work_evenly_and_never_pairs_a_conflict(db, officer, busy_round):
    panel, eois = busy_round
    m = panel.members
    made = assignments.assign_in_bulk(panel.round, per_eoi=3, by=officer)
    db.session.commit()
    assert made == 6 * 3 - 1
    pairs = _pairs(db)
    per_eoi = Counter(application for application, _ in pairs)
    assert set(per_eoi.values()) == {3}
    load = Counter(member for _, member in pairs)
    assert max(load.values()) - min(load.values()) <= 1
    assert (eois[0].id, m[0].id) not in pairs and (eois[1].id, m[1].id) not in pairs


def test_bulk_runs_the_same_queries_however_many_eois(db, officer, make_panel, make_eligible_application):
    small, large = make_panel(members=3), make_panel(members=6)
    for _ in range(2):
        make_eligible_application(round_=small.round)
    for _ in range(7):
        make_eligible_application(round_=large.round)
    selects = []
    for round_ in (small.round, large.round):
        db.session.expire_all()
        with count_queries(db) as statements:
            assert assignments.assign_in_bulk(round_, per_eoi=2, by=officer) > 0
        # Reading is a fixed number of queries; only the rows written grow with the numbers.
        selects.append(len([s for s in statements if s.lstrip().upper().startswith("SELECT")]))
    assert selects[0] == selects[1]


def test_bulk_is_refused_without_a_panel_members_eois_or_a_sensible_number(
    db, officer, make_round, make_panel, make_eligible_application
):
    no_panel = make_round()
    with pytest.raises(ServiceError, match="Set up the panel before you assign EOIs"):
        assignments.assign_in_bulk(no_panel, per_eoi=None, by=officer)
    empty = make_panel(members=0)
    with pytest.raises(ServiceError, match="Add panel members before you assign EOIs"):
        assignments.assign_in_bulk(empty.round, per_eoi=None, by=officer)
    nothing_yet = make_panel(members=2)
    make_eligible_application(round_=nothing_yet.round, status=ApplicationStatus.SUBMITTED)
    with pytest.raises(ServiceError, match="There are no eligible EOIs waiting for the panel"):
        assignments.assign_in_bulk(nothing_yet.round, per_eoi=None, by=officer)
    with pytest.raises(ServiceError, match="Each EOI needs at least 1 reviewer"):
        assignments.assign_in_bulk(nothing_yet.round, per_eoi=0, by=officer)


# --- conflicts of interest ---------------------------------------------------------------------


def test_only_the_member_confirms_they_have_no_conflict(db, make_panel, make_eligible_application, make_review):
    panel = make_panel(members=2)
    mine = make_review(make_eligible_application(round_=panel.round), panel.members[0], confirmed=False)
    with pytest.raises(ServiceError, match="This EOI is not assigned to you"):
        panels.confirm_no_conflict(mine, by=panel.members[1].user)
    assert mine.no_conflict_confirmed_at is None
    when = datetime(2027, 4, 2, 10, 0, tzinfo=UTC)
    panels.confirm_no_conflict(mine, by=panel.members[0].user, now=when)
    panels.confirm_no_conflict(mine, by=panel.members[0].user)  # again: nothing changes
    db.session.commit()
    assert mine.no_conflict_confirmed_at == when
    [confirmed] = _events(db, "review.no_conflict_confirmed")
    assert confirmed.actor == panel.members[0].user and confirmed.round_id == panel.round_id


def test_declaring_a_conflict_removes_the_review_its_scores_and_all_access(
    db, make_panel, make_eligible_application, make_review
):
    panel = make_panel(members=2)
    member, other = panel.members
    eoi = make_eligible_application(round_=panel.round)
    review = make_review(eoi, member, confirmed=False, scores=[3, 2, None])
    review_id = review.id
    with pytest.raises(ServiceError, match="This EOI is not assigned to you"):
        panels.declare_conflict(review, kind=ConflictKind.PERSONAL, note=None, by=other.user)
    declaration = panels.declare_conflict(
        review, kind=ConflictKind.ORGANISATIONAL, note="I volunteer with their partner.", by=member.user
    )
    db.session.commit()
    assert (declaration.application_id, declaration.member_id, declaration.kind, declaration.note) == (
        eoi.id,
        member.id,
        ConflictKind.ORGANISATIONAL,
        "I volunteer with their partner.",
    )
    assert _count(db, Review) == 0 and _count(db, Score) == 0
    assert panel_access.review_of(member.user, review_id) is None
    assert panel_access.reviews_of(member.user) == []
    assert eoi.status == ApplicationStatus.WITH_PANEL  # left as it was
    [declared] = _events(db, "review.conflict_declared")
    assert (declared.object_type, declared.object_id, declared.after["application_id"]) == (
        "applications",
        eoi.id,
        eoi.id,
    )
    assert (declared.after["review_id"], declared.after["kind"], declared.actor) == (
        review_id,
        "organisational",
        member.user,
    )


def test_a_conflict_cannot_be_declared_on_submitted_scores(db, make_panel, make_eligible_application, make_review):
    panel = make_panel(members=1)
    review = make_review(make_eligible_application(round_=panel.round), panel.members[0], scores=[1, 1, 1], submit=True)
    with pytest.raises(ServiceError, match="Tell the grants team about the conflict"):
        panels.declare_conflict(review, kind=ConflictKind.PERSONAL, note=None, by=panel.members[0].user)
    assert _count(db, Review) == 1


# --- the assignments at a glance ---------------------------------------------------------------


def test_the_overview_shows_each_eois_reviewers_conflicts_and_who_else_could_take_it(db, officer, busy_round):
    panel, eois = busy_round
    m = panel.members
    assignments.assign(eois[3], m[3], by=officer)
    db.session.commit()
    rows = {row.application.id: row for row in assignments.assignment_overview(panel.round)}
    assert list(rows) == [eoi.id for eoi in sorted(eois, key=lambda e: e.reference)]
    assert [member.id for member in rows[eois[0].id].linked] == [m[0].id]
    assert m[0] not in rows[eois[0].id].available
    assert [c.member_id for c in rows[eois[1].id].conflicts] == [m[1].id]
    assert m[1] not in rows[eois[1].id].available
    assert [r.member_id for r in rows[eois[2].id].reviews] == [m[2].id]
    assert rows[eois[2].id].without_conflict == 1 and rows[eois[2].id].confirmed == 1
    assert all(row.short for row in rows.values()) and rows[eois[2].id].needed == 2
    assert len(rows[eois[5].id].available) == 5


def test_an_eoi_with_enough_reviewers_is_not_short(db, officer, make_panel, make_eligible_application):
    panel = make_panel(members=3, minimum_reviewers=2)
    eoi = make_eligible_application(round_=panel.round)
    for member in panel.members[:2]:
        assignments.assign(eoi, member, by=officer)
    db.session.commit()
    [row] = assignments.assignment_overview(panel.round)
    assert not row.short and row.without_conflict == 2 and row.confirmed == 0


def test_the_overview_runs_the_same_queries_however_many_eois(db, officer, make_panel, make_eligible_application):
    small, large = make_panel(members=2), make_panel(members=5)
    make_eligible_application(round_=small.round)
    for _ in range(5):
        make_eligible_application(round_=large.round)
    assignments.assign_in_bulk(small.round, per_eoi=None, by=officer)
    assignments.assign_in_bulk(large.round, per_eoi=None, by=officer)
    db.session.commit()
    runs = []
    for round_ in (small.round, large.round):
        db.session.expire_all()
        with count_queries(db) as statements:
            rows = assignments.assignment_overview(round_)
            for row in rows:
                _ = [(r.member.user.full_name, r.status) for r in row.reviews]
                _ = [(c.member.user.full_name, c.kind) for c in row.conflicts]
                _ = [
                    (
                        row.application.organisation.name,
                        row.application.work_stream and row.application.work_stream.name,
                    )
                ]
        runs.append(len(statements))
    assert runs[0] == runs[1]
