"""Criteria: adding, editing, reordering, archiving and restoring, each audited; edits refused once
scoring has started leave the criterion as it was."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.domain.criteria import CriterionDetails
from portal.domain.ordering import Direction
from portal.domain.roles import Role
from portal.domain.workflow import RoundStatus
from portal.models import AuditEvent, Criterion
from portal.services import ServiceError
from portal.services import criteria as service


def details(**overrides):  # noqa: ANN003, ANN201
    values = {
        "title": "Working in partnership",
        "question": "Who will you work with?",
        "word_limit": 200,
        "guidance": "Informal partnerships count.",
        "descriptors": ("No partners.", "Named only.", "One with a part.", "Several with roles.", "Tested."),
        "weight": Decimal("2"),
    }
    values.update(overrides)
    return CriterionDetails(**values)


def same_as(criterion: Criterion, **overrides) -> CriterionDetails:  # noqa: ANN003
    """The criterion's own details, with some changed (as the edit form would send them)."""
    values = {
        "title": criterion.title,
        "question": criterion.question,
        "word_limit": criterion.word_limit,
        "guidance": criterion.guidance,
        "descriptors": tuple(criterion.descriptors),
        "weight": criterion.weight,
    }
    values.update(overrides)
    return CriterionDetails(**values)


def events(db, action: str) -> list[AuditEvent]:  # noqa: ANN001
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


@pytest.fixture
def officer(make_user):  # noqa: ANN001, ANN201
    return make_user(roles={Role.OFFICER})


def test_a_new_criterion_goes_last_and_is_audited(db, officer, make_round):
    round_ = make_round(criteria=3)
    round_.criteria[2].is_archived = True  # archived criteria keep their place
    criterion = service.add_criterion(round_, details(question="Who will you work with?\r\n"), by=officer)
    db.session.commit()
    assert criterion.position == 3
    assert [c.title for c in round_.criteria][-1] == "Working in partnership"
    assert criterion.question == "Who will you work with?"
    assert criterion.descriptor_4 == "Tested."
    (event,) = events(db, "criterion.added")
    assert (event.actor_id, event.object_id, event.round_id) == (officer.id, criterion.id, round_.id)
    assert event.before is None
    assert event.after["title"] == "Working in partnership"
    assert event.after["weight"] == "2.00"
    assert event.after["position"] == 3


def test_a_criterion_may_have_no_word_limit(db, officer, make_round):
    round_ = make_round(criteria=0)
    criterion = service.add_criterion(round_, details(word_limit=None), by=officer)
    db.session.commit()
    db.session.expire_all()
    assert criterion.word_limit is None
    assert (
        db.session.scalar(select(AuditEvent.after).where(AuditEvent.action == "criterion.added"))["word_limit"] is None
    )


def test_a_criterion_with_a_negative_weight_is_refused(db, officer, make_round):
    round_ = make_round(criteria=1)
    with pytest.raises(ServiceError, match="The weight cannot be less than 0") as refused:
        service.add_criterion(round_, details(weight=Decimal("-1")), by=officer)
    assert refused.value.fields == ("weight",)
    assert len(round_.criteria) == 1
    assert events(db, "criterion.added") == []


def test_editing_records_what_changed_before_and_after(db, officer, make_round):
    round_ = make_round(status=RoundStatus.DRAFT, criteria=1)
    criterion = round_.criteria[0]
    changed = service.edit_criterion(
        criterion, same_as(criterion, question="What will you do?", weight=Decimal("1.5")), by=officer
    )
    db.session.commit()
    assert changed == ["question", "weight"]
    assert (criterion.question, criterion.weight) == ("What will you do?", Decimal("1.5"))
    (event,) = events(db, "criterion.changed")
    assert event.before == {"question": "Question 1?", "weight": "1.00"}
    assert event.after == {"question": "What will you do?", "weight": "1.50"}
    assert event.round_id == round_.id


def test_an_edit_that_changes_nothing_records_nothing(db, officer, make_round):
    criterion = make_round(criteria=1).criteria[0]
    assert service.edit_criterion(criterion, same_as(criterion, weight=Decimal("1.0")), by=officer) == []
    assert events(db, "criterion.changed") == []


@pytest.mark.parametrize("status", [RoundStatus.IN_ASSESSMENT, RoundStatus.DECIDED, RoundStatus.ARCHIVED])
def test_scoring_has_started_once_the_round_is_in_assessment(make_round, status):
    assert service.scoring_started(make_round(status=status, criteria=0))


@pytest.mark.parametrize("status", [RoundStatus.DRAFT, RoundStatus.OPEN, RoundStatus.CLOSED])
def test_scoring_has_not_started_before_assessment(make_round, status):
    assert not service.scoring_started(make_round(status=status, criteria=0))


@pytest.mark.parametrize(
    "change",
    [
        {"weight": Decimal("3")},
        {"question": "A different question?"},
        {"word_limit": 500},
        {"descriptors": ("a", "b", "c", "d", "e")},
        {"title": "Fine to correct", "weight": Decimal("3")},
    ],
    ids=["weight", "question", "word-limit", "descriptors", "title-with-weight"],
)
def test_a_refused_edit_after_scoring_started_leaves_the_criterion_unchanged(db, officer, make_round, change):
    round_ = make_round(status=RoundStatus.IN_ASSESSMENT, criteria=1)
    criterion = round_.criteria[0]
    before = {name: getattr(criterion, name) for name in ("title", "question", "word_limit", "weight", "descriptor_0")}
    with pytest.raises(ServiceError, match="Scoring has started") as refused:
        service.edit_criterion(criterion, same_as(criterion, **change), by=officer)
    db.session.commit()
    db.session.expire_all()
    assert {name: getattr(criterion, name) for name in before} == before
    assert refused.value.fields[0] in {"weight", "question", "word_limit", "descriptor_0"}
    assert events(db, "criterion.changed") == []


def test_the_title_and_guidance_can_be_corrected_after_scoring_started(db, officer, make_round):
    criterion = make_round(status=RoundStatus.DECIDED, criteria=1).criteria[0]
    service.edit_criterion(criterion, same_as(criterion, title="Partnership", guidance="Look for roles."), by=officer)
    db.session.commit()
    assert (criterion.title, criterion.guidance) == ("Partnership", "Look for roles.")
    (event,) = events(db, "criterion.changed")
    assert event.after == {"title": "Partnership", "guidance": "Look for roles."}


def test_adding_is_allowed_after_scoring_started(db, officer, make_round):
    round_ = make_round(status=RoundStatus.IN_ASSESSMENT, criteria=1)
    service.add_criterion(round_, details(), by=officer)
    db.session.commit()
    assert len(round_.criteria) == 2


def test_moving_swaps_positions_with_the_neighbour_and_is_audited(db, officer, make_round):
    round_ = make_round(criteria=3)
    first, second, third = round_.criteria
    assert service.move_criterion(third, Direction.UP, by=officer)
    db.session.commit()
    assert (first.position, second.position, third.position) == (0, 2, 1)
    (event,) = events(db, "criterion.moved")
    assert (event.object_id, event.before, event.after) == (third.id, {"position": 2}, {"position": 1})
    assert service.move_criterion(first, Direction.DOWN, by=officer)
    assert (first.position, third.position) == (1, 0)


def test_moving_past_either_end_changes_nothing(db, officer, make_round):
    first, _, third = make_round(criteria=3).criteria
    assert not service.move_criterion(first, Direction.UP, by=officer)
    assert not service.move_criterion(third, Direction.DOWN, by=officer)
    assert events(db, "criterion.moved") == []


def test_moving_tidies_tied_positions(db, officer, make_round):
    round_ = make_round(criteria=3)
    for criterion in round_.criteria:
        criterion.position = 5  # as a hand-made or copied list might have
    db.session.commit()
    first, second, third = sorted(round_.criteria, key=lambda c: c.id)
    service.move_criterion(second, Direction.UP, by=officer)
    assert (second.position, first.position, third.position) == (0, 1, 2)


def test_archiving_and_restoring_are_audited_and_allowed_after_scoring_started(db, officer, make_round):
    criterion = make_round(status=RoundStatus.IN_ASSESSMENT, criteria=2).criteria[0]
    service.archive_criterion(criterion, by=officer)
    db.session.commit()
    assert criterion.is_archived
    with pytest.raises(ServiceError, match="already archived"):
        service.archive_criterion(criterion, by=officer)
    service.restore_criterion(criterion, by=officer)
    db.session.commit()
    assert not criterion.is_archived
    with pytest.raises(ServiceError, match="not archived"):
        service.restore_criterion(criterion, by=officer)
    (archived,) = events(db, "criterion.archived")
    (restored,) = events(db, "criterion.restored")
    assert (archived.before, archived.after) == ({"is_archived": False}, {"is_archived": True})
    assert (restored.before, restored.after) == ({"is_archived": True}, {"is_archived": False})
    assert archived.round_id == restored.round_id == criterion.round_id
