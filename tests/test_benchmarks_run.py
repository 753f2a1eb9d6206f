"""The benchmarks run from their one command, at the tiny size, and report every figure.

Never a timed test: the figures are whatever this machine gives; only their presence is checked,
with what the deadline surge must never do whatever the speed (lose, duplicate, fail)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.pages import PAGES

ROOT = Path(__file__).resolve().parent.parent

PAGE_FIGURES = ("req/s", "p50/p95/p99", "ratio to floor", "p95 large/small", "responses not 200")
OTHER_FIGURES = {
    "floor req/s (large data)",
    "award letter, our pipeline",
    "award letter, WeasyPrint directly",
    "letter pipeline / WeasyPrint",
    "batch of 4: sequential / job pool",
    "memory growth per letter (one process)",
    "memory growth per letter (job pool)",
    "surge: applicants who sent their EOI",
    "surge: wall time",
    "surge: EOIs lost",
    "surge: duplicates",
    "surge: server errors",
    "surge: recordings missing",
    "surge: submit p95, idle",
    "surge: submit p95, surge",
    "surge: submit p95 surge / idle",
}


# The surge is measured against PostgreSQL (issue #9), so the tiny run is the PostgreSQL pass's.
pytestmark = pytest.mark.postgres


def database_server(tmp_path: Path) -> str:
    """The PostgreSQL server of a PostgreSQL test run (benchmark databases of this process's own
    name are made and dropped there), else SQLite files in the test's folder."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        return url.rsplit("/", 1)[0]
    return f"sqlite:///{tmp_path}"


def test_the_benchmarks_run_at_the_tiny_size_and_report_every_figure(tmp_path):
    output = tmp_path / "latest.json"
    markdown = tmp_path / "RESULTS.md"
    done = subprocess.run(  # noqa: S603 - our own command line
        [
            sys.executable,
            "-m",
            "benchmarks",
            "run",
            "--size",
            "tiny",
            "--database",
            database_server(tmp_path),
            "--prefix",
            f"portal_bench_t{os.getpid()}",
            "--output",
            str(output),
            "--markdown",
            str(markdown),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]

    results = json.loads(output.read_text())
    figures = {figure["name"]: figure for figure in results["figures"]}
    expected = OTHER_FIGURES | {f"{name} {what}" for name, _, _ in PAGES for what in PAGE_FIGURES}
    assert set(figures) == expected
    not_numbers = [name for name, f in figures.items() if not isinstance(f["value"], int | float)]
    assert not_numbers == []
    assert results["machine"]["nproc"] >= 1 and results["machine"]["cpu"]

    # Whatever the speed, the surge loses nothing, duplicates nothing and meets no server error.
    surge = results["surge"]
    assert surge["completed"] == surge["applicants"] == 3, surge["failures"]
    assert (surge["lost"], surge["duplicates"], surge["server_errors"], surge["recordings_missing"]) == (0, 0, 0, 0)
    assert surge["eois_sent"] == surge["recordings_on_disk"] == 4  # the idle applicant's too
    # Every page was really served (no redirect to the sign-in page), with its own heading.
    for name, _, _ in PAGES:
        page = results["pages"]["large"]["pages"][name]
        assert page["not_200"] == 0 and page["heading"], (name, page)
    # The floor is loaded before the first page and after each; a page is compared with its neighbours.
    large = results["pages"]["large"]
    assert len(large["floor"]["runs"]) == len(PAGES) + 1
    assert all(run["path"] == "/_benchmark/floor" for run in large["floor"]["runs"])
    first = large["pages"][PAGES[0][0]]
    around = [run["rps"] for run in large["floor"]["runs"][:2]]
    assert first["floor_rps"] == pytest.approx(sum(around) / 2)
    assert figures[f"{PAGES[0][0]} ratio to floor"]["value"] == pytest.approx(first["rps"] / first["floor_rps"], abs=0.01)
    assert results["data"]["small"]["counts"]["eois"] == 60

    table = markdown.read_text()
    assert "| moderation ratio to floor |" in table and "Machine: " in table
