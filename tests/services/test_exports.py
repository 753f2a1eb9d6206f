"""Officers' exports: the EOIs, scores, decisions, awards and returns of a round as CSV tables with
exact headers (safe from formula injection) and one XLSX workbook; the annual report's figures and
PDF. A story without public consent is in none of them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from portal.domain.applications import Channel
from portal.domain.returns import Consent
from portal.domain.workflow import AwardStatus, ReturnStatus
from portal.extensions import db as _db
from portal.models import Locality, ReturnFigure, Ward
from portal.services import decision_pack, exports, intake
from tests import factories

INTERNAL_STORY = "Only for the council: Fatima's story about her landlord"
WITHDRAWN_STORY = "A story whose teller changed her mind"
LATER = datetime(2028, 5, 1, 12, 0, tzinfo=UTC)  # after both return dates


@dataclass
class Programme:
    round: Any
    accepted: Any  # an accepted award with returns
    offered: Any  # an offer the group has not accepted yet
    first: Any  # the accepted award's first return, sent, with stories
    second: Any  # its final return, not sent
    people: Any  # the first work stream's numeric measure
    stories: Any  # its qualitative measure


def build_programme() -> Programme:
    """A round with two sent EOIs in the first work stream, both funded: one award accepted with
    a sent first return (numbers, three stories: one internal, one public with a name, one whose
    consent was withdrawn, one public without names) and a final return not sent; one still offered."""
    locality = Locality(name="Hall Green", wards=[Ward(name="Sparkhill", code="E05011157"), Ward(name="Moseley")])
    _db.session.add(locality)
    _db.session.commit()
    round_ = factories.make_round(reference_prefix="CIF-2027-", title="Community grants 2027")
    group = factories.make_organisation(name='=HYPERLINK("http://evil.example")', charity_number="1123456")
    a = factories.make_application(round_=round_, organisation=group, submit=True)
    b = factories.make_application(round_=round_, submit=True)
    a.wards = list(locality.wards)
    a.channel = Channel.PHONE
    _db.session.commit()
    accepted = factories.make_award(application=a, status=AwardStatus.ACCEPTED, amount="3000")
    accepted.accepted_on = datetime(2027, 3, 20).date()
    offered = factories.make_award(application=b, amount="1500.50")
    people, stories = round_.work_streams[0].measures
    first = factories.make_return(
        award=accepted,
        period=1,
        status=ReturnStatus.SUBMITTED,
        figures={people.id: 12, stories.id: "Three women told their stories"},
        spend_to_date=Decimal("1200"),
        stories=[
            {"title": "Private", "body": INTERNAL_STORY, "consent": Consent.INTERNAL},
            {
                "title": "Amina's first English class",
                "body": "I can now talk to my children's teachers.",
                "teller_name": "Amina",
                "consent": Consent.PUBLIC_NAMED,
            },
            {
                "title": "Withdrawn",
                "body": WITHDRAWN_STORY,
                "consent": Consent.PUBLIC_ANONYMOUS,
                "consent_withdrawn_at": datetime(2027, 11, 1, tzinfo=UTC),
            },
            {
                "title": "A new friend",
                "body": "I met someone from my street.",
                "teller_name": "Not to be shown",
                "consent": Consent.PUBLIC_ANONYMOUS,
            },
        ],
    )
    second = factories.make_return(award=accepted, period=2)
    return Programme(round_, accepted, offered, first, second, people, stories)


@pytest.fixture
def programme(app) -> Programme:  # noqa: ANN001
    return build_programme()


def _csv(programme: Programme, table: str) -> list[list[str]]:
    text = exports.table_csv(programme.round, table, now=LATER)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_eois_table_is_the_intake_export_with_the_round(programme):
    header, *rows = _csv(programme, "eois")
    assert header == [
        "reference",
        "organisation",
        "legal_form",
        "round",
        "work_stream",
        "title",
        "amount_requested",
        "localities",
        "status",
        "submitted_at",
        "channel",
        "entered_by",
    ]
    assert header == [*intake.CSV_HEADER[:3], "round", *intake.CSV_HEADER[3:]]
    first = dict(zip(header, rows[0], strict=True))
    assert (first["reference"], first["round"], first["work_stream"]) == (
        "CIF-2027-0001",
        "Community grants 2027",
        "Work stream 1",
    )
    assert first["organisation"] == '\'=HYPERLINK("http://evil.example")'
    assert (first["amount_requested"], first["localities"], first["channel"]) == ("3000.00", "Hall Green", "phone")
    assert len(rows) == 2


def test_the_scores_and_decisions_tables_are_the_decision_packs(programme):
    assert _csv(programme, "scores") == [list(decision_pack.SCORE_HEADER)]  # no reviews in this round
    header, *rows = _csv(programme, "decisions")
    assert header == list(decision_pack.DECISION_HEADER)
    assert [(r[0], r[3], r[4]) for r in rows] == [
        ("CIF-2027-0001", "fund", "3000.00"),
        ("CIF-2027-0002", "fund", "1500.50"),
    ]


def test_the_awards_table_has_each_award_with_its_agreed_targets(programme):
    header, *rows = _csv(programme, "awards")
    assert header == [
        "reference",
        "organisation",
        "work_stream",
        "amount",
        "status",
        "offered_at",
        "starts_on",
        "ends_on",
        "accepted_on",
        "declined_at",
        "withdrawn_at",
        "agreed_targets",
    ]
    accepted, offered = (dict(zip(header, row, strict=True)) for row in rows)
    assert accepted["organisation"] == '\'=HYPERLINK("http://evil.example")'
    assert (accepted["amount"], accepted["status"], accepted["starts_on"], accepted["ends_on"]) == (
        "3000.00",
        "accepted",
        "2027-04-01",
        "2028-03-31",
    )
    assert accepted["accepted_on"] == "2027-03-20"
    assert accepted["agreed_targets"] == "People involved in stream 1: 40 people; Stories in stream 1: Stories"
    assert (offered["status"], offered["amount"], offered["accepted_on"]) == ("offered", "1500.50", "")


def test_the_returns_table_has_figures_per_measure_lateness_and_a_count_of_stories(programme):
    header, *rows = _csv(programme, "returns")
    assert header == [
        "reference",
        "organisation",
        "work_stream",
        "period",
        "is_final",
        "due_on",
        "status",
        "submitted_at",
        "late",
        "accepted_at",
        "channel",
        "spend_to_date",
        "stories",
        "Work stream 1: People involved in stream 1 (people)",
        "Work stream 1: Stories in stream 1 (stories)",
        "Work stream 2: People involved in stream 2 (people)",
        "Work stream 2: Stories in stream 2 (stories)",
    ]
    first, second = (dict(zip(header, row, strict=True)) for row in rows)
    assert (first["period"], first["due_on"], first["status"], first["late"]) == ("1", "2027-10-01", "submitted", "no")
    assert first["submitted_at"].startswith(programme.first.submitted_at.date().isoformat())
    assert (first["spend_to_date"], first["stories"]) == ("1200.00", "4")
    assert first["Work stream 1: People involved in stream 1 (people)"] == "12"
    assert first["Work stream 1: Stories in stream 1 (stories)"] == "Three women told their stories"
    assert first["Work stream 2: People involved in stream 2 (people)"] == ""
    assert (second["period"], second["is_final"], second["status"], second["late"]) == ("2", "yes", "due", "yes")
    assert second["submitted_at"] == ""


def test_lateness_follows_the_day_it_was_due(programme):
    on_time = datetime(2027, 10, 1, 22, 30, tzinfo=UTC)  # 11:30pm in London, still the due day
    programme.first.submitted_at = on_time
    assert exports.is_late(programme.first, today=LATER.date()) is False
    programme.first.submitted_at = datetime(2027, 10, 1, 23, 30, tzinfo=UTC)  # half past midnight in London
    assert exports.is_late(programme.first, today=LATER.date()) is True
    assert exports.is_late(programme.second, today=datetime(2028, 4, 28).date()) is False
    assert exports.is_late(programme.second, today=datetime(2028, 4, 29).date()) is True


def test_an_unknown_table_is_refused(programme):
    with pytest.raises(KeyError):
        exports.table_csv(programme.round, "passwords")


def test_the_workbook_has_a_sheet_per_table_with_numbers_as_numbers(programme):
    book = load_workbook(io.BytesIO(exports.workbook(programme.round, now=LATER)))
    assert book.sheetnames == ["EOIs", "Scores", "Decisions", "Awards", "Returns"]
    awards = list(book["Awards"].iter_rows(values_only=True))
    assert awards[0] == exports.AWARD_HEADER
    assert awards[1][1] == '\'=HYPERLINK("http://evil.example")' and awards[1][3] == 3000
    returns = list(book["Returns"].iter_rows(values_only=True))
    assert returns[1][13] == 12 and returns[2][13] is None


def _everything(programme: Programme) -> str:
    """Every export's text, the workbook's cells included."""
    texts = [exports.table_csv(programme.round, table, now=LATER) for table in exports.TABLES]
    book = load_workbook(io.BytesIO(exports.workbook(programme.round, now=LATER)))
    texts += [str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row]
    return "\n".join(texts)


def test_no_story_is_in_the_exports_only_their_count(programme):
    text = _everything(programme)
    for story in programme.first.stories:
        assert story.body not in text


# --- the annual report ---------------------------------------------------------------------------


def test_the_annual_summary_counts_accepted_awards_by_stream_and_area(programme):
    summary = exports.annual_summary(programme.round)
    assert (summary["awards"], summary["amount"]) == (1, Decimal("3000"))  # the offer is not counted
    assert summary["streams"] == [{"name": "Work stream 1", "awards": 1, "amount": Decimal("3000")}]
    assert summary["localities"] == [{"name": "Hall Green", "awards": 1, "amount": Decimal("3000")}]


def test_progress_adds_up_sent_returns_per_period_and_reads_running_totals(programme):
    programme.second.status = ReturnStatus.ACCEPTED
    programme.second.figures.append(ReturnFigure(measure_id=programme.people.id, quantity=8))
    _db.session.commit()
    progress = {row["measure"]: row for row in exports.annual_summary(programme.round)["progress"]}
    assert set(progress) == {"People involved in stream 1", "People involved in stream 2"}  # numeric only
    people = progress["People involved in stream 1"]
    assert (people["target"], people["agreed"], people["actual"], people["percentage"]) == (
        100,
        40,
        20,
        Decimal("20.0"),
    )
    programme.people.is_cumulative = True
    _db.session.commit()
    people = {row["measure"]: row for row in exports.annual_summary(programme.round)["progress"]}[
        "People involved in stream 1"
    ]
    assert (people["actual"], people["cumulative"]) == (8, True)
    other = progress["People involved in stream 2"]
    assert (other["agreed"], other["actual"], other["percentage"]) == (0, 0, Decimal("0.0"))


def test_a_draft_returns_numbers_are_not_counted(programme):
    programme.first.status = ReturnStatus.DRAFT
    _db.session.commit()
    progress = exports.annual_summary(programme.round)["progress"]
    assert progress[0]["actual"] == 0
    assert exports.annual_summary(programme.round)["stories"] == []


def test_the_annual_summary_has_only_stories_with_public_consent(programme):
    stories = exports.annual_summary(programme.round)["stories"]
    assert [(s["title"], s["teller"]) for s in stories] == [
        ("Amina's first English class", "Amina"),
        ("A new friend", None),  # public without names: the name given is not shown
    ]


def test_the_annual_report_pdf_is_tagged_and_has_no_private_story(app, programme):
    with app.test_request_context():
        pdf = exports.annual_report_pdf(
            programme.round,
            static_root=app.static_folder,
            lang="en",
            generated="1 May 2028 at 12:00pm",
            council="Anytown Council",
        )
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en"
    assert reader.metadata.title == "Annual report: " + programme.round.fund.name + ", Community grants 2027"
    text = " ".join((page.extract_text() or "") for page in reader.pages)
    text = " ".join(text.split())
    for expected in ("Grants by work stream", "Work stream 1", "£3,000", "Hall Green", "Amina's first English class"):
        assert expected in text
    assert "Told by Amina" in text and "Not to be shown" not in text
    assert INTERNAL_STORY not in text and WITHDRAWN_STORY not in text
    assert "People involved in stream 1 (people)" in text and "12" in text
