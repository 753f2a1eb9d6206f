"""The eligibility check's rules, without the app: every rule alone, then several at once."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest

from portal.domain.eligibility import (
    NONE_OF_THESE,
    OUTSIDE_AREA,
    EligibilityAnswers,
    RoundRules,
    Step,
    WorksWith,
    answers_from,
    check_eligibility,
    clock_words,
    closing_soon,
    first_unanswered,
    purpose_key,
    steps_for,
)
from portal.domain.organisations import IncomeBand, LegalForm

RULES = RoundRules(
    allowed_legal_forms=frozenset({LegalForm.UNCONSTITUTED, LegalForm.COMMUNITY_GROUP, LegalForm.CHARITY}),
    income_ceiling=Decimal("50000"),
    excluded_purposes=("Religious worship", "Party political activity"),
    localities=((1, "North"), (2, "South")),
)


def answers(**changes: object) -> EligibilityAnswers:
    base = {
        "legal_form": LegalForm.COMMUNITY_GROUP,
        "income_band": IncomeBand.UNDER_10K,
        "works_with": WorksWith.YES,
        "locality_ids": frozenset({1}),
        "outside_area": False,
        "purposes": frozenset(),
    }
    return EligibilityAnswers(**{**base, **changes})


def texts(messages) -> list[str]:  # noqa: ANN001
    return [str(m) for m in messages]


def test_a_group_that_meets_every_rule_can_apply():
    result = check_eligibility(answers(), RULES)
    assert result.eligible
    assert result.reasons == []
    assert result.notes == []
    assert not result.accountable_body_route


@pytest.mark.parametrize("legal_form", list(LegalForm))
def test_each_kind_of_group_can_apply_only_when_the_round_allows_it(legal_form):
    result = check_eligibility(answers(legal_form=legal_form), RULES)
    allowed = legal_form in RULES.allowed_legal_forms
    assert result.eligible is allowed
    if not allowed:
        assert texts(result.reasons) == ["This round is not open to your kind of group."]


def test_a_round_with_no_kinds_of_group_set_is_open_to_every_kind():
    rules = RoundRules(localities=RULES.localities)
    assert all(check_eligibility(answers(legal_form=form), rules).eligible for form in LegalForm)


def test_none_of_these_cannot_apply_but_is_told_about_the_accountable_body_route():
    result = check_eligibility(answers(legal_form=None), RULES)
    assert not result.eligible
    assert texts(result.reasons) == ["Your group is not one of the kinds of group that can apply."]
    assert result.accountable_body_route


def test_no_accountable_body_route_when_the_round_does_not_take_unconstituted_groups():
    rules = RoundRules(allowed_legal_forms=frozenset({LegalForm.CHARITY}), localities=RULES.localities)
    result = check_eligibility(answers(legal_form=None), rules)
    assert not result.eligible
    assert not result.accountable_body_route


def test_a_group_without_a_constitution_is_told_it_needs_an_accountable_body():
    result = check_eligibility(answers(legal_form=LegalForm.UNCONSTITUTED), RULES)
    assert result.eligible
    assert "You will need to name an accountable body" in texts(result.notes)[0]


@pytest.mark.parametrize(
    ("band", "eligible", "note"),
    [
        (IncomeBand.UNDER_10K, True, False),
        (IncomeBand.FROM_10K_TO_50K, True, False),  # its top (£50,000) is the ceiling itself
        (IncomeBand.FROM_50K_TO_100K, False, False),
        (IncomeBand.FROM_100K_TO_250K, False, False),
        (IncomeBand.OVER_250K, False, False),
    ],
)
def test_income_bands_compare_by_their_top_with_the_ceiling(band, eligible, note):
    result = check_eligibility(answers(income_band=band), RULES)
    assert result.eligible is eligible
    if not eligible:
        assert texts(result.reasons) == ["Your group's yearly income is more than this round's limit of £50,000."]
    assert bool(result.notes) is note


@pytest.mark.parametrize("ceiling", ["30000", "10000"])
def test_a_band_straddling_the_ceiling_can_apply_with_a_note(ceiling):
    rules = RoundRules(income_ceiling=Decimal(ceiling), localities=RULES.localities)
    result = check_eligibility(answers(income_band=IncomeBand.FROM_10K_TO_50K), rules)
    assert result.eligible
    amount = f"£{int(ceiling):,}"
    assert texts(result.notes) == [f"If your group's yearly income is more than {amount}, you cannot apply."]


def test_the_top_band_straddles_a_ceiling_inside_it():
    rules = RoundRules(income_ceiling=Decimal("300000"))
    result = check_eligibility(answers(income_band=IncomeBand.OVER_250K), rules)
    assert result.eligible
    assert texts(result.notes) == ["If your group's yearly income is more than £300,000, you cannot apply."]


def test_no_ceiling_means_any_income():
    rules = RoundRules(localities=RULES.localities)
    result = check_eligibility(answers(income_band=IncomeBand.OVER_250K), rules)
    assert result.eligible and not result.notes


def test_pence_in_a_ceiling_are_shown():
    rules = RoundRules(income_ceiling=Decimal("9999.50"))
    result = check_eligibility(answers(income_band=IncomeBand.FROM_10K_TO_50K), rules)
    assert texts(result.reasons) == ["Your group's yearly income is more than this round's limit of £9,999.50."]


def test_working_only_outside_the_areas_cannot_apply():
    result = check_eligibility(answers(locality_ids=frozenset(), outside_area=True), RULES)
    assert not result.eligible
    assert texts(result.reasons) == [
        "The money is for work in the council's area, and your group only works outside it."
    ]


def test_working_inside_and_outside_the_areas_can_apply():
    assert check_eligibility(answers(locality_ids=frozenset({2}), outside_area=True), RULES).eligible


def test_places_do_not_matter_when_the_council_has_set_none_up():
    rules = RoundRules()
    assert check_eligibility(answers(locality_ids=frozenset(), outside_area=False), rules).eligible


def test_each_excluded_purpose_is_a_reason():
    result = check_eligibility(answers(purposes=frozenset({"Religious worship"})), RULES)
    assert not result.eligible
    assert texts(result.reasons) == ["The money cannot be used for: Religious worship."]


def test_not_yet_but_planning_to_work_with_the_people_can_apply():
    result = check_eligibility(answers(works_with=WorksWith.PLANNED), RULES)
    assert result.eligible
    assert "tell us how you plan to reach them" in texts(result.notes)[0]


def test_not_working_with_the_people_and_no_plan_to_cannot_apply():
    result = check_eligibility(answers(works_with=WorksWith.NO), RULES)
    assert not result.eligible
    assert texts(result.reasons) == [
        "This fund is for groups that work with, or plan to work with, the people its themes are for."
    ]


def test_every_reason_is_given_at_once():
    result = check_eligibility(
        answers(
            legal_form=LegalForm.FAITH,
            income_band=IncomeBand.OVER_250K,
            locality_ids=frozenset(),
            outside_area=True,
            purposes=frozenset({"Religious worship", "Party political activity"}),
            works_with=WorksWith.NO,
        ),
        RULES,
    )
    assert not result.eligible
    assert texts(result.reasons) == [
        "This round is not open to your kind of group.",
        "The money is for work in the council's area, and your group only works outside it.",
        "Your group's yearly income is more than this round's limit of £50,000.",
        "The money cannot be used for: Religious worship.",
        "The money cannot be used for: Party political activity.",
        "This fund is for groups that work with, or plan to work with, the people its themes are for.",
    ]


# --- the questions --------------------------------------------------------------------------------


def test_questions_the_round_has_nothing_to_ask_about_are_left_out():
    assert steps_for(RULES) == [Step.GROUP, Step.AREA, Step.INCOME, Step.PURPOSE, Step.PEOPLE]
    assert steps_for(RoundRules()) == [Step.GROUP, Step.INCOME, Step.PEOPLE]


def test_answers_kept_between_pages_become_answers():
    saved = {
        "group": "charity",
        "area": ["2", OUTSIDE_AREA],
        "income": "10k_to_50k",
        "purpose": [purpose_key("Religious worship")],
        "people": "planned",
    }
    assert answers_from(saved, RULES) == EligibilityAnswers(
        legal_form=LegalForm.CHARITY,
        income_band=IncomeBand.FROM_10K_TO_50K,
        works_with=WorksWith.PLANNED,
        locality_ids=frozenset({2}),
        outside_area=True,
        purposes=frozenset({"Religious worship"}),
    )


def test_none_of_these_answers():
    saved = {"group": NONE_OF_THESE, "area": ["1"], "income": "under_10k", "purpose": [NONE_OF_THESE], "people": "yes"}
    result = answers_from(saved, RULES)
    assert result is not None and result.legal_form is None and result.purposes == frozenset()


def test_the_first_question_without_a_usable_answer_is_asked_again():
    saved = {"group": "charity", "area": ["99"], "income": "under_10k", "purpose": ["none"], "people": "yes"}
    assert first_unanswered(saved, RULES) == Step.AREA  # locality 99 is no longer active
    assert answers_from(saved, RULES) is None
    assert first_unanswered({}, RULES) == Step.GROUP
    assert first_unanswered({**saved, "area": ["1"], "purpose": ["reworded"]}, RULES) == Step.PURPOSE
    assert first_unanswered({**saved, "area": ["1"], "people": "maybe"}, RULES) == Step.PEOPLE
    assert first_unanswered({**saved, "area": ["1"]}, RULES) is None


# --- how long is left -------------------------------------------------------------------------------

ZONE = "Europe/London"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "words"),
    [(time(17), "5pm"), (time(17, 30), "5:30pm"), (time(9, 5), "9:05am"), (time(12), "midday"), (time(0), "midnight")],
)
def test_clock_words(moment, words):
    assert clock_words(moment) == words


def test_closes_in_days_when_under_a_week():
    assert str(closing_soon(at("2030-01-13 17:00"), at("2030-01-10 09:00"), ZONE)) == "Closes in 3 days"


def test_nothing_said_a_week_or_more_before():
    assert closing_soon(at("2030-01-17 17:00"), at("2030-01-10 17:00"), ZONE) is None
    assert closing_soon(None, at("2030-01-10 17:00"), ZONE) is None


def test_closes_today_and_tomorrow_in_uk_time():
    # 16:00 UTC is 5pm in winter (GMT) and 17:00 UTC is 6pm in summer (BST).
    assert str(closing_soon(at("2030-01-10 17:00"), at("2030-01-10 08:00"), ZONE)) == "Closes today at 5pm"
    assert str(closing_soon(at("2030-07-11 16:00"), at("2030-07-10 20:00"), ZONE)) == "Closes tomorrow at 5pm"


def test_a_midnight_deadline_is_the_end_of_the_day_before():
    assert str(closing_soon(at("2030-01-11 00:00"), at("2030-01-10 20:00"), ZONE)) == "Closes today at midnight"


def test_late_evening_in_summer_counts_the_uk_day_not_the_utc_day():
    # 23:30 UTC on 10 July is 00:30 BST on 11 July, the day the round closes.
    assert str(closing_soon(at("2030-07-11 16:00"), at("2030-07-10 23:30"), ZONE)) == "Closes today at 5pm"


def test_nothing_said_once_closed():
    moment = at("2030-01-10 17:00")
    assert closing_soon(moment, moment, ZONE) is None
    assert closing_soon(moment, moment + timedelta(minutes=1), ZONE) is None
