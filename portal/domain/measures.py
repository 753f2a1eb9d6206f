"""Output measures: what funded groups report against."""

from __future__ import annotations

from enum import StrEnum

from portal.domain.text import N_, Message


class MeasureKind(StrEnum):
    NUMERIC = "numeric"
    QUALITATIVE = "qualitative"


def measure_problem(kind: MeasureKind, target: int | None) -> Message | None:
    """A numeric measure has a whole-number target of 0 or more; a qualitative one has none."""
    if kind == MeasureKind.QUALITATIVE and target is not None:
        return Message(N_("A measure described in words has no number target. Remove the target or choose a number."))
    if kind == MeasureKind.NUMERIC:
        if target is None:
            return Message(N_("Enter the programme target, or choose 'described in words'"))
        if target < 0:
            return Message(N_("The target cannot be less than 0"))
    return None
