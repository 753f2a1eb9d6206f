"""Who took part, from returns: the optional monitoring question of a return is saved (nothing
ticked is "not answered"), checked (known answers only; "prefer not to say" on its own) and frozen
in the version sent; the dashboard counts, per answer, the funded awards whose latest sent return
chose it, with small numbers hidden as for the groups' own answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from portal.domain.contact import PREFER_NOT_TO_SAY
from portal.domain.workflow import AwardStatus, ReturnStatus
from portal.extensions import db as _db
from portal.models import OutputReturn
from portal.services import monitoring
from portal.services.returns import ReturnProblems
from tests import factories
from tests.services.test_monitoring import award_in, count_queries
from tests.services.test_returns import NOW, save

# --- saving ------------------------------------------------------------------------------------------


def test_who_took_part_is_saved_in_the_lists_order(make_return):
    output_return = make_return()
    save(output_return, took_part=["young_people", "women"])
    assert output_return.took_part == ["women", "young_people"]


def test_nothing_ticked_is_kept_as_not_answered(make_return):
    output_return = make_return()
    save(output_return, took_part=["women"])
    save(output_return, took_part=[])
    assert output_return.took_part is None
    save(output_return)  # not given at all
    assert output_return.took_part is None


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (["women", PREFER_NOT_TO_SAY], "Select 'Prefer not to say' on its own, or choose who it is"),
        (["martians"], "Select from the list"),
    ],
)
def test_a_wrong_answer_is_refused_with_a_plain_reason_and_nothing_saved(make_return, answer, message):
    output_return = make_return()
    with pytest.raises(ReturnProblems) as refused:
        save(output_return, took_part=answer)
    assert str(refused.value.problems["took_part"]) == message
    assert output_return.took_part is None and output_return.status == ReturnStatus.DUE


def test_prefer_not_to_say_on_its_own_is_an_answer(make_return):
    output_return = make_return()
    save(output_return, took_part=[PREFER_NOT_TO_SAY])
    assert output_return.took_part == [PREFER_NOT_TO_SAY]


def test_the_answer_is_frozen_in_the_version_sent(make_return):
    output_return = make_return()
    save(output_return, submit=True, took_part=["disabled_people", "older_people"])
    [version] = output_return.versions
    assert version.content["took_part"] == ["disabled_people", "older_people"]

    blank = make_return()
    save(blank, submit=True)
    assert blank.versions[0].content["took_part"] is None
    assert blank.versions[0].sha256 != version.sha256


# --- counting on the dashboard -----------------------------------------------------------------------


def test_the_table_counts_answers_and_hides_small_numbers():
    answers = [["women"]] * 6 + [["women", "faith"], [PREFER_NOT_TO_SAY], None]
    table = monitoring.took_part(answers)
    options = {row.code: row.count for row in table.options}
    assert options["women"] == 7
    assert options["faith"] is None  # one award: "fewer than 5"
    assert options["lgbtq"] == 0
    # 7 answered, 1 prefer not to say, 1 did not answer: both small ones hidden.
    assert {row.code: row.count for row in table.groups} == {
        "answered": 7,
        PREFER_NOT_TO_SAY: None,
        "not_answered": None,
    }
    assert table.total.count == 9


def test_a_single_small_count_hides_the_next_smallest_with_it():
    table = monitoring.took_part([["women"]] * 6 + [None] * 7 + [[PREFER_NOT_TO_SAY]])
    assert {row.code: row.count for row in table.groups} == {
        "answered": None,
        PREFER_NOT_TO_SAY: None,
        "not_answered": 7,
    }
    assert table.total.count == 14


def test_a_small_total_hides_every_part_of_it():
    table = monitoring.took_part([["women"], None])
    assert table.total.count is None
    assert all(row.count in (None, 0) for row in table.groups)


def _sent(award, period, answer, status=ReturnStatus.SUBMITTED):  # noqa: ANN001, ANN202
    return factories.make_return(award=award, period=period, status=status, took_part=answer)


def test_each_funded_award_counts_once_by_its_latest_sent_return(make_round):
    round_ = make_round(title="Community grants 2027")
    women = [award_in(round_) for _ in range(5)]
    for award in women:
        _sent(award, 1, ["refugees_migrants"], ReturnStatus.ACCEPTED)  # superseded by period 2
        _sent(award, 2, ["women", "young_people"], ReturnStatus.QUERIED)
    drafted = award_in(round_)
    _sent(drafted, 1, ["women"], ReturnStatus.ACCEPTED)
    _sent(drafted, 2, None, ReturnStatus.DRAFT)  # not sent: period 1 still counts
    for award in [award_in(round_) for _ in range(5)]:
        _sent(award, 1, None)
    award_in(round_)  # no return sent: not counted
    offered = award_in(round_, status=AwardStatus.OFFERED)
    _sent(offered, 1, ["women"])  # not a funded award
    _db.session.commit()

    table = monitoring.dashboard(round_, today=date(2027, 10, 2)).took_part
    options = {row.code: row.count for row in table.options}
    assert options["women"] == 6
    assert options["young_people"] == 5
    assert options["refugees_migrants"] == 0
    assert {row.code: row.count for row in table.groups} == {"answered": 6, PREFER_NOT_TO_SAY: 0, "not_answered": 5}
    assert table.total.count == 11


def test_counting_who_took_part_reads_one_statement_however_many_returns(db, make_round):
    round_ = make_round()
    runs = []
    for extra in (1, 4):
        for _ in range(extra):
            award = award_in(round_)
            _sent(award, 1, ["women"])
            _sent(award, 2, ["faith"])
        db.session.expire_all()
        assert round_.id  # loaded again before counting
        with count_queries(db) as statements:
            monitoring._took_part_answers(monitoring._returns_of_live_awards(round_))
        runs.append(len(statements))
    assert runs == [1, 1]


def test_a_saved_answer_counts_once_the_return_is_sent(make_return):
    output_return = make_return()
    save(output_return, took_part=["faith"])  # a draft: not counted
    round_ = output_return.award.application.round
    assert monitoring._took_part_answers(monitoring._returns_of_live_awards(round_)) == []
    save(output_return, submit=True, took_part=["faith"], spend=Decimal("10"), now=NOW)
    assert _db.session.get(OutputReturn, output_return.id).status == ReturnStatus.SUBMITTED
    assert monitoring._took_part_answers(monitoring._returns_of_live_awards(round_)) == [["faith"]]
