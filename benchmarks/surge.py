"""The deadline surge: applicants at once, each signing up (confirming their e-mail address), telling
us about their group and writing, uploading to and sending an EOI; then the database and the files
are counted. Bounded: a deadline for the whole surge and a time-out on every request."""

from __future__ import annotations

import re
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

from benchmarks.http import Browser

DEADLINE_S = 600  # the surge must be over within ten minutes
EMAIL = "surge{n}@bench.example"
PASSWORD = "blue kettle on the sunny porch {n}"  # noqa: S105 - invented accounts on a benchmark database
# The smallest WAV header the portal recognises as audio (as in tests/unit/test_filetypes.py).
WAV = b"RIFF\x24\x08\x00\x00WAVEfmt \x10\x00\x00\x00" + b"\x00" * 64
ANSWER = "We have met every week for three years and know the women who come by name."


@dataclass
class Journey:
    n: int
    stage: str = "start"
    done: bool = False
    error: str | None = None
    submit_s: float | None = None
    statuses: list[int] = field(default_factory=list)


def targets(database_url: str) -> dict:
    """The demo's open round, its first work stream with its measures, its criteria and a place."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        round_id = connection.execute(
            text("SELECT id FROM rounds WHERE status = 'open' AND title NOT LIKE '%(large data)' ORDER BY id")
        ).scalar()
        stream_id = connection.execute(
            text("SELECT id FROM work_streams WHERE round_id = :r ORDER BY position, id"), {"r": round_id}
        ).scalar()
        measures = connection.execute(
            text("SELECT id, target FROM output_measures WHERE work_stream_id = :s AND NOT is_retired ORDER BY id"),
            {"s": stream_id},
        ).all()
        criteria = (
            connection.execute(
                text("SELECT id FROM criteria WHERE round_id = :r AND NOT is_archived ORDER BY position, id"),
                {"r": round_id},
            )
            .scalars()
            .all()
        )
        locality, ward = connection.execute(
            text("SELECT l.id, w.id FROM localities l JOIN wards w ON w.locality_id = l.id ORDER BY l.id, w.id")
        ).first()
    engine.dispose()
    return {
        "round_id": round_id,
        "stream_id": stream_id,
        "measures": [(m, target is not None) for m, target in measures],
        "criteria": list(criteria),
        "locality_id": locality,
        "ward_id": ward,
    }


def _expect(journey: Journey, stage: str, response, status: int = 302) -> str:  # noqa: ANN001
    journey.stage = stage
    if response.status_code != status:
        raise RuntimeError(f"{stage}: {response.status_code} (expected {status})")
    return response.headers.get("Location", "")


def _confirmation_link(engine, email: str) -> str:  # noqa: ANN001
    with engine.connect() as connection:
        body = connection.execute(
            text("SELECT body_text FROM notifications WHERE to_address = :e AND template = 'confirm_email'"),
            {"e": email},
        ).scalar()
    match = re.search(r"https?://\S+/sign-up/confirm/\S+", body or "")
    if not match:
        raise RuntimeError("no confirmation e-mail in the outbox")
    return match.group(0)


def journey(base: str, n: int, plan: dict, engine, start: threading.Barrier | None = None) -> Journey:  # noqa: ANN001
    """One applicant, from signing up to a sent EOI with a recording."""
    record = Journey(n)
    browser = Browser(base, timeout=60)
    email = EMAIL.format(n=n)
    try:
        if start is not None:
            start.wait(timeout=120)
        response, _ = browser.submit(
            "/sign-up", {"full_name": f"Surge Applicant {n}", "email": email, "password": PASSWORD.format(n=n)}
        )
        where = _expect(record, "sign up", response)
        if not where.rstrip("/").endswith("/applicant"):  # the address is confirmed by an e-mailed link
            where = _expect(record, "confirm e-mail", browser.get(_confirmation_link(engine, email)))
        group = {
            "name": f"Surge Group {n}",
            "legal_form": "community_group",
            "income_band": "under_10k",
            "address_line_1": f"{n} Stratford Road",
            "town": "Birmingham",
            "postcode": "B11 4BS",
            "contact_phone": "0121 496 0000",
            "localities": str(plan["locality_id"]),
            "wards": str(plan["ward_id"]),
        }
        response, _ = browser.submit("/applicant/organisations/new", group)
        organisation_id = re.search(r"/organisations/(\d+)", _expect(record, "group", response)).group(1)
        response, _ = browser.submit(f"/applicant/rounds/{plan['round_id']}/start", {"organisation": organisation_id})
        eoi = _expect(record, "start", response)
        eoi = eoi if eoi.startswith("/") else "/" + eoi.split("/", 3)[-1]
        outputs = {f"m{m}": "40" if numeric else "Stories in their own words" for m, numeric in plan["measures"]}
        sections = [
            ("project", {"title": f"Conversation cafe {n}", "summary": "A weekly cafe to practise English."}, None),
            ("work_stream", {"work_stream": str(plan["stream_id"])}, None),
            ("beneficiaries", {"who_benefits": "Women new to the city", "localities": str(plan["locality_id"])}, None),
            ("activities", {"activities": "We meet every Tuesday.", "timescale": "April to September"}, None),
            ("outputs", outputs, None),
        ]
        first, *others = plan["criteria"]
        recording = {"recording": (f"answer-{n}.wav", WAV, "audio/wav")}
        sections.append(
            (f"questions/{first}", {"recording_summary": "How the cafe helps women new to the city."}, recording)
        )
        sections += [(f"questions/{c}", {"text": ANSWER}, None) for c in others]
        budget = {"amount": "3000", "lines-0-description": "Room hire", "lines-0-amount": "1200"}
        budget.update({"lines-1-description": "Volunteer travel", "lines-1-amount": "1800"})
        sections += [
            ("budget", budget, None),
            ("partners", {"has_partners": "yes", "partners": "The library lends us a room."}, None),
            ("declarations", {"confirm_true": "y", "confirm_allowed": "y", "full_name": f"Surge Applicant {n}"}, None),
        ]
        for path, data, files in sections:
            response, _ = browser.submit(f"{eoi}/{path}", data, files=files)
            _expect(record, path.split("/")[0], response)
        response, record.submit_s = browser.submit(f"{eoi}/send", {}, from_path=f"{eoi}/check")
        if not _expect(record, "send", response).endswith("/sent"):
            raise RuntimeError("send: not taken to the confirmation page")
        record.done = True
    except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the others
        record.error = f"{record.stage}: {exc}"
    record.statuses = browser.statuses
    return record


def p95(values: list[float]) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def run(base: str, database_url: str, storage: Path, *, applicants: int = 50, idle: int = 5) -> dict:
    """``idle`` applicants one at a time (the idle submit time), then ``applicants`` all at once."""
    plan = targets(database_url)
    engine = create_engine(database_url, pool_size=5, max_overflow=20)
    try:
        quiet = [journey(base, 10_000 + k, plan, engine) for k in range(idle)]
        start = threading.Barrier(applicants)
        results: list[Journey | None] = [None] * applicants

        def one(k: int) -> None:
            results[k] = journey(base, k, plan, engine, start)

        threads = [threading.Thread(target=one, args=(k,), daemon=True) for k in range(applicants)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(0.0, DEADLINE_S - (time.perf_counter() - started)))
        wall = time.perf_counter() - started
        surge = [
            r if r is not None else Journey(k, error="not finished by the deadline") for k, r in enumerate(results)
        ]
        counts = count(engine, storage, [*quiet, *surge])
    finally:
        engine.dispose()
    idle_p95 = p95([j.submit_s for j in quiet if j.submit_s is not None])
    surge_p95 = p95([j.submit_s for j in surge if j.submit_s is not None])
    statuses = [s for j in [*quiet, *surge] for s in j.statuses]
    return {
        "applicants": applicants,
        "completed": sum(j.done for j in surge),
        "wall_seconds": round(wall, 1),
        "server_errors": sum(s >= 500 for s in statuses),
        "requests": len(statuses),
        "failures": [j.error for j in [*quiet, *surge] if j.error][:10],
        "idle_submit_p95_ms": round(idle_p95 * 1000, 1) if idle_p95 is not None else None,
        "surge_submit_p95_ms": round(surge_p95 * 1000, 1) if surge_p95 is not None else None,
        "submit_p95_ratio": round(surge_p95 / idle_p95, 2) if idle_p95 and surge_p95 else None,
        **counts,
    }


def count(engine, storage: Path, journeys: list[Journey]) -> dict:  # noqa: ANN001
    """What the database and the storage folder hold for these applicants."""
    emails = [EMAIL.format(n=j.n) for j in journeys]
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT u.email, a.id, a.status, a.reference, "
                " (SELECT count(*) FROM application_versions v WHERE v.application_id = a.id) AS versions, "
                " (SELECT count(*) FROM application_answers x WHERE x.application_id = a.id "
                "   AND x.recording_file_id IS NOT NULL) AS recordings "
                "FROM users u JOIN organisation_members m ON m.user_id = u.id "
                "JOIN applications a ON a.organisation_id = m.organisation_id WHERE u.email LIKE '%@bench.example'"
            )
        ).all()
        files = connection.execute(
            text(
                "SELECT f.key, f.size FROM stored_files f JOIN users u ON u.id = f.uploaded_by_id "
                "WHERE u.email LIKE '%@bench.example'"
            )
        ).all()
        accounts = connection.execute(text("SELECT count(*) FROM users WHERE email LIKE '%@bench.example'")).scalar()
    by_email: dict[str, list] = {}
    for row in rows:
        by_email.setdefault(row.email, []).append(row)
    sent = {e for e, apps in by_email.items() if any(a.status != "draft" and a.versions == 1 for a in apps)}
    references = [row.reference for row in rows if row.reference]
    on_disk = sum(1 for key, size in files if (storage / key).is_file() and (storage / key).stat().st_size == size)
    return {
        "accounts": accounts,
        "eois_sent": len(sent),
        "lost": len(set(emails) - sent),
        "duplicates": (len(rows) - len(by_email))
        + (len(references) - len(set(references)))
        + sum(max(0, row.versions - 1) for row in rows),
        "recordings_in_database": len(files),
        "recordings_on_disk": on_disk,
        "recordings_missing": sum(1 for row in rows if row.status != "draft" and row.recordings != 1),
    }
