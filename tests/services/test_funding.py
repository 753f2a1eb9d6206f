"""Round status changes with their checks, and copying a round."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.domain.roles import Role
from portal.domain.workflow import SYSTEM, RoundStatus
from portal.models import AuditEvent, Criterion, OutputMeasure, Round, WorkStream
from portal.services import ServiceError, funding


def test_opening_a_ready_round_is_audited(db, make_user, make_round):
    officer = make_user(roles={Role.OFFICER})
    round_ = make_round(status=RoundStatus.DRAFT)
    funding.change_round_status(round_, RoundStatus.OPEN, by=officer)
    db.session.commit()
    assert round_.status == RoundStatus.OPEN
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "round.status_changed"))
    assert (event.actor_id, event.object_id) == (officer.id, round_.id)
    assert (event.before, event.after) == ({"status": "draft"}, {"status": "open"})


def test_a_round_without_work_streams_cannot_open(db, make_user, make_round):
    officer = make_user(roles={Role.OFFICER})
    round_ = make_round(status=RoundStatus.DRAFT, work_streams=0)
    with pytest.raises(ServiceError, match="Add at least one work stream"):
        funding.change_round_status(round_, RoundStatus.OPEN, by=officer)
    assert round_.status == RoundStatus.DRAFT


def test_a_round_whose_closing_time_has_passed_cannot_open(db, make_user, make_round):
    officer = make_user(roles={Role.OFFICER})
    round_ = make_round(
        status=RoundStatus.DRAFT,
        opens_at=datetime.now(UTC) - timedelta(days=10),
        closes_at=datetime.now(UTC) - timedelta(days=1),
    )
    with pytest.raises(ServiceError, match="must be in the future"):
        funding.change_round_status(round_, RoundStatus.OPEN, by=officer)


def test_retired_work_streams_and_archived_criteria_do_not_count_towards_opening(db, make_user, make_round):
    officer = make_user(roles={Role.OFFICER})
    round_ = make_round(status=RoundStatus.DRAFT, work_streams=1, criteria=1)
    round_.work_streams[0].is_retired = True
    round_.criteria[0].is_archived = True
    with pytest.raises(ServiceError, match="Add at least one work stream"):
        funding.change_round_status(round_, RoundStatus.OPEN, by=officer)


def test_the_clock_can_close_a_round(db, make_round):
    round_ = make_round(status=RoundStatus.OPEN)
    funding.change_round_status(round_, RoundStatus.CLOSED, by=None, actor_roles={SYSTEM})
    db.session.commit()
    assert round_.status == RoundStatus.CLOSED
    assert db.session.scalar(select(AuditEvent.actor_id).where(AuditEvent.action == "round.status_changed")) is None


def test_an_applicant_cannot_change_a_round(db, make_user, make_round):
    applicant = make_user(roles={Role.APPLICANT})
    round_ = make_round(status=RoundStatus.OPEN)
    with pytest.raises(ServiceError, match="permission"):
        funding.change_round_status(round_, RoundStatus.CLOSED, by=applicant)


def test_copying_brings_the_set_up_but_no_dates_and_starts_as_a_draft(db, make_user, make_round):
    officer = make_user(roles={Role.OFFICER})
    source = make_round(
        status=RoundStatus.DECIDED,
        guidance="Read this first.",
        income_ceiling=Decimal("250000"),
        allowed_legal_forms=["charity", "faith"],
        max_amount=Decimal("4000"),
    )
    source.work_streams[1].is_retired = True
    source.criteria[2].is_archived = True
    source.criteria[0].weight = Decimal("2")
    source.criteria[1].word_limit = None  # no limit stays no limit
    db.session.commit()

    copy = funding.copy_round(source, title="Next year", reference_prefix="TST-2027-", by=officer)
    db.session.commit()

    assert copy.id != source.id
    assert (copy.status, copy.opens_at, copy.closes_at) == (RoundStatus.DRAFT, None, None)
    assert (copy.title, copy.reference_prefix, copy.copied_from_round_id) == ("Next year", "TST-2027-", source.id)
    assert (copy.guidance, copy.income_ceiling, copy.max_amount) == (
        "Read this first.",
        Decimal("250000"),
        Decimal("4000"),
    )
    assert copy.allowed_legal_forms == ["charity", "faith"]
    assert [ws.name for ws in copy.work_streams] == ["Work stream 1"]
    assert [(m.name, m.target, m.kind) for m in copy.work_streams[0].measures] == [
        (m.name, m.target, m.kind) for m in source.work_streams[0].measures
    ]
    assert [(c.title, c.weight, c.word_limit) for c in copy.criteria] == [
        ("Criterion 1", Decimal("2"), 250),
        ("Criterion 2", Decimal("1"), None),
    ]
    # The source is untouched: its records are not moved, only copied.
    assert len(source.work_streams) == 2 and len(source.criteria) == 3
    assert db.session.scalar(select(func.count(Round.id))) == 2
    assert db.session.scalar(select(func.count(WorkStream.id))) == 3
    assert db.session.scalar(select(func.count(OutputMeasure.id))) == 6
    assert db.session.scalar(select(func.count(Criterion.id))) == 5
    assert db.session.scalar(select(AuditEvent.after).where(AuditEvent.action == "round.copied")) == {
        "copied_from": source.id,
        "title": "Next year",
    }


def test_no_two_rounds_share_a_reference_prefix(db, make_user, make_round):
    officer = make_user(roles={Role.OFFICER})
    first = make_round(reference_prefix="CIF-2026-")
    with pytest.raises(funding.PrefixTaken):
        funding.copy_round(first, title="Copy", reference_prefix="cif-2026-", by=officer)
    with pytest.raises(funding.PrefixTaken):
        funding.create_round(
            first.fund,
            by=officer,
            title="X",
            reference_prefix="CIF-2026-",
            opens_at=None,
            closes_at=None,
            min_amount=Decimal("0"),
            max_amount=Decimal("1"),
            guidance="",
        )
    second = make_round(reference_prefix="CIF-2027-")
    with pytest.raises(funding.PrefixTaken):
        funding.update_round(second, reference_prefix="CIF-2026-", by=officer)
    funding.update_round(second, reference_prefix="CIF-2027-", by=officer)  # its own prefix is fine


def test_the_next_free_prefix_moves_the_year_on(db, make_round):
    make_round(reference_prefix="CIF-2026-")
    make_round(reference_prefix="CIF-2027-")
    assert funding.next_free_prefix("CIF-2026-") == "CIF-2028-"
    make_round(reference_prefix="GRANTS-")
    assert funding.next_free_prefix("GRANTS-") == "GRANTS-2-"
