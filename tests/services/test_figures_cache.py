"""The figures of a whole round or work stream are kept between requests
(portal/services/figures_cache.py) until anything changes: a change made through the services
(which record it in the audit trail) is seen on the very next request; one made behind their back
once FIGURES_CACHE_SECONDS have passed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from portal.domain.roles import Role
from portal.domain.workflow import ReviewStatus
from portal.extensions import db as _db
from portal.models import Application, ConflictDeclaration, ReturnFigure, Review
from portal.services import figures_cache
from portal.services.dashboard_page import dashboard_page
from portal.services.moderation_page import moderation_page
from portal.services.reviews import reopen_review
from tests import factories
from tests.services.test_moderation_page import build_uneven_meeting
from tests.services.test_monitoring import award_in
from tests.services.test_returns import measures, save

TODAY = date(2027, 9, 20)


def _actual(round_, measure_id: int) -> int:  # noqa: ANN001
    page = dashboard_page(round_, today=TODAY)
    return next(m.total.actual for s in page.streams for m in s.measures if m.measure_id == measure_id)


def test_a_return_sent_through_the_service_counts_on_the_dashboard_at_once(app):  # noqa: ANN001
    round_ = factories.make_round(title="Kept figures")
    output_return = factories.make_return(award=award_in(round_), period=1)
    _db.session.commit()
    numeric, _words = measures(output_return)
    assert _actual(round_, numeric.id) == 0
    assert _actual(round_, numeric.id) == 0  # kept: nothing changed
    save(output_return, submit=True, figures={numeric.id: 12, _words.id: "Five women told their stories."})
    _db.session.commit()
    assert _actual(round_, numeric.id) == 12


def test_a_change_behind_the_services_back_is_seen_once_the_figures_expire(app):  # noqa: ANN001
    round_ = factories.make_round(title="Kept figures")
    output_return = factories.make_return(award=award_in(round_), period=1)
    _db.session.commit()
    numeric, words = measures(output_return)
    save(output_return, submit=True, figures={numeric.id: 12, words.id: "Stories."})
    _db.session.commit()
    cache = figures_cache.the_cache()
    clock = [1000.0]
    cache.clock = lambda: clock[0]
    assert _actual(round_, numeric.id) == 12
    _db.session.execute(update(ReturnFigure).where(ReturnFigure.measure_id == numeric.id).values(quantity=30))
    _db.session.commit()  # as a script or a restore could: no audit event
    assert _actual(round_, numeric.id) == 12  # still the kept figures
    clock[0] += cache.seconds
    assert _actual(round_, numeric.id) == 30


def test_a_review_reopened_through_the_service_leaves_the_moderation_page_at_once(app):  # noqa: ANN001
    round_, stream = build_uneven_meeting(11, eois=10)
    officer = factories.make_user(roles={Role.OFFICER})

    def reviews_shown() -> dict[int, int]:
        page = moderation_page(round_, stream, per_page=50)
        return {eoi.application_id: len(eoi.reviews) for eoi in page.eois}

    before = reviews_shown()
    assert reviews_shown() == before  # kept
    review = next(r for r in _db.session.scalars(_counted_reviews(stream)) if r.application_id in before)
    reopen_review(review, reason="Scored the wrong EOI.", by=officer)
    _db.session.commit()
    after = reviews_shown()
    assert after[review.application_id] == before[review.application_id] - 1
    assert {k: v for k, v in after.items() if k != review.application_id} == {
        k: v for k, v in before.items() if k != review.application_id
    }


def _counted_reviews(stream):  # noqa: ANN001, ANN202
    """The work stream's submitted reviews by members with no conflict on the EOI (those the page counts)."""
    conflicted = select(ConflictDeclaration.application_id).where(ConflictDeclaration.member_id == Review.member_id)
    return (
        select(Review)
        .join(Application, Application.id == Review.application_id)
        .where(
            Application.work_stream_id == stream.id,
            Review.status == ReviewStatus.SUBMITTED,
            Review.application_id.not_in(conflicted),
        )
        .order_by(Review.id)
    )


def test_with_no_time_to_keep_them_the_figures_are_worked_out_every_time(app):  # noqa: ANN001
    app.config["FIGURES_CACHE_SECONDS"] = 0
    app.extensions.pop("figures_cache", None)
    round_ = factories.make_round(title="Kept figures")
    award_in(round_)
    _db.session.commit()
    dashboard_page(round_, today=TODAY)
    assert len(figures_cache.the_cache()) == 0


def test_the_newest_change_is_read_once_a_transaction_and_again_after_an_event_of_its_own(app):  # noqa: ANN001
    from portal.db import utcnow
    from portal.models import AuditEvent
    from portal.services import audit
    from tests.query_budget import count_queries

    _db.session.commit()
    with count_queries() as log:
        first = figures_cache.last_change()
        assert figures_cache.last_change() == first
    assert log.count == 1  # a page keeping several figures asks once
    audit.record("test.changed", by=None, object_type="test")
    with count_queries() as log:
        after_event = figures_cache.last_change()
    assert after_event > first and log.count >= 1  # its own event: read again (and the event written)
    _db.session.commit()
    with _db.engine.begin() as elsewhere:  # another request, in another process, records a change
        elsewhere.execute(
            AuditEvent.__table__.insert().values(action="test.elsewhere", object_type="test", created_at=utcnow())
        )
    assert figures_cache.last_change() > after_event  # a new transaction reads it again


def test_the_public_register_keeps_its_counts_and_follows_a_withdrawal_at_once(app):  # noqa: ANN001
    from portal.services.awards import withdraw_award
    from portal.services.public_register import public_register
    from tests.query_budget import count_queries

    round_ = factories.make_round(title="Kept register")
    kept, withdrawn = award_in(round_, amount=5000), award_in(round_, amount=3000)
    _db.session.commit()
    with count_queries() as first:
        register = public_register()
    assert (register.count, register.total) == (2, 5000 + 3000)
    _db.session.commit()  # the next request
    with count_queries() as again:
        assert public_register().count == 2
    assert again.count == first.count - 1  # the counts over every award are kept
    withdraw_award(withdrawn, reason="The group closed.", by=factories.make_user(roles={Role.OFFICER}))
    _db.session.commit()
    register = public_register()
    assert (register.count, register.total, [r.amount for r in register.rows]) == (1, 5000, [kept.amount])
