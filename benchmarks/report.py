"""The figures of a run beside their goals: a table on the terminal, JSON, and RESULTS.md."""

from __future__ import annotations

import json
import operator
import os
import platform
import subprocess
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.pages import PAGES

ROOT = Path(__file__).resolve().parent.parent
CHECKS = {">=": operator.ge, "<=": operator.le, "==": operator.eq}


@dataclass
class Figure:
    name: str
    value: float | None
    unit: str
    goal: str = ""  # e.g. ">= 0.5"; empty: reported, no goal
    note: str = ""

    @property
    def result(self) -> str:
        if not self.goal:
            return "-"
        if self.value is None:
            return "FAIL"
        sign, target = self.goal.split()
        return "pass" if CHECKS[sign](self.value, float(target)) else "FAIL"


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory_kb = int(
        next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if "MemTotal" in line)
    )
    try:
        commit = subprocess.run(  # noqa: S603
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from the PATH
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,  # noqa: S607
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(memory_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "commit": commit,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _floor_note(page: dict) -> str:
    floor = page.get("floor_rps")
    return "" if floor is None else f"floor beside it: {floor:.0f} req/s"


def figures(results: dict) -> list[Figure]:
    """Every figure of the issue, with its goal (no value where a benchmark failed)."""
    out: list[Figure] = []
    pages = results.get("pages", {})
    small, large = pages.get("small", {}).get("pages", {}), pages.get("large", {}).get("pages", {})
    floor = pages.get("large", {}).get("floor", {}).get("rps")
    out.append(Figure("floor req/s (large data)", floor, "req/s", note="base layout, fixed context"))
    for name, _role, label in PAGES:
        page, base = large.get(name, {}), small.get(name, {})
        bad = None if not page else page["not_200"] + page["socket_errors"]
        out += [
            Figure(f"{name} req/s", page.get("rps"), "req/s", note=label),
            Figure(f"{name} p50/p95/p99", page.get("p95_ms"), "ms (p95)", note=_percentiles(page)),
            # Against the floor loaded just before and after the page (older results: the run's floor).
            Figure(
                f"{name} ratio to floor",
                _ratio(page.get("rps"), page.get("floor_rps", floor)),
                "x",
                ">= 0.5",
                note=_floor_note(page),
            ),
            Figure(f"{name} p95 large/small", _ratio(page.get("p95_ms"), base.get("p95_ms")), "x", "<= 2"),
            Figure(f"{name} responses not 200", bad, "", "== 0"),
        ]
    pdf = results.get("pdfs", {})
    letters = results.get("plan", {}).get("letters", "")
    out += [
        Figure("award letter, our pipeline", pdf.get("letter_pipeline_ms"), "ms"),
        Figure("award letter, WeasyPrint directly", pdf.get("letter_weasyprint_ms"), "ms"),
        Figure("letter pipeline / WeasyPrint", pdf.get("letter_overhead_ratio"), "x", "<= 1.2"),
        Figure(
            f"batch of {letters}: sequential / job pool",
            pdf.get("batch_speedup"),
            "x",
            ">= 1.7",
            f"{pdf['batch_sequential_s']} s / {pdf['batch_pool_s']} s" if pdf else "",
        ),
        Figure("memory growth per letter (one process)", pdf.get("rss_growth_kb_per_letter"), "KB", "<= 20"),
        Figure("memory growth per letter (job pool)", pdf.get("pool_rss_growth_kb_per_letter"), "KB", "<= 20"),
    ]
    surge = results.get("surge", {})
    applicants = results.get("plan", {}).get("applicants", 0)
    requests = f"of {surge['requests']} requests" if surge else ""
    out += [
        Figure("surge: applicants who sent their EOI", surge.get("completed"), "", f">= {applicants}"),
        Figure("surge: wall time", surge.get("wall_seconds"), "s", "<= 600"),
        Figure("surge: EOIs lost", surge.get("lost"), "", "== 0"),
        Figure("surge: duplicates", surge.get("duplicates"), "", "== 0"),
        Figure("surge: server errors", surge.get("server_errors"), "", "== 0", requests),
        Figure("surge: recordings missing", surge.get("recordings_missing"), "", "== 0"),
        Figure("surge: submit p95, idle", surge.get("idle_submit_p95_ms"), "ms"),
        Figure("surge: submit p95, surge", surge.get("surge_submit_p95_ms"), "ms"),
        Figure("surge: submit p95 surge / idle", surge.get("submit_p95_ratio"), "x"),
    ]
    return out


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def _percentiles(page: dict) -> str:
    values = [page.get(key) for key in ("p50_ms", "p95_ms", "p99_ms")]
    return " / ".join("-" if v is None else f"{v:.1f}" for v in values) + " ms"


def _value(figure: Figure) -> str:
    if figure.value is None:
        return "none"
    return f"{figure.value:,.2f}".rstrip("0").rstrip(".") if isinstance(figure.value, float) else f"{figure.value:,}"


def table(rows: list[Figure]) -> str:
    header = ("figure", "value", "unit", "goal", "result", "note")
    lines = [header] + [(f.name, _value(f), f.unit, f.goal or "-", f.result, f.note) for f in rows]
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(str(cell).ljust(w) for cell, w in zip(line, widths, strict=True)) for line in lines)


def write_json(results: dict, rows: list[Figure], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {**results, "figures": [{**asdict(f), "result": f.result} for f in rows]}
    path.write_text(json.dumps(payload, indent=2, default=str) + "\n")


def markdown(results: dict, rows: list[Figure], command: str) -> str:
    m = results["machine"]
    # Judged by the load before the run: at its end the 1-minute load is the run's own (the letter
    # batch keeps both cores busy in its last minute).
    quiet = "quiet" if m["load_average"][0] < 1.5 else "BUSY: figures from a busy machine are only indicative"
    failed = [
        f"**{where} failed** (its figures are empty): `{error.strip().splitlines()[-1]}`"
        for where, error in results.get("errors", {}).items()
    ]
    lines = [
        "# Benchmark results",
        "",
        f"Size **{results['size']}**, run on {m['date']} at commit `{m['commit']}` with `{command}`.",
        "",
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, Python {m['python']}; "
        f"load average {m['load_average'][0]} at the start ({quiet}) and "
        f"{results['machine_end']['load_average'][0]} at the end (the run's own load).",
        "",
        *(line for failure in failed for line in (failure, "")),
        "| figure | value | unit | goal | result | note |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {f.name} | {_value(f)} | {f.unit} | {f.goal or '-'} | {f.result} | {f.note} |" for f in rows]
    data = results.get("data", {})
    lines += ["", "Data sets (`flask seed-large`, on top of the demo data):", ""]
    lines += [
        f"- {name} ({info['size']}): " + ", ".join(f"{v:,} {k}" for k, v in info["counts"].items())
        for name, info in data.items()
    ]
    lines += ["", "See benchmarks/README.md for what each figure measures and how."]
    return "\n".join(lines) + "\n"
