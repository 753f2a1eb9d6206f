"""Work streams, output measures and standard conditions: add, change, reorder, retire."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.domain.measures import MeasureKind
from portal.domain.ordering import Direction
from portal.domain.roles import Role
from portal.models import AuditEvent, OutputMeasure, WorkStream
from portal.services import ServiceError, funding, programme


@pytest.fixture
def officer(make_user):  # noqa: ANN001, ANN201
    return make_user(roles={Role.OFFICER})


def events(db, action: str) -> list[AuditEvent]:  # noqa: ANN001
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def test_a_new_work_stream_goes_last_and_is_audited_against_its_round(db, officer, make_round):
    round_ = make_round(work_streams=2)
    stream = programme.add_work_stream(
        round_,
        name="Get Communities Talking",
        short_name="GCT",
        description="",
        who_it_is_for="Women",
        budget=Decimal("145000"),
        by=officer,
    )
    db.session.commit()
    assert stream.position == 2
    assert stream.description is None  # empty text is stored as nothing
    [event] = events(db, "work_stream.added")
    assert event.round_id == round_.id
    assert event.after["budget"] == "145000.00"


def test_changing_a_work_stream_records_only_what_changed(db, officer, make_round):
    stream = make_round().work_streams[0]
    programme.update_work_stream(
        stream, name=stream.name, short_name="", description="", who_it_is_for="", budget=Decimal("30000"), by=officer
    )
    db.session.commit()
    [event] = events(db, "work_stream.updated")
    assert event.before == {"budget": "25000.00"}
    assert event.after == {"budget": "30000.00"}


def test_reordering_work_streams(db, officer, make_round):
    round_ = make_round(work_streams=3)
    first, second, third = round_.work_streams
    programme.move_work_stream(third, Direction.UP, by=officer)
    db.session.commit()
    order = db.session.scalars(
        select(WorkStream.name).where(WorkStream.round_id == round_.id).order_by(WorkStream.position)
    ).all()
    assert order == ["Work stream 1", "Work stream 3", "Work stream 2"]
    programme.move_work_stream(first, Direction.UP, by=officer)  # already first: nothing happens
    db.session.commit()
    assert len(events(db, "work_stream.moved")) == 1


def test_retiring_keeps_the_work_stream_and_its_measures(db, officer, make_round):
    stream = make_round().work_streams[0]
    programme.set_work_stream_retired(stream, True, by=officer)
    db.session.commit()
    assert db.session.get(WorkStream, stream.id).is_retired
    assert len(db.session.get(WorkStream, stream.id).measures) == 2
    programme.set_work_stream_retired(stream, False, by=officer)
    db.session.commit()
    assert [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))][-2:] == [
        "work_stream.retired",
        "work_stream.reinstated",
    ]


def test_a_numeric_measure_needs_a_target_and_a_qualitative_one_has_none(db, officer, make_round):
    stream = make_round().work_streams[0]
    with pytest.raises(ServiceError, match="Enter the programme target"):
        programme.add_measure(
            stream, name="Women involved", unit="women", kind=MeasureKind.NUMERIC, target=None, help_text="", by=officer
        )
    with pytest.raises(ServiceError, match="has no number target"):
        programme.add_measure(
            stream, name="Stories", unit="stories", kind=MeasureKind.QUALITATIVE, target=5, help_text="", by=officer
        )
    measure = programme.add_measure(
        stream,
        name="Women involved",
        unit="women",
        kind=MeasureKind.NUMERIC,
        target=250,
        help_text="Count each woman once.",
        by=officer,
    )
    db.session.commit()
    assert (measure.position, measure.target) == (2, 250)
    assert events(db, "measure.added")[0].round_id == stream.round_id


def test_changing_a_measure_to_words_must_drop_its_target(db, officer, make_round):
    measure = make_round().work_streams[0].measures[0]
    with pytest.raises(ServiceError):
        programme.update_measure(measure, kind=MeasureKind.QUALITATIVE, by=officer)
    programme.update_measure(measure, kind=MeasureKind.QUALITATIVE, target=None, by=officer)
    db.session.commit()
    stored = db.session.get(OutputMeasure, measure.id)
    assert (stored.kind, stored.target) == (MeasureKind.QUALITATIVE, None)


def test_retiring_a_measure_keeps_it(db, officer, make_round):
    measure = make_round().work_streams[0].measures[0]
    programme.set_measure_retired(measure, True, by=officer)
    db.session.commit()
    assert db.session.get(OutputMeasure, measure.id).is_retired


def test_conditions_are_added_in_order_moved_and_archived(db, officer, make_round):
    round_ = make_round()
    wage = programme.add_condition(
        round_, title="Real Living Wage", body="Pay at least the Real Living Wage.", by=officer
    )
    safe = programme.add_condition(round_, title="Safeguarding", body="Keep a safeguarding policy.", by=officer)
    programme.move_condition(safe, Direction.UP, by=officer)
    programme.set_condition_archived(wage, True, by=officer)
    db.session.commit()
    assert [(c.title, c.position, c.is_archived) for c in sorted(round_.conditions, key=lambda c: c.position)] == [
        ("Safeguarding", 0, False),
        ("Real Living Wage", 1, True),
    ]
    assert {e.round_id for e in events(db, "condition.added")} == {round_.id}


def test_creating_a_fund_and_a_round(db, officer):
    fund = funding.create_fund(name="Neighbourhood Fund", total_budget=Decimal("200000"), description=" ", by=officer)
    round_ = funding.create_round(
        fund,
        title="Spring 2027",
        reference_prefix="NF-2027-",
        opens_at=None,
        closes_at=None,
        min_amount=Decimal("500"),
        max_amount=Decimal("5000"),
        guidance="",
        by=officer,
    )
    db.session.commit()
    assert fund.description is None
    assert round_.status == "draft"
    assert round_.guidance is None
    assert set(round_.allowed_legal_forms) == {
        "unconstituted",
        "community_group",
        "charity",
        "cic_or_company",
        "faith",
        "social_enterprise",
    }
    with pytest.raises(ServiceError, match="already a fund with this name"):
        funding.create_fund(name="neighbourhood fund", total_budget=Decimal("1"), description=None, by=officer)


def test_eligibility_settings_are_checked_and_audited(db, officer, make_round):
    round_ = make_round()
    with pytest.raises(ServiceError):
        funding.update_eligibility(
            round_, allowed_legal_forms=[], income_ceiling=None, excluded_purposes=[], by=officer
        )
    funding.update_eligibility(
        round_,
        allowed_legal_forms=["faith", "charity"],
        income_ceiling=Decimal("100000"),
        excluded_purposes=["Religious worship"],
        by=officer,
    )
    db.session.commit()
    assert round_.allowed_legal_forms == ["charity", "faith"]
    [event] = events(db, "round.eligibility_changed")
    assert event.after == {
        "allowed_legal_forms": ["charity", "faith"],
        "income_ceiling": "100000.00",
        "excluded_purposes": ["Religious worship"],
    }


def test_copying_a_round_brings_its_conditions_and_letter_settings(db, officer, make_round):
    round_ = make_round(letter_signatory_name="A. Officer", excluded_purposes=["Party politics"])
    programme.add_condition(round_, title="Acknowledge the fund", body="Say who funded you.", by=officer)
    archived = programme.add_condition(round_, title="Old rule", body="No longer used.", by=officer)
    programme.set_condition_archived(archived, True, by=officer)
    db.session.commit()
    copy = funding.copy_round(round_, title="Next", reference_prefix="N-", by=officer)
    db.session.commit()
    assert [c.title for c in copy.conditions] == ["Acknowledge the fund"]
    assert copy.letter_signatory_name == "A. Officer"
    assert copy.excluded_purposes == ["Party politics"]


def test_copying_a_whole_programme(db, officer, make_round):
    from portal.domain.workflow import RoundStatus

    first = make_round(title="Spring", status=RoundStatus.DECIDED)
    make_round(fund=first.fund, title="Autumn", status=RoundStatus.OPEN)
    make_round(fund=first.fund, title="Old", status=RoundStatus.ARCHIVED)
    new_fund = funding.copy_fund(first.fund, name="Next year's fund", total_budget=Decimal("90000"), by=officer)
    db.session.commit()
    titles = sorted((r.title, r.status, r.opens_at, r.closes_at) for r in new_fund.rounds)
    assert titles == [("Autumn (copy)", "draft", None, None), ("Spring (copy)", "draft", None, None)]
    assert all(len(r.work_streams) == 2 and len(r.criteria) == 3 for r in new_fund.rounds)
    assert len(first.fund.rounds) == 3  # the old programme is untouched
    assert events(db, "fund.copied")[0].after == {"copied_from": first.fund_id, "name": "Next year's fund"}
