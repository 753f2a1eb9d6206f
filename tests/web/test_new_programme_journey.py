"""An officer sets up and opens a new programme from an empty portal through the pages alone,
then copies it into next year's round with a few clicks (issue 10's "done when")."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from sqlalchemy import func, select

from portal.domain.workflow import RoundStatus
from portal.models import Criterion, Fund, Locality, OutputMeasure, Round, Ward, WorkStream
from tests.helpers import visible_text

DESCRIPTORS = {f"descriptor_{n}": f"Score {n} means this." for n in range(5)}


def _new_id(location: str, pattern: str) -> int:
    return int(re.search(pattern, location).group(1))


def test_an_officer_sets_up_and_opens_a_new_programme_from_an_empty_portal(client, db, login_as):
    login_as("officer")
    assert db.session.scalar(select(func.count(Fund.id))) == 0

    # Geography, imported from a spreadsheet.
    client.submit(
        "/officers/localities/import",
        {
            "file": (
                io.BytesIO(
                    b"locality,locality_code,ward,ward_code\nNorthside,E08000901,Riverside,E05000901\n"
                    b"Northside,E08000901,Hilltop,E05000902\nSouthside,,Marketplace,\n"
                ),
                "places.csv",
            )
        },
        content_type="multipart/form-data",
    )
    assert db.session.scalar(select(func.count(Locality.id))) == 2
    assert db.session.scalar(select(func.count(Ward.id))) == 3

    # The fund and its round.
    client.submit("/officers/funds/new", {"name": "Neighbourhood Voices Fund", "total_budget": "80000"})
    fund = db.session.scalar(select(Fund))
    response = client.submit(
        f"/officers/funds/{fund.id}/rounds/new",
        {
            "title": "Neighbourhood Voices 2031",
            "reference_prefix": "NV-2031-",
            "closes_on-day": "30",
            "closes_on-month": "6",
            "closes_on-year": "2031",
            "closes_time": "5pm",
            "min_amount": "250",
            "max_amount": "3000",
            "guidance": "Tell us about your idea in your own words.",
        },
    )
    round_id = _new_id(response.headers["Location"], r"/officers/rounds/(\d+)")

    # Two work streams, each with its measures.
    for name, measures in (
        (
            "Young voices",
            [
                ("Young people taking part", "numeric", "young people", "120"),
                ("What changed for them", "qualitative", "stories", ""),
            ],
        ),
        ("Older neighbours", [("Older people less isolated", "numeric", "people", "80")]),
    ):
        response = client.submit(f"/officers/rounds/{round_id}/work-streams/new", {"name": name, "budget": "40000"})
        for measure, kind, unit, target in measures:
            client.submit(response.headers["Location"], {"name": measure, "kind": kind, "unit": unit, "target": target})

    # Scoring criteria.
    for title, weight in (("Understanding local needs", "2"), ("A plan that can be done", "1")):
        client.submit(
            f"/officers/rounds/{round_id}/criteria/new",
            {
                "title": title,
                "question": f"{title}: tell us more.",
                "word_limit": "200",
                "guidance": "Be fair.",
                "weight": weight,
                **DESCRIPTORS,
            },
        )

    # A standard condition and who signs the letters.
    client.submit(
        f"/officers/rounds/{round_id}/conditions/new",
        {"title": "Safeguarding", "body": "Keep a safeguarding policy and follow it."},
    )
    client.submit(
        f"/officers/rounds/{round_id}/letter",
        {"letter_signatory_name": "Sam Reid", "letter_signatory_title": "Community Grants Manager"},
    )

    hub = visible_text(client.get(f"/officers/rounds/{round_id}").data)
    assert "This round is ready to open." in hub
    client.submit(f"/officers/rounds/{round_id}/status", {"status": "open"}, from_url=f"/officers/rounds/{round_id}")

    round_ = db.session.get(Round, round_id)
    assert round_.status == RoundStatus.OPEN
    assert round_.closes_at == datetime(2031, 6, 30, 16, 0, tzinfo=UTC)
    assert db.session.scalar(select(func.count(WorkStream.id))) == 2
    assert db.session.scalars(select(OutputMeasure.target).order_by(OutputMeasure.id)).all() == [120, None, 80]
    assert db.session.scalar(select(func.count(Criterion.id))) == 2

    # A group looking for funding now finds it, with its themes, amounts and deadline.
    public = client.application.test_client()
    home = visible_text(public.get("/").data)
    assert "Neighbourhood Voices 2031" in home
    assert "£250 to £3,000" in home
    assert "30 June 2031 at 5:00pm (UK time)" in home
    assert "Young voices" in home and "Older neighbours" in home
    assert "Start now" in home


def test_last_years_round_is_copied_into_this_years_with_a_few_clicks(client, db, login_as, make_round):
    login_as("officer")
    last_year = make_round(title="Community grants 2030", status=RoundStatus.DECIDED, work_streams=3, criteria=4)
    response = client.submit(
        f"/officers/rounds/{last_year.id}/copy", {"title": "Community grants 2031", "reference_prefix": "CG-2031-"}
    )
    copy_id = _new_id(response.headers["Location"], r"/officers/rounds/(\d+)")
    page = visible_text(client.get(response.headers["Location"]).data)
    assert "Round copied. Set its dates before you open it." in page
    assert "Set the closing date and time." in page  # the one thing left to do
    client.submit(
        f"/officers/rounds/{copy_id}/edit",
        {
            "title": "Community grants 2031",
            "reference_prefix": "CG-2031-",
            "closes_on-day": "1",
            "closes_on-month": "9",
            "closes_on-year": "2031",
            "closes_time": "noon",
            "min_amount": "500",
            "max_amount": "5000",
        },
    )
    client.submit(f"/officers/rounds/{copy_id}/status", {"status": "open"}, from_url=f"/officers/rounds/{copy_id}")
    copy = db.session.get(Round, copy_id)
    assert copy.status == RoundStatus.OPEN
    assert len(copy.work_streams) == 3 and len(copy.criteria) == 4
    assert db.session.get(Round, last_year.id).status == RoundStatus.DECIDED
