"""The cache of round-wide figures on its own (portal/services/figures_cache.py): kept per key and
version, for a time, a bounded number of them, and never shared with the caller."""

from __future__ import annotations

from portal.services.figures_cache import FiguresCache


class Work:
    """Figures that count how often they were worked out."""

    def __init__(self) -> None:
        self.runs = 0

    def __call__(self) -> dict:
        self.runs += 1
        return {"run": self.runs, "rows": [1, 2, 3]}


def test_figures_are_kept_for_their_key_and_version_only():
    cache, work = FiguresCache(60, clock=lambda: 0.0), Work()
    assert cache.get("a", 1, work)["run"] == 1
    assert cache.get("a", 1, work)["run"] == 1  # kept
    assert cache.get("b", 1, work)["run"] == 2  # another key
    assert cache.get("a", 2, work)["run"] == 3  # something changed
    assert cache.get("a", 2, work)["run"] == 3


def test_figures_expire():
    now = [0.0]
    cache, work = FiguresCache(60, clock=lambda: now[0]), Work()
    cache.get("a", 1, work)
    now[0] = 59.9
    assert cache.get("a", 1, work)["run"] == 1
    now[0] = 60.0
    assert cache.get("a", 1, work)["run"] == 2


def test_the_oldest_used_go_first_when_full():
    cache, work = FiguresCache(60, size=2, clock=lambda: 0.0), Work()
    cache.get("a", 1, work)
    cache.get("b", 1, work)
    cache.get("a", 1, work)  # used again: "b" is now the oldest used
    cache.get("c", 1, work)
    assert len(cache) == 2
    assert cache.get("a", 1, work)["run"] == 1
    assert cache.get("b", 1, work)["run"] == 4  # was let go


def test_a_caller_changing_what_it_got_changes_nothing_kept():
    cache, work = FiguresCache(60, clock=lambda: 0.0), Work()
    first = cache.get("a", 1, work)
    first["rows"].append(4)
    second = cache.get("a", 1, work)
    assert second["rows"] == [1, 2, 3]
    second["rows"].clear()
    assert cache.get("a", 1, work)["rows"] == [1, 2, 3]


def test_no_seconds_keeps_nothing():
    cache, work = FiguresCache(0, clock=lambda: 0.0), Work()
    cache.get("a", 1, work)
    assert cache.get("a", 1, work)["run"] == 2
    assert len(cache) == 0
