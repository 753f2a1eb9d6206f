"""The README stays true: its quick start, its configuration table and the scripts it names."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from portal.config import SETTINGS

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCED_SH = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)


def section(title: str) -> str:
    """The text under ``## title``, up to the next second-level heading."""
    match = re.search(rf"^## {re.escape(title)}[ \t]*\n(.*?)(?=^## |\Z)", README, re.MULTILINE | re.DOTALL)
    assert match, f"README.md has no '## {title}' section"
    return match.group(1)


def commands(block: str) -> list[str]:
    return [line.strip() for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_quick_start_is_start_then_test():
    blocks = FENCED_SH.findall(section("Quick start"))
    assert len(blocks) >= 2, "the quick start needs two ```sh blocks"
    assert commands(blocks[0]) == ["scripts/start"]
    assert commands(blocks[1]) == ["scripts/test"]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = commands(ci.split("\n", 1)[1])  # past the shebang
    assert any(re.fullmatch(r"(exec\s+)?(\./)?scripts/test", line) for line in lines), lines


def test_configuration_table_lists_every_setting_exactly():
    names_in_table = [
        match.group(1)
        for line in section("Configuration").splitlines()
        if line.lstrip().startswith("|")
        for match in [re.match(r"\|\s*`?(PORTAL_[A-Z0-9_]+)`?\s*\|", line.strip())]
        if match
    ]
    expected = [f"PORTAL_{setting.name}" for setting in SETTINGS]
    assert len(names_in_table) == len(set(names_in_table)), "a setting is listed twice"
    missing = sorted(set(expected) - set(names_in_table))
    extra = sorted(set(names_in_table) - set(expected))
    assert (missing, extra) == ([], []), f"missing from README: {missing}; not in SETTINGS: {extra}"


def test_configuration_table_has_no_other_portal_names_in_its_rows():
    rows = [line for line in section("Configuration").splitlines() if line.lstrip().startswith("|")]
    mentioned = {name for row in rows for name in re.findall(r"PORTAL_[A-Z0-9_]+", row)}
    assert mentioned <= {f"PORTAL_{setting.name}" for setting in SETTINGS}


@pytest.mark.parametrize("path", ["scripts/bootstrap", "scripts/start", "scripts/test", ".ci/run"])
def test_scripts_are_executable(path):
    assert os.access(ROOT / path, os.X_OK), f"chmod +x {path}"
