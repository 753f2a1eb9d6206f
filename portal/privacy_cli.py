"""Data-protection and recovery commands (issue #8): retention, export-person, backup, restore."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:  # noqa: ARG001 - commands are added by issue #8
    """Register the commands (filled in by the security work)."""
