"""Every action the portal records has words for the audit log viewer and the histories
(portal/templating.AUDIT_ACTIONS), so officers never read a raw ``organisation.updated_for_group``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from portal.templating import AUDIT_ACTIONS, audit_action

PORTAL = Path(__file__).resolve().parents[2] / "portal"
ACTION = re.compile(r"[a-z_]+\.[a-z_]+")


def _recorded_actions() -> set[str]:
    """Action names written in the code: the first argument of each ``audit.record(...)`` call, and
    (for the services that pick an action from a pair or a table) every string in the services that
    looks like an action of a kind the audit log knows."""
    kinds = {action.split(".")[0] for action in AUDIT_ACTIONS}
    found = set()
    for path in PORTAL.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
            elif (
                "services" in path.parts
                and isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and ACTION.fullmatch(node.value)
                and node.value.split(".")[0] in kinds
            ):
                found.add(node.value)
    return found


def test_every_recorded_action_has_words():
    recorded = _recorded_actions()
    assert len(recorded) > 80  # the scan finds the portal's actions, not a handful
    missing = sorted(recorded - set(AUDIT_ACTIONS))
    assert not missing, f"add these to AUDIT_ACTIONS in portal/templating.py: {missing}"


def test_an_action_reads_as_words_and_an_unknown_one_as_recorded(app):
    with app.test_request_context():
        assert audit_action("organisation.updated_for_group") == "Group details changed by an officer for the group"
        assert audit_action("something.new_here") == "something: new here"
