"""Pages under load: the portal under gunicorn, loaded by wrk for a fixed time, page by page, with
the floor (the base layout from a fixed context) measured the same way in the same run, before
the first page and after each."""

from __future__ import annotations

import json
import os
import subprocess
import time
from dataclasses import dataclass, replace
from pathlib import Path

from benchmarks.floor_app import FLOOR_PATH
from benchmarks.http import Browser, heading

HERE = Path(__file__).resolve().parent
WRK = "/usr/bin/wrk"

# (figure name, who is signed in, what the page is)
PAGES = (
    ("applicant_home", "applicant", "Applicant home"),
    ("eoi_section", "applicant", "An EOI section (planned outputs)"),
    ("panel_queue", "panel", "Panel member's queue"),
    ("review_form", "panel", "Review form"),
    ("moderation", "officer", "Moderation of the round in assessment"),
    ("programme_dashboard", "officer", "Programme dashboard"),
    ("public_register", None, "Public register of awards"),
)


@dataclass(frozen=True)
class Load:
    duration: int = 10  # seconds per page
    connections: int = 20
    threads: int = 2


def wrk(url: str, cookie: str, load: Load) -> dict:
    """One wrk run; its figures (requests, rps, p50/p95/p99 in ms, responses that were not 200)."""
    command = [
        WRK,
        f"-t{load.threads}",
        f"-c{load.connections}",
        f"-d{load.duration}s",
        "--timeout",
        "30s",
        "-s",
        str(HERE / "wrk_report.lua"),
        url,
    ]
    env = {**os.environ, "BENCH_COOKIE": cookie}
    done = subprocess.run(  # noqa: S603 - our own command line, on 127.0.0.1
        command, env=env, capture_output=True, text=True, timeout=load.duration + 120, check=False
    )
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            figures = json.loads(line.removeprefix("BENCH_JSON "))
            if not figures["requests"]:  # not one answer in the time: no speed to speak of
                figures.update({key: None for key in ("rps", "p50_ms", "p95_ms", "p99_ms", "max_ms")})
            return figures
    raise RuntimeError(f"wrk gave no figures for {url}:\n{done.stdout}\n{done.stderr}")


def _load(base: str, name: str, path: str, cookie: str, load: Load) -> dict:
    """Check the page answers 200 as this reader, then load it with wrk; its figures."""
    check = Browser(base)
    check.session.headers["Cookie"] = cookie
    response = check.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{name}: {path} answered {response.status_code} (to {response.headers.get('Location')})")
    figures = wrk(base + path, cookie, load)
    if not figures["requests"]:  # not one answer in the time (a busy machine): once more, for longer
        figures = wrk(base + path, cookie, replace(load, duration=load.duration * 5))
    figures.update(path=path, heading=heading(response.text), bytes=len(response.content))
    time.sleep(0.2)
    return figures


def _mean(values: list[float | None]) -> float | None:
    return None if not values or None in values else sum(values) / len(values)


def measure(base: str, targets: dict, load: Load) -> dict:
    """Load the floor, then each page followed by the floor again, on the portal served at
    ``base``. Each page is compared with the floor measured just before and just after it (its
    ``floor_rps``): a machine that speeds up or slows down over the run moves both alike."""
    cookies = {None: ""}
    for role, account in targets["accounts"].items():
        browser = Browser(base)
        browser.sign_in(account["email"], account["password"], totp=account.get("totp"))
        cookies[role] = browser.cookie_header()
    floors = [_load(base, "floor", FLOOR_PATH, cookies["applicant"], load)]
    pages = {}
    for name, role, _label in PAGES:
        pages[name] = _load(base, name, targets["paths"][name], cookies[role], load)
        floors.append(_load(base, "floor", FLOOR_PATH, cookies["applicant"], load))
        pages[name]["floor_rps"] = _mean([floors[-2]["rps"], floors[-1]["rps"]])
    floor = {key: _mean([run[key] for run in floors]) for key in ("rps", "p50_ms", "p95_ms", "p99_ms")}
    floor["runs"] = floors
    return {"floor": floor, "pages": pages}
