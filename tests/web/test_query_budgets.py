"""Query budgets for the key pages: each page runs the same number of SQL statements with 10 and
with 1,000 of the rows it lists, and at most ``BUDGET``; while counting, a lazy load raises (see
tests/query_budget.py), so an N+1 cannot sneak in.

Everything a request runs counts. A signed-in request starts with 4 statements whatever the page:
its session, the user, the user's roles and the language settings; an anonymous one with 1 (the
language settings). The once-a-minute write of a session's last-seen time is kept out of the
visits measured (see ``_visit_at_both_sizes``).

The 1,000 rows are written with bulk INSERTs (a handful of statements per table, not 1,000 factory
calls), around a few records made by the factories for the people signing in."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import insert, select, update

from portal.db import utcnow
from portal.domain.awards import ReturnKind
from portal.domain.measures import MeasureKind
from portal.domain.organisations import LegalForm
from portal.domain.panel import CommentAudience, ConflictKind, MemberKind, Recommendation
from portal.domain.roles import Role
from portal.domain.workflow import (
    ApplicationStatus,
    AwardStatus,
    DecisionOutcome,
    ReturnStatus,
    ReviewStatus,
    RoundStatus,
)
from portal.extensions import db
from portal.models import (
    AgreedScore,
    Application,
    Award,
    AwardReturnDate,
    AwardTarget,
    ConflictDeclaration,
    FundingDecision,
    Locality,
    Organisation,
    OutputMeasure,
    OutputReturn,
    PanelMember,
    PlannedOutput,
    ReturnFigure,
    Review,
    Score,
    User,
    UserSession,
)
from portal.models.applications import application_localities
from portal.services import audit
from tests import factories
from tests.query_budget import LazyLoadRefused, QueryLog, count_queries

BUDGET = 10
# Lazy loads every signed-in request makes once, whatever the page: none (find_live_session in
# portal/services/accounts.py reads the session, its user and their roles in one statement).
PER_REQUEST_LAZY = ()
NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)
_numbers = itertools.count(1)


# --- bulk rows ----------------------------------------------------------------------------------


def _insert(model, rows: list[dict]) -> list[int]:  # noqa: ANN001
    """Insert ``rows`` in a few statements; their ids, in order."""
    if not rows:
        return []
    result = db.session.execute(insert(model).returning(model.id, sort_by_parameter_order=True), rows)
    return list(result.scalars())


def add_organisations(n: int) -> list[int]:
    return _insert(
        Organisation,
        [{"name": f"Bulk Group {next(_numbers):05}", "legal_form": LegalForm.COMMUNITY_GROUP} for _ in range(n)],
    )


def add_eois(round_, n: int, *, status: ApplicationStatus, organisation_ids=None, locality=None) -> list[int]:  # noqa: ANN001
    """``n`` sent EOIs in ``round_``'s first work stream, each of its own new group unless given."""
    organisation_ids = organisation_ids or add_organisations(n)
    stream = round_.work_streams[0]
    ids = _insert(
        Application,
        [
            {
                "round_id": round_.id,
                "organisation_id": organisation_ids[i % len(organisation_ids)],
                "work_stream_id": stream.id,
                "reference": f"{round_.reference_prefix}{next(_numbers):05}",
                "status": status,
                "title": f"Bulk project {i}",
                "summary": "Weekly sessions.",
                "amount_requested": Decimal("3000"),
                "completed_sections": [],
                "submitted_at": NOW,
                "lock_version": 1,
            }
            for i in range(n)
        ],
    )
    if locality is not None:
        db.session.execute(
            insert(application_localities), [{"application_id": i, "locality_id": locality.id} for i in ids]
        )
    return ids


def add_reviews(application_ids: list[int], member: PanelMember, criteria, *, submitted: bool = True) -> list[int]:  # noqa: ANN001
    ids = _insert(
        Review,
        [
            {
                "application_id": application_id,
                "member_id": member.id,
                "status": ReviewStatus.SUBMITTED if submitted else ReviewStatus.NOT_STARTED,
                "no_conflict_confirmed_at": NOW if submitted else None,
                "recommendation": Recommendation.FUND if submitted else None,
                "submitted_at": NOW if submitted else None,
                "lock_version": 1,
            }
            for application_id in application_ids
        ],
    )
    if submitted:
        _insert(
            Score,
            [
                {
                    "review_id": r,
                    "criterion_id": c.id,
                    "score": 3,
                    "comment": "Good",
                    "audience": CommentAudience.FEEDBACK,
                }
                for r in ids
                for c in criteria
            ],
        )
    return ids


def add_awards(round_, application_ids: list[int], *, status: AwardStatus = AwardStatus.ACCEPTED) -> list[int]:  # noqa: ANN001
    """An award (from a "fund" decision) for each EOI, with a target per measure and two return dates."""
    decisions = _insert(
        FundingDecision,
        [
            {"application_id": a, "outcome": DecisionOutcome.FUND, "amount": Decimal("3000"), "reason": "Strong."}
            for a in application_ids
        ],
    )
    awards = _insert(
        Award,
        [
            {
                "application_id": a,
                "decision_id": d,
                "status": status,
                "amount": Decimal("3000"),
                "starts_on": date(2027, 4, 1),
                "ends_on": date(2028, 3, 31),
                "accepted_at": NOW if status != AwardStatus.OFFERED else None,
                "accepted_name": "Bulk Person" if status != AwardStatus.OFFERED else None,
                "accepted_on": NOW.date() if status != AwardStatus.OFFERED else None,
                "lock_version": 1,
            }
            for a, d in zip(application_ids, decisions, strict=True)
        ],
    )
    measures = round_.work_streams[0].measures
    _insert(
        AwardTarget,
        [
            {"award_id": a, "measure_id": m.id, "quantity": 40 if m.target is not None else None,
             "description": None if m.target is not None else "Stories"}
            for a in awards
            for m in measures
        ],
    )  # fmt: skip
    _insert(
        AwardReturnDate,
        [
            {"award_id": a, "kind": kind, "due_on": due}
            for a in awards
            for kind, due in ((ReturnKind.MIDPOINT, date(2027, 10, 1)), (ReturnKind.FINAL, date(2028, 4, 28)))
        ],
    )
    return awards


def add_returns(
    round_, award_ids: list[int], *, status: ReturnStatus = ReturnStatus.SUBMITTED, period: int = 1
) -> list[int]:  # noqa: ANN001, E501
    """The ``period``-th return of each award (sent, with a figure for the numeric measure, unless
    it is still due)."""
    measure = round_.work_streams[0].measures[0]
    returns = _insert(
        OutputReturn,
        [
            {
                "award_id": a,
                "period": period,
                "due_on": date(2027, 10, 1) if period == 1 else date(2028, 4, 28),
                "is_final": period == 2,
                "status": status,
                "submitted_at": None if status == ReturnStatus.DUE else NOW,
                "lock_version": 1,
            }
            for a in award_ids
        ],
    )
    if status != ReturnStatus.DUE:
        _insert(ReturnFigure, [{"return_id": r, "measure_id": measure.id, "quantity": 10} for r in returns])
    return returns


def add_localities(n: int, *, application_id: int | None = None) -> list[int]:
    ids = _insert(Locality, [{"name": f"Bulk Place {next(_numbers):05}", "position": 10} for _ in range(n)])
    if application_id is not None:
        db.session.execute(
            insert(application_localities), [{"application_id": application_id, "locality_id": i} for i in ids]
        )
    return ids


# --- the people and records the pages are seen through ------------------------------------------


@dataclass
class World:
    officer: User
    other_officer: User
    applicant: User
    member: User  # sits on the panel of ``round``
    group: Organisation  # the applicant's
    round: object  # decisions released: EOIs with the panel, awards and returns
    open_round: object
    draft: Application  # the applicant's draft in ``open_round``
    review: Review  # the member's review of an EOI of ``round``, not yet submitted
    panel_member: PanelMember
    other_members: list[PanelMember]
    hall: Locality


def build_world() -> World:
    hall = Locality(name="Hall Green", position=0)
    db.session.add(hall)
    db.session.commit()
    officer = factories.make_user(roles={Role.OFFICER}, full_name="Olu Officer")
    other_officer = factories.make_user(roles={Role.OFFICER}, full_name="Bea Officer")
    applicant = factories.make_user(roles={Role.APPLICANT}, full_name="Amina Khan")
    group = factories.make_organisation(members=[applicant], name="Sparkhill Women's Circle")
    open_round = factories.make_round(title="Community grants 2028", reference_prefix="CG28-")
    draft = factories.make_application(round_=open_round, organisation=group, applicant=applicant, complete=True)
    round_ = factories.make_round(title="Community grants 2027", reference_prefix="CG27-")
    member = factories.make_user(roles={Role.PANEL_MEMBER}, full_name="Asha Patel")
    others = [factories.make_user(roles={Role.PANEL_MEMBER}) for _ in range(2)]
    panel = factories.make_panel(round_=round_, members=[member, *others])
    eoi = factories.make_eligible_application(round_=round_)
    review = factories.make_review(eoi, panel.members[0], scores=[3, 2, None])
    round_.status = RoundStatus.IN_ASSESSMENT
    panel.decisions_released_at = NOW
    db.session.commit()
    return World(
        officer=officer, other_officer=other_officer, applicant=applicant, member=member, group=group, round=round_, open_round=open_round,
        draft=draft, review=review, panel_member=panel.members[0], other_members=panel.members[1:], hall=hall,
    )  # fmt: skip


@pytest.fixture
def world(app):  # noqa: ANN001, ANN201
    return build_world()


# --- the pages ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    who: str | None  # the World attribute of the person signed in (None: nobody)
    url: Callable[[World], str]
    grow: Callable[[World, int], object]  # adds n of what the page lists
    needle: str  # a text each listed row shows
    shown: tuple[int, int]  # how often the page shows it with 10 rows, and with 1,000


def _criteria(w: World) -> list:
    return [c for c in w.round.criteria if not c.is_archived]


def _eois_of_the_group(w: World, n: int) -> None:
    add_eois(w.round, n, status=ApplicationStatus.SUBMITTED, organisation_ids=[w.group.id])


def _places_of_the_draft(w: World, n: int) -> None:
    add_localities(n, application_id=w.draft.id)


def _measures_of_the_draft(w: World, n: int) -> None:
    """n more output measures in the draft's work stream, each with the draft's plan for it."""
    ids = _insert(
        OutputMeasure,
        [
            {"work_stream_id": w.draft.work_stream_id, "name": f"Bulk measure {next(_numbers):05}", "unit": "people",
             "kind": MeasureKind.NUMERIC, "target": 10, "position": 50, "is_retired": False, "is_cumulative": False}
            for _ in range(n)
        ],
    )  # fmt: skip
    _insert(PlannedOutput, [{"application_id": w.draft.id, "measure_id": i, "quantity": 12} for i in ids])


def _queue(w: World, n: int) -> None:
    """n more EOIs assigned to the member, not yet started."""
    ids = add_eois(w.round, n, status=ApplicationStatus.WITH_PANEL, locality=w.hall)
    add_reviews(ids, w.panel_member, _criteria(w), submitted=False)


def _panel_eois(w: World, n: int) -> None:
    """n EOIs with the panel, scored by all three members, each with an agreed score recorded by
    another officer; one in ten with a conflict declared, one in ten decided."""
    ids = add_eois(w.round, n, status=ApplicationStatus.WITH_PANEL, locality=w.hall)
    for member in (w.panel_member, *w.other_members):
        add_reviews(ids, member, _criteria(w))
    _insert(
        AgreedScore,
        [{"application_id": i, "score": Decimal("75"), "rationale": "Agreed.", "recorded_by_id": w.other_officer.id}
         for i in ids],
    )  # fmt: skip
    _insert(
        ConflictDeclaration,
        [{"application_id": i, "member_id": w.other_members[0].id, "kind": ConflictKind.PERSONAL} for i in ids[::10]],
    )
    _insert(
        FundingDecision,
        [{"application_id": i, "outcome": DecisionOutcome.FUND, "amount": Decimal("3000"), "reason": "Strong."}
         for i in ids[5::10]],
    )  # fmt: skip


def _awarded(w: World, n: int, *, status: AwardStatus = AwardStatus.ACCEPTED) -> list[int]:
    ids = add_eois(w.round, n, status=ApplicationStatus.DECIDED, locality=w.hall)
    return add_awards(w.round, ids, status=status)


def _offered(w: World, n: int) -> None:
    _awarded(w, n, status=AwardStatus.OFFERED)


def _returns(w: World, n: int) -> None:
    """n accepted awards with a sent first return (and its figures) and a final return still due."""
    awards = _awarded(w, n)
    add_returns(w.round, awards)
    add_returns(w.round, awards, status=ReturnStatus.DUE, period=2)


def _round(path: str) -> Callable[[World], str]:
    return lambda w: f"/officers/rounds/{w.round.id}/{path}"


PAGES = [
    Page("applicant home", "applicant", lambda w: "/applicant/", _eois_of_the_group, "Bulk project", (10, 1000)),
    Page(
        "EOI task list",
        "applicant",
        lambda w: f"/applicant/applications/{w.draft.id}",
        _places_of_the_draft,
        "Community grants 2028",  # the round, above "Your application"
        (1, 1),
    ),
    Page(
        "EOI section",
        "applicant",
        lambda w: f"/applicant/applications/{w.draft.id}/beneficiaries",
        lambda w, n: add_localities(n),
        "Bulk Place",
        (10, 1000),
    ),
    Page(
        "EOI outputs section",
        "applicant",
        lambda w: f"/applicant/applications/{w.draft.id}/outputs",
        _measures_of_the_draft,
        "Bulk measure",
        (10, 1000),
    ),
    Page(
        "check answers",
        "applicant",
        lambda w: f"/applicant/applications/{w.draft.id}/check",
        _places_of_the_draft,
        "Bulk Place",
        (10, 1000),
    ),
    # Paginated: 50 to a page (the 49 bulk EOIs after the world's own review).
    Page("panel queue", "member", lambda w: "/panel/", _queue, "Bulk project", (10, 49)),
    Page(
        "review form",
        "member",
        lambda w: f"/panel/reviews/{w.review.id}",
        _queue,
        '<h1 class="govuk-heading-l govuk-!-text-break-word">Women&#39;s conversation cafe</h1>',
        (1, 1),
    ),
    # Paginated: 20 EOIs to a page, those needing attention first (the ranking shows groups, not titles).
    Page("moderation", "officer", _round("moderation"), _panel_eois, "Bulk project", (10, 20)),
    Page(
        "programme dashboard",
        "officer",
        lambda w: f"/officers/dashboard?round={w.round.id}",
        _returns,
        "Bulk Group",
        (10, 50),  # paginated: 50 awards to a page (their returns are neither late nor due soon)
    ),
    # Paginated: 50 to a page, newest first.
    Page("public register", None, lambda w: "/awards", _awarded, "Bulk Group", (10, 50)),
    # Paginated: 50 to a page (the 49 bulk EOIs after the world's own).
    Page("round applications", "officer", _round("applications"), _eois_of_the_group, "Bulk project", (10, 49)),
    Page("awards list", "officer", _round("awards"), _offered, "Bulk Group", (20, 2000)),
    Page("acceptances", "officer", _round("acceptances"), _awarded, "Bulk Group", (10, 1000)),
    Page("round returns", "officer", _round("returns"), _returns, "Bulk Group", (20, 2000)),
]


def _visit_at_both_sizes(page: Page, world: World, client, sign_in) -> list[tuple[int, int, QueryLog]]:  # noqa: ANN001
    """(how often the page shows its rows, statements, the log) with 10 rows, then with 1,000."""
    if page.who:
        sign_in(getattr(world, page.who))
    results = []
    for more in (10, 990):
        page.grow(world, more)
        # The rows go in as bulk inserts, with no audit event: record one, as the services that make
        # such rows do, so that figures kept for the whole round are worked out again at this size.
        audit.record("test.rows_added", by=None, object_type="test")
        # Seen just now: a session last seen a minute ago or more is written back (one UPDATE,
        # once a minute), which a slow machine could otherwise slip into one visit and not the other.
        db.session.execute(update(UserSession).values(last_seen_at=utcnow()))
        db.session.commit()
        url = page.url(world)
        with count_queries(allow_lazy=PER_REQUEST_LAZY) as log:
            response = client.get(url)
        assert response.status_code == 200, f"{page.name}: {response.status_code} {response.location or ''}"
        results.append((response.get_data(as_text=True).count(page.needle), log.count, log))
    return results


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_a_key_page_runs_as_many_statements_with_1000_rows_as_with_10(page, world, client, sign_in):  # noqa: ANN001
    (shown_small, small, small_log), (shown_large, large, large_log) = _visit_at_both_sizes(
        page, world, client, sign_in
    )
    assert (shown_small, shown_large) == page.shown, "the page does not list the rows the test added"
    assert small == large, (
        f"{page.name}: {small} statements with 10 rows, {large} with 1,000\n"
        f"with 10: {small_log.report()}\nwith 1,000: {large_log.report()}"
    )
    assert large <= BUDGET, f"{page.name}: over the budget of {BUDGET}\n{large_log.report()}"


# --- the counting itself ---------------------------------------------------------------------------


def test_a_lazy_load_while_counting_fails_and_names_the_relationship(world):  # noqa: ANN001
    db.session.expunge_all()  # nothing in the identity map: the member must come from the database
    with count_queries() as log:
        review = db.session.scalars(select(Review)).one()
        with pytest.raises(LazyLoadRefused, match=r"lazy load of Review\.member while counting"):
            _ = review.member
    assert log.count == 1, log.report()  # the reviews; the refused load never ran


def test_an_allowed_lazy_load_is_counted_and_loading_is_free_again_afterwards(world):  # noqa: ANN001
    round_id = world.round.id
    db.session.expunge_all()
    with count_queries(allow_lazy=["Review.member"]) as log:
        review = db.session.scalars(select(Review)).one()
        assert review.member.kind == MemberKind.RESIDENT
    assert log.count == 2, log.report()
    assert "FROM panel_members" in log.statements[1]
    assert review.application.round_id == round_id  # no longer counting: lazy loads work again
    assert log.count == 2
