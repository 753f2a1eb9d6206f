"""Awards: made from a "fund" decision with the round's standard conditions, the decision's own
conditions, one payment on acceptance, targets from the group's plan and the usual return dates;
its terms changed by officers until the group accepts (each change audited, each refusal with a
plain reason, two tabs never overwriting each other); withdrawn; and the round's list of awards
in a constant number of queries."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from portal.domain.awards import Instalment, LetterKind, PaymentTrigger, ReturnKind
from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus, AwardStatus, DecisionOutcome
from portal.models import (
    AuditEvent,
    Award,
    BankDetails,
    FundingDecision,
    Letter,
    PlannedOutput,
    RoundCondition,
)
from portal.services import ServiceError, awards
from portal.services.awards import AwardProblem, EditConflict, TermsLocked
from tests import factories

NOW = datetime(2027, 5, 15, 12, 0, tzinfo=UTC)
ON_ACCEPTANCE, ON_DATE, ON_FINAL = PaymentTrigger.ON_ACCEPTANCE, PaymentTrigger.ON_DATE, PaymentTrigger.ON_FINAL_RETURN
MIDPOINT, FINAL, OTHER = ReturnKind.MIDPOINT, ReturnKind.FINAL, ReturnKind.OTHER


def fund(db, application, amount="2500", conditions=None):  # noqa: ANN001, ANN201
    decision = FundingDecision(
        application=application,
        outcome=DecisionOutcome.FUND,
        amount=Decimal(amount),
        conditions=conditions,
        reason="Strong local reach.",
    )
    application.status = ApplicationStatus.DECIDED
    db.session.add(decision)
    db.session.commit()
    return decision


@pytest.fixture
def officer(app):  # noqa: ANN001, ANN201
    return factories.make_user(roles={Role.OFFICER}, full_name="Olu Officer")


@pytest.fixture
def application(db):  # noqa: ANN001, ANN201
    """A sent EOI (asking for £3,000, planning 40 people and some stories) in a round with two
    standard conditions and an archived one."""
    application = factories.make_application(submit=True)
    round_ = application.round
    round_.conditions.extend(
        [
            RoundCondition(title="Safeguarding", body="Keep a safeguarding policy.", position=1),
            RoundCondition(title="Real Living Wage", body="Pay staff the Real Living Wage.", position=0),
            RoundCondition(title="Old rule", body="No longer used.", position=2, is_archived=True),
        ]
    )
    db.session.commit()
    return application


@pytest.fixture
def award(db, application, officer):  # noqa: ANN001, ANN201
    made = awards.create_from_decision(fund(db, application, conditions="Send receipts."), by=officer, now=NOW)
    db.session.commit()
    return made


def _events(db, action: str) -> list[AuditEvent]:  # noqa: ANN001
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def _measures(application):  # noqa: ANN001, ANN202
    numeric, words = application.work_stream.measures
    return numeric, words


# --- made from a decision ----------------------------------------------------------------------------


def test_an_award_takes_the_round_conditions_the_decision_conditions_and_the_group_plan(db, application, officer):
    decision = fund(db, application, conditions="  Send us receipts for the room hire.\r\nEvery term. ")
    award = awards.create_from_decision(decision, by=officer, now=NOW)
    db.session.commit()
    numeric, words = _measures(application)
    assert (award.status, award.amount, award.decision_id) == (AwardStatus.OFFERED, Decimal("2500.00"), decision.id)
    assert (award.starts_on, award.ends_on) == (date(2027, 6, 1), date(2028, 5, 31))
    standard = {c.title: c.id for c in application.round.conditions}
    assert [(c.title, c.body, c.round_condition_id, c.position) for c in award.conditions] == [
        ("Real Living Wage", "Pay staff the Real Living Wage.", standard["Real Living Wage"], 0),
        ("Safeguarding", "Keep a safeguarding policy.", standard["Safeguarding"], 1),
        ("Conditions for your project", "Send us receipts for the room hire.\nEvery term.", None, 2),
    ]
    assert [(i.amount, i.percentage, i.trigger, i.due_on) for i in award.instalments] == [
        (Decimal("2500.00"), Decimal("100.00"), ON_ACCEPTANCE, None)
    ]
    assert {t.measure_id: (t.quantity, t.description) for t in award.targets} == {
        numeric.id: (40, None),
        words.id: (None, "Stories from the group"),
    }
    assert [(r.kind, r.due_on) for r in award.return_dates] == [
        (MIDPOINT, date(2027, 11, 30)),
        (FINAL, date(2028, 6, 28)),
    ]
    [event] = _events(db, "award.created")
    assert (event.object_type, event.object_id, event.round_id, event.actor_id) == (
        "awards",
        award.id,
        application.round_id,
        officer.id,
    )
    assert event.after["amount"] == "2500.00" and event.after["starts_on"] == "2027-06-01"
    assert event.after["conditions"] == ["Real Living Wage", "Safeguarding", "Conditions for your project"]


@pytest.mark.parametrize(
    ("now", "period"),
    [
        # 11:30pm on 31 May in UTC is already 1 June in the UK (summer time).
        (datetime(2027, 5, 31, 23, 30, tzinfo=UTC), (date(2027, 7, 1), date(2028, 6, 30))),
        (datetime(2027, 12, 10, 9, 0, tzinfo=UTC), (date(2028, 1, 1), date(2028, 12, 31))),
        (datetime(2028, 1, 31, 23, 59, tzinfo=UTC), (date(2028, 2, 1), date(2029, 1, 31))),
    ],
)
def test_the_grant_starts_on_the_first_of_next_month_in_the_uk_and_lasts_a_year(db, application, officer, now, period):
    award = awards.create_from_decision(fund(db, application), by=officer, now=now)
    assert (award.starts_on, award.ends_on) == period


def test_measures_not_part_of_the_project_or_without_a_plan_get_no_target(db, application, officer):
    numeric, words = _measures(application)
    plans = {p.measure_id: p for p in db.session.scalars(select(PlannedOutput)).all()}
    plans[words.id].is_part_of_project = False
    plans[numeric.id].quantity = None
    db.session.commit()
    award = awards.create_from_decision(fund(db, application), by=officer, now=NOW)
    assert award.targets == []


def test_without_standard_or_decision_conditions_the_award_has_none(db, officer):
    application = factories.make_application(submit=True)
    award = awards.create_from_decision(fund(db, application, conditions="   "), by=officer, now=NOW)
    assert award.conditions == []


def test_making_the_award_again_returns_the_same_award_and_follows_a_changed_amount(db, application, officer):
    decision = fund(db, application)
    first = awards.create_from_decision(decision, by=officer, now=NOW)
    db.session.commit()
    assert awards.create_from_decision(decision, by=officer, now=NOW) is first
    assert _events(db, "award.updated") == []
    decision.amount = Decimal("2000")
    again = awards.create_from_decision(decision, by=officer, now=NOW)
    db.session.commit()
    assert again.id == first.id and again.amount == Decimal("2000.00")
    assert [i.amount for i in again.instalments] == [Decimal("2000.00")]  # 100% of the new amount
    assert db.session.scalar(select(Award.id).where(Award.application_id == application.id)) == first.id
    [event] = _events(db, "award.updated")
    assert (event.before["amount"], event.after["amount"]) == ("2500.00", "2000.00")
    assert len(_events(db, "award.created")) == 1


def test_an_accepted_award_keeps_its_amount_when_the_decision_is_made_again(db, award, officer):
    award.status = AwardStatus.ACCEPTED
    db.session.commit()
    award.decision.amount = Decimal("1000")
    assert awards.create_from_decision(award.decision, by=officer, now=NOW).amount == Decimal("2500.00")


def test_only_a_decision_to_fund_makes_an_award(db, application, officer):
    decision = FundingDecision(
        application=application, outcome=DecisionOutcome.DO_NOT_FUND, feedback="Sorry.", reason="Weak."
    )
    db.session.add(decision)
    db.session.commit()
    with pytest.raises(ServiceError, match="Only a decision to fund"):
        awards.create_from_decision(decision, by=officer, now=NOW)
    assert db.session.scalar(select(Award)) is None


# --- made when an officer records the decision ------------------------------------------------------


@pytest.fixture
def meeting(app):  # noqa: ANN001, ANN201
    from tests.services.test_moderation import build_meeting

    meeting = build_meeting()
    meeting.a.status = meeting.c.status = ApplicationStatus.SCORED
    factories.db.session.commit()
    return meeting


def test_recording_a_fund_decision_makes_the_award_and_other_decisions_do_not(db, meeting):
    from tests.services.test_decisions import decide

    decide(meeting.a, DecisionOutcome.FUND, meeting.officer, amount=Decimal("2000"), conditions="Send receipts.")
    decide(meeting.c, DecisionOutcome.DO_NOT_FUND, meeting.officer, feedback="Sorry.")
    db.session.commit()
    award = awards.award_for(meeting.a)
    assert (award.amount, award.conditions[-1].body, award.created_by_id) == (
        Decimal("2000.00"),
        "Send receipts.",
        meeting.officer.id,
    )
    assert awards.award_for(meeting.c) is None


def test_an_eoi_moved_from_the_reserve_list_to_fund_gets_its_award(db, meeting):
    from tests.services.test_decisions import decide

    decide(meeting.c, DecisionOutcome.RESERVE, meeting.officer)
    db.session.commit()
    assert awards.award_for(meeting.c) is None
    decide(meeting.c, DecisionOutcome.FUND, meeting.officer, amount=Decimal(1500), override_reason="Money came back.")
    db.session.commit()
    assert awards.award_for(meeting.c).amount == Decimal("1500.00")


# --- the amount and dates ----------------------------------------------------------------------------


def test_changing_the_amount_and_dates_moves_percentages_and_usual_return_dates_with_them(db, award, officer):
    version = award.lock_version
    awards.update_terms(
        award,
        amount=Decimal("3000"),
        starts_on=date(2027, 9, 1),
        ends_on=date(2028, 8, 31),
        expected_version=version,
        by=officer,
        now=NOW,
    )
    db.session.commit()
    assert (award.amount, award.starts_on, award.ends_on) == (Decimal("3000.00"), date(2027, 9, 1), date(2028, 8, 31))
    assert [i.amount for i in award.instalments] == [Decimal("3000.00")]
    assert [(r.kind, r.due_on) for r in award.return_dates] == [
        (MIDPOINT, date(2028, 3, 1)),
        (FINAL, date(2028, 9, 28)),
    ]
    assert award.lock_version == version + 1
    [event] = _events(db, "award.updated")
    assert event.before == {
        "status": "offered",
        "amount": "2500.00",
        "starts_on": "2027-06-01",
        "ends_on": "2028-05-31",
    }
    assert event.after == {"status": "offered", "amount": "3000.00", "starts_on": "2027-09-01", "ends_on": "2028-08-31"}


def test_return_dates_an_officer_chose_stay_when_the_dates_change(db, award, officer):
    chosen = [(OTHER, date(2027, 8, 1)), (FINAL, date(2028, 7, 1))]
    awards.set_return_dates(award, chosen, expected_version=None, by=officer, now=NOW)
    awards.update_terms(
        award,
        amount=award.amount,
        starts_on=date(2027, 9, 1),
        ends_on=date(2028, 8, 31),
        expected_version=None,
        by=officer,
    )
    assert [(r.kind, r.due_on) for r in award.return_dates] == chosen
    # …and the page then says what no longer fits.
    assert [str(p) for p in awards.terms_problems(award)] == ["Return 1: it cannot be due before the grant starts"]


def test_payments_by_amount_stay_and_no_longer_add_up_when_the_amount_changes(db, award, officer):
    plan = [Instalment(Decimal("1000"), None, ON_ACCEPTANCE), Instalment(Decimal("1500"), None, ON_FINAL)]
    awards.set_instalments(award, plan, expected_version=None, by=officer, now=NOW)
    awards.update_terms(
        award,
        amount=Decimal("2000"),
        starts_on=award.starts_on,
        ends_on=award.ends_on,
        expected_version=None,
        by=officer,
    )
    assert [i.amount for i in award.instalments] == [Decimal("1000.00"), Decimal("1500.00")]
    assert [str(p) for p in awards.terms_problems(award)] == ["The payments must add up to the award of £2,000.00"]


@pytest.mark.parametrize(
    ("amount", "starts_on", "ends_on", "message", "field"),
    [
        (None, date(2027, 6, 1), date(2028, 5, 31), "Enter the amount of the award", "amount"),
        (Decimal("0"), date(2027, 6, 1), date(2028, 5, 31), "The amount must be more than £0", "amount"),
        (
            Decimal("3000.01"),
            date(2027, 6, 1),
            date(2028, 5, 31),
            r"cannot be more than the group asked for \(£3,000.00\)",
            "amount",
        ),
        (Decimal("100"), None, date(2028, 5, 31), "Give the start and end dates of the grant", "starts_on"),
        (Decimal("100"), date(2027, 6, 1), None, "Give the start and end dates of the grant", "ends_on"),
        (Decimal("100"), date(2027, 6, 1), date(2027, 6, 1), "The end date must be after the start date", "ends_on"),
    ],
)
def test_the_amount_and_dates_are_checked(db, award, officer, amount, starts_on, ends_on, message, field):
    with pytest.raises(AwardProblem, match=message) as refused:
        awards.update_terms(
            award, amount=amount, starts_on=starts_on, ends_on=ends_on, expected_version=None, by=officer, now=NOW
        )
    assert refused.value.field == field
    db.session.rollback()
    assert award.amount == Decimal("2500.00")
    assert _events(db, "award.updated") == []


# --- conditions --------------------------------------------------------------------------------------


def test_conditions_are_edited_added_removed_and_reordered(db, award, officer):
    wage, safeguarding, _own = award.conditions  # the decision's own condition is left out: removed
    awards.set_conditions(
        award,
        [
            ("Safeguarding", "Keep a safeguarding policy and follow it.", safeguarding.id),
            ("", "  ", None),  # an empty row is ignored
            ("Credit the fund", "Say the council funded you.", None),
            ("Real Living Wage", "Pay staff the Real Living Wage."),  # the same words: the same condition
        ],
        expected_version=award.lock_version,
        by=officer,
        now=NOW,
    )
    db.session.commit()
    assert [(c.title, c.body, c.round_condition_id, c.position) for c in award.conditions] == [
        ("Safeguarding", "Keep a safeguarding policy and follow it.", safeguarding.round_condition_id, 0),
        ("Credit the fund", "Say the council funded you.", None, 1),
        ("Real Living Wage", "Pay staff the Real Living Wage.", wage.round_condition_id, 2),
    ]
    assert award.conditions[0].id == safeguarding.id and award.conditions[2].id == wage.id
    [event] = _events(db, "award.conditions_changed")
    assert [c["title"] for c in event.before["conditions"]] == [
        "Real Living Wage",
        "Safeguarding",
        "Conditions for your project",
    ]
    assert [c["title"] for c in event.after["conditions"]] == ["Safeguarding", "Credit the fund", "Real Living Wage"]


def test_saving_the_same_conditions_changes_nothing(db, award, officer):
    version = award.lock_version
    awards.set_conditions(
        award, [(c.title, c.body, c.id) for c in award.conditions], expected_version=version, by=officer, now=NOW
    )
    db.session.commit()
    assert award.lock_version == version
    assert _events(db, "award.conditions_changed") == []


@pytest.mark.parametrize(
    ("rows", "message", "field", "row"),
    [
        ([("A", "B"), ("", "A body without a title")], "Condition 2: give it a title", "title", 1),
        ([("A title without a body", "")], "Condition 1: write out the condition", "body", 0),
        ([("T" * 201, "Body")], "Condition 1: keep the title to 200 characters or fewer", "title", 0),
        ([("Title", "B" * 5001)], "Condition 1: keep it to 5000 characters or fewer", "body", 0),
    ],
)
def test_each_condition_needs_a_title_and_words(db, award, officer, rows, message, field, row):
    with pytest.raises(AwardProblem, match=message) as refused:
        awards.set_conditions(award, rows, expected_version=None, by=officer, now=NOW)
    assert (refused.value.field, refused.value.row) == (field, row)


# --- the payment schedule ----------------------------------------------------------------------------


def test_a_schedule_by_percentage_and_by_amount_is_stored_in_pounds(db, award, officer):
    plan = [
        Instalment(None, Decimal("33.33"), ON_ACCEPTANCE),
        Instalment(Decimal("1000"), None, ON_DATE, date(2027, 9, 1)),
        Instalment(None, Decimal("26.67"), ON_FINAL, date(2028, 1, 1)),  # a date for a trigger is not kept
    ]
    awards.set_instalments(award, plan, expected_version=award.lock_version, by=officer, now=NOW)
    db.session.commit()
    assert [(i.position, i.amount, i.percentage, i.trigger, i.due_on) for i in award.instalments] == [
        (0, Decimal("833.25"), Decimal("33.33"), ON_ACCEPTANCE, None),
        (1, Decimal("1000.00"), None, ON_DATE, date(2027, 9, 1)),
        (2, Decimal("666.75"), Decimal("26.67"), ON_FINAL, None),
    ]
    [event] = _events(db, "award.schedule_changed")
    assert event.before["instalments"] == [
        {"amount": "2500.00", "percentage": "100.00", "trigger": "on_acceptance", "due_on": None}
    ]
    assert event.after["instalments"][1] == {
        "amount": "1000.00",
        "percentage": None,
        "trigger": "on_date",
        "due_on": "2027-09-01",
    }


def test_a_schedule_that_does_not_add_up_is_refused_with_every_reason(db, award, officer):
    plan = [
        Instalment(Decimal("1000"), Decimal("10"), ON_ACCEPTANCE),
        Instalment(None, None, ON_DATE),
    ]
    with pytest.raises(AwardProblem) as refused:
        awards.set_instalments(award, plan, expected_version=None, by=officer, now=NOW)
    assert refused.value.field == "instalments"
    assert [str(p) for p in refused.value.problems] == [
        "Payment 1: give an amount or a percentage, not both",
        "Payment 2: give an amount or a percentage, not both",
        "Payment 2: give the date it is paid",
    ]
    with pytest.raises(AwardProblem, match="The payments must add up to the award of £2,500.00"):
        awards.set_instalments(
            award, [Instalment(None, Decimal(50), ON_ACCEPTANCE)], expected_version=None, by=officer, now=NOW
        )
    with pytest.raises(AwardProblem, match="Add at least one payment"):
        awards.set_instalments(award, [], expected_version=None, by=officer, now=NOW)
    db.session.rollback()
    assert [i.amount for i in award.instalments] == [Decimal("2500.00")]


# --- targets -----------------------------------------------------------------------------------------


def test_targets_are_changed_added_and_removed(db, award, officer, application):
    numeric, words = _measures(application)
    awards.set_targets(award, {numeric.id: (55, None), words.id: (None, "  ")}, expected_version=None, by=officer)
    db.session.commit()
    assert {t.measure_id: (t.quantity, t.description) for t in award.targets} == {numeric.id: (55, None)}
    awards.set_targets(award, {words.id: (None, "Three short films")}, expected_version=None, by=officer)
    db.session.commit()
    assert {t.measure_id: (t.quantity, t.description) for t in award.targets} == {words.id: (None, "Three short films")}
    first, second = _events(db, "award.targets_changed")
    assert first.before == {
        "targets": {
            str(numeric.id): {"quantity": 40, "description": None},
            str(words.id): {"quantity": None, "description": "Stories from the group"},
        }
    }
    assert second.after == {"targets": {str(words.id): {"quantity": None, "description": "Three short films"}}}


def test_targets_are_only_for_the_award_work_stream_and_whole_numbers(db, award, officer, application):
    numeric, _words = _measures(application)
    other_stream = application.round.work_streams[1].measures[0]
    with pytest.raises(AwardProblem, match="not part of this award's work stream"):
        awards.set_targets(award, {other_stream.id: (5, None)}, expected_version=None, by=officer)
    with pytest.raises(AwardProblem, match="enter a whole number from 0 to 1,000,000") as refused:
        awards.set_targets(award, {numeric.id: (-1, None)}, expected_version=None, by=officer)
    assert refused.value.field == f"m{numeric.id}"


# --- return dates ------------------------------------------------------------------------------------


def test_return_dates_are_stored_in_date_order(db, award, officer):
    awards.set_return_dates(
        award,
        [(FINAL, date(2028, 6, 30)), (OTHER, date(2027, 9, 1)), (MIDPOINT, date(2027, 12, 1))],
        expected_version=award.lock_version,
        by=officer,
        now=NOW,
    )
    db.session.commit()
    assert [(r.kind, r.due_on) for r in award.return_dates] == [
        (OTHER, date(2027, 9, 1)),
        (MIDPOINT, date(2027, 12, 1)),
        (FINAL, date(2028, 6, 30)),
    ]
    [event] = _events(db, "award.return_dates_changed")
    assert event.before["return_dates"] == [
        {"kind": "midpoint", "due_on": "2027-11-30"},
        {"kind": "final", "due_on": "2028-06-28"},
    ]


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ([], "Add at least one return date"),
        (
            [(MIDPOINT, date(2027, 5, 31)), (FINAL, date(2028, 6, 1))],
            "Return 1: it cannot be due before the grant starts",
        ),
        ([(MIDPOINT, date(2027, 12, 1))], "Make one of the returns the final return"),
        ([(FINAL, date(2027, 12, 1)), (FINAL, date(2028, 6, 1))], "There can be only one final return"),
        ([(FINAL, date(2027, 12, 1)), (OTHER, date(2028, 6, 1))], "The final return must be the last one"),
    ],
)
def test_return_dates_need_one_final_return_last_and_none_before_the_start(db, award, officer, dates, message):
    with pytest.raises(AwardProblem, match=message) as refused:
        awards.set_return_dates(award, dates, expected_version=None, by=officer, now=NOW)
    assert refused.value.field == "return_dates"


# --- refusals shared by every change ------------------------------------------------------------------


def _changes(award, officer, version):  # noqa: ANN001, ANN202
    common = {"expected_version": version, "by": officer, "now": NOW}
    return {
        "terms": lambda: awards.update_terms(
            award, amount=Decimal(100), starts_on=date(2027, 6, 1), ends_on=date(2028, 1, 1), **common
        ),
        "conditions": lambda: awards.set_conditions(award, [("A", "B")], **common),
        "payments": lambda: awards.set_instalments(award, [Instalment(None, Decimal(100), ON_ACCEPTANCE)], **common),
        "targets": lambda: awards.set_targets(award, {}, **common),
        "returns": lambda: awards.set_return_dates(award, [(FINAL, date(2028, 6, 1))], **common),
    }


CHANGES = ["terms", "conditions", "payments", "targets", "returns"]


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (AwardStatus.ACCEPTED, "The group has accepted this award: its terms cannot change"),
        (AwardStatus.ACTIVE, "The group has accepted this award: its terms cannot change"),
        (AwardStatus.COMPLETED, "The group has accepted this award: its terms cannot change"),
        (AwardStatus.DECLINED, "The group has declined this award: its terms cannot change"),
        (AwardStatus.WITHDRAWN, "This award has been withdrawn: its terms cannot change"),
    ],
)
@pytest.mark.parametrize("change", CHANGES)
def test_no_term_changes_once_the_award_is_no_longer_an_offer(db, award, officer, status, message, change):
    award.status = status
    db.session.commit()
    with pytest.raises(TermsLocked, match=message):
        _changes(award, officer, None)[change]()
    db.session.rollback()
    assert _events(db, "award.updated") == [] and award.amount == Decimal("2500.00")


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_based_on_an_older_version_is_refused(db, award, officer, change):
    stale = award.lock_version
    awards.set_targets(award, {}, expected_version=stale, by=officer, now=NOW)  # another tab saves first
    db.session.commit()
    assert award.lock_version == stale + 1
    with pytest.raises(EditConflict, match="changed by someone else"):
        _changes(award, officer, stale)[change]()
    _changes(award, officer, award.lock_version)[change]()  # from the latest version it goes through


@pytest.mark.parametrize("change", CHANGES)
def test_only_officers_change_an_award(db, award, change):
    applicant = award.application.organisation.members[0].user
    with pytest.raises(AwardProblem, match="Only officers can change the terms of an award"):
        _changes(award, applicant, None)[change]()


# --- withdrawing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [AwardStatus.OFFERED, AwardStatus.ACCEPTED, AwardStatus.ACTIVE])
def test_an_officer_withdraws_an_award_with_a_reason(db, award, officer, status):
    award.status = status
    db.session.commit()
    awards.withdraw_award(award, reason="  The group has closed. ", by=officer, now=NOW)
    db.session.commit()
    assert (award.status, award.withdrawn_reason, award.withdrawn_at) == (
        AwardStatus.WITHDRAWN,
        "The group has closed.",
        NOW.replace(tzinfo=award.withdrawn_at.tzinfo),
    )
    [event] = _events(db, "award.withdrawn")
    assert (event.before, event.after) == (
        {"status": status.value},
        {"status": "withdrawn", "reason": "The group has closed."},
    )
    with pytest.raises(TermsLocked, match="This award has been withdrawn"):
        awards.set_targets(award, {}, expected_version=None, by=officer)


def test_withdrawing_needs_a_reason_an_officer_and_an_award_that_can_be_withdrawn(db, award, officer):
    with pytest.raises(AwardProblem, match="Give the reason for withdrawing this award") as refused:
        awards.withdraw_award(award, reason="  ", by=officer)
    assert refused.value.field == "reason"
    with pytest.raises(AwardProblem, match="You do not have permission"):
        awards.withdraw_award(award, reason="Closed.", by=award.application.organisation.members[0].user)
    with pytest.raises(EditConflict):
        awards.withdraw_award(award, reason="Closed.", by=officer, expected_version=award.lock_version + 1)
    award.status = AwardStatus.DECLINED
    db.session.commit()
    with pytest.raises(AwardProblem, match="It cannot go from"):
        awards.withdraw_award(award, reason="Closed.", by=officer)
    assert _events(db, "award.withdrawn") == []


# --- the round's list --------------------------------------------------------------------------------


@contextmanager
def counting_statements(engine):  # noqa: ANN001, ANN201
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ANN202
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _letter(db, award, version: int) -> Letter:  # noqa: ANN001
    letter = Letter(
        application_id=award.application_id,
        award_id=award.id,
        kind=LetterKind.AWARD,
        version=version,
        template_name="pdf/award_letter.html",
        context={},
        storage_key=f"letters/{award.id}-{version}",
        sha256="0" * 64,
        size=1,
    )
    db.session.add(letter)
    db.session.commit()
    return letter


def _list_statements(db, round_id: int) -> tuple[int, list]:  # noqa: ANN001
    from portal.models import Round

    db.session.expunge_all()
    round_ = db.session.get(Round, round_id)
    with counting_statements(db.engine) as statements:
        rows = awards.awards_for_round(round_)
        for row in rows:  # everything the list shows
            _ = (row.application.reference, row.application.organisation.name, row.application.work_stream.name)
            _ = (row.status, row.award.amount, row.award.accepted_on, row.has_bank_details)
            _ = row.latest_letter.version if row.latest_letter else None
    return len(statements), rows


def test_the_round_list_shows_each_award_with_its_latest_letter_and_bank_details_in_one_query(db):
    round_ = factories.make_round()
    made = [
        factories.make_award(application=factories.make_application(round_=round_, submit=True), amount="3000")
        for _ in range(3)
    ]
    factories.make_award(amount="1000")  # another round's award is not listed
    _letter(db, made[0], 1)
    _letter(db, made[0], 2)
    db.session.add(
        BankDetails(award_id=made[1].id, account_name="Group", sort_code="309430", account_number="00733445")
    )
    made[1].status = AwardStatus.ACCEPTED
    db.session.commit()
    ids = [a.id for a in made]

    few_count, _rows = _list_statements(db, round_.id)
    for _ in range(3):
        factories.make_award(application=factories.make_application(round_=round_, submit=True), amount="3000")
    many_count, rows = _list_statements(db, round_.id)
    assert few_count == many_count == 1
    by_id = {row.award.id: row for row in rows}
    assert len(rows) == 6 and set(ids) <= set(by_id)
    assert by_id[ids[0]].latest_letter.version == 2 and by_id[ids[1]].latest_letter is None
    assert [by_id[i].has_bank_details for i in ids] == [False, True, False]
    assert by_id[ids[1]].status == AwardStatus.ACCEPTED


def test_totals_by_work_stream_leave_out_declined_and_withdrawn_awards(db):
    round_ = factories.make_round()
    statuses = [AwardStatus.OFFERED, AwardStatus.ACCEPTED, AwardStatus.DECLINED, AwardStatus.WITHDRAWN]
    for status in statuses:
        factories.make_award(application=factories.make_application(round_=round_, submit=True), status=status)
    [stream] = awards.awards_by_stream(round_, awards.awards_for_round(round_))
    assert (stream.name, len(stream.rows), len(stream.live)) == ("Work stream 1", 4, 2)
    assert (stream.total, stream.accepted_total) == (Decimal("6000.00"), Decimal("3000.00"))
