"""`flask seed-large`: a large, realistically shaped data set for the benchmarks (issue #9)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:  # noqa: ARG001 - commands are added by issue #9
    """Register the command (filled in by the benchmarks work)."""
