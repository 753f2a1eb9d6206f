"""Reordering lists that officers arrange by hand (work streams, measures, criteria, conditions)."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

T = TypeVar("T")


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"


def moved(items: list[T], item: T, direction: Direction) -> list[T]:
    """The list with ``item`` swapped with its neighbour; unchanged at either end."""
    order = list(items)
    index = order.index(item)
    target = index - 1 if direction == Direction.UP else index + 1
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
    return order
