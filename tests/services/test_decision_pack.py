"""The decision pack: every EOI, every raw score with its weighted total, the conflicts declared and
the decisions with their reasons and overrides, as CSV sheets and an XLSX workbook (safe from
formula injection) and a PDF summary."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from portal.domain.panel import CommentAudience
from portal.domain.workflow import ApplicationStatus, DecisionOutcome
from portal.extensions import db as _db
from portal.services import decision_pack, decisions
from tests.services.test_decisions import decide
from tests.services.test_moderation import build_meeting


@pytest.fixture
def pack(app):  # noqa: ANN001, ANN201
    """The meeting, decided and released; A's group has a name a spreadsheet would run as a formula,
    and one of C's scores is not scored, with a panel-only comment."""
    meeting = build_meeting()
    meeting.a.organisation.name = '=HYPERLINK("http://evil.example")'
    c1 = meeting.reviews["c1"]
    c1.scores[1].score, c1.scores[1].comment = None, "+Only for the panel"
    c1.scores[1].audience = CommentAudience.PANEL_ONLY
    meeting.a.status = meeting.c.status = ApplicationStatus.SCORED
    _db.session.commit()
    decisions.finish_scoring(meeting.b, by=meeting.officer)
    decide(meeting.a, DecisionOutcome.FUND, meeting.officer, amount=Decimal(3000), conditions="Receipts.")
    decide(meeting.b, DecisionOutcome.FUND, meeting.officer, amount=Decimal(1500), override_reason="Only group there.")
    decide(meeting.c, DecisionOutcome.DO_NOT_FUND, meeting.officer, feedback="Say more.")
    decisions.release_decisions(meeting.round, by=meeting.officer)
    _db.session.commit()
    return meeting


def _csv(round_, sheet: str) -> list[list[str]]:  # noqa: ANN001
    text = decision_pack.sheet_csv(round_, sheet)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_eois_sheet_has_each_eoi_with_its_scores_and_place(pack):
    header, *rows = _csv(pack.round, "eois")
    assert header == list(decision_pack.EOI_HEADER)
    assert [row[0] for row in rows] == ["CIF-2027-0001", "CIF-2027-0002", "CIF-2027-0003"]
    first = dict(zip(header, rows[0], strict=True))
    assert first["organisation"] == '\'=HYPERLINK("http://evil.example")'  # never run as a formula
    assert (first["work_stream"], first["amount_requested"], first["status"]) == ("Work stream 1", "3000.00", "decided")
    assert (first["submitted_reviews"], first["mean"], first["spread"], first["rank"], first["above_budget_line"]) == (
        "3",
        "75.00",
        "50.00",
        "1",
        "yes",
    )
    assert first["agreed_score"] == ""


def test_the_scores_sheet_has_every_raw_score_with_blank_for_not_scored(pack):
    header, *rows = _csv(pack.round, "scores")
    assert header == list(decision_pack.SCORE_HEADER)
    assert len(rows) == 8 * 3  # eight submitted reviews of three criteria; B's draft is left out
    c1 = [dict(zip(header, row, strict=True)) for row in rows if row[0] == "CIF-2027-0003" and row[1] == "Asha Patel"]
    assert [(r["criterion"], r["score"], r["audience"], r["weighted_total"]) for r in c1] == [
        ("Criterion 1", "1", "feedback", "25.00"),
        ("Criterion 2", "", "panel_only", "25.00"),
        ("Criterion 3", "1", "feedback", "25.00"),
    ]
    assert c1[1]["comment"] == "'+Only for the panel"


def test_the_conflicts_and_decisions_sheets(pack):
    header, *rows = _csv(pack.round, "conflicts")
    assert header == list(decision_pack.CONFLICT_HEADER)
    assert [row[:4] for row in rows] == [["CIF-2027-0003", "Dee Okafor", "personal", "My neighbour"]]
    header, *rows = _csv(pack.round, "decisions")
    assert header == list(decision_pack.DECISION_HEADER)
    by_ref = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    b = by_ref["CIF-2027-0002"]
    assert (b["outcome"], b["amount"], b["override_reason"], b["rank_at_decision"], b["within_budget_at_decision"]) == (
        "fund",
        "1500.00",
        "Only group there.",
        "2",
        "no",
    )
    assert b["decided_by"] == "Olu Officer" and b["released_at"].endswith("+00:00")
    assert by_ref["CIF-2027-0003"]["feedback"] == "Say more."


def test_an_unknown_sheet_is_refused(pack):
    with pytest.raises(KeyError):
        decision_pack.sheet_csv(pack.round, "passwords")


def test_the_workbook_has_a_sheet_for_each_part_with_numbers_as_numbers(pack):
    book = load_workbook(io.BytesIO(decision_pack.workbook(pack.round)))
    assert book.sheetnames == ["EOIs", "Scores", "Conflicts declared", "Decisions"]
    eois = list(book["EOIs"].iter_rows(values_only=True))
    assert eois[0] == decision_pack.EOI_HEADER
    assert eois[1][:3] == ("CIF-2027-0001", '\'=HYPERLINK("http://evil.example")', "Work stream 1")
    assert (eois[1][4], eois[1][7], eois[1][14]) == (3000, 75, 1)
    assert book["EOIs"]["B2"].data_type == "s"  # text, not a formula
    scores = list(book["Scores"].iter_rows(values_only=True))
    not_scored = next(r for r in scores if r[:3] == ("CIF-2027-0003", "Asha Patel", "Criterion 2"))
    assert not_scored[3:7] == (1, None, "'+Only for the panel", "panel_only")
    decisions_rows = list(book["Decisions"].iter_rows(values_only=True))
    assert [r[3] for r in decisions_rows[1:]] == ["fund", "fund", "do_not_fund"]


def test_the_pdf_summary_has_the_ranking_decisions_and_overrides(app, pack):
    pdf = decision_pack.summary_pdf(pack.round, static_root=app.static_folder, lang="en", generated="1 June 2027")
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Decision pack: Community grants 2027" in text
    assert "Work stream 1" in text and "£4,500 of a budget of £5,000" in text
    assert "The money runs out here" in text
    assert "Conflicts declared 1" in text
    assert "Only group there." in text and "Ranked 2, below the budget line" in text
    assert reader.metadata.title == "Decision pack: Community grants 2027"


def test_the_summary_counts_each_work_stream(pack):
    summary = decision_pack.summary(pack.round)
    first = summary["streams"][0]
    assert (first["eois"], first["funded"], first["not_funded"], first["reserve"], first["undecided"]) == (
        3,
        2,
        1,
        0,
        0,
    )
    assert (first["funded_amount"], first["conflicts"], summary["conflicts"], summary["decisions"]) == (4500, 1, 1, 3)
    assert [o["reference"] for o in summary["overrides"]] == ["CIF-2027-0002"]
    assert [row["outcome"] for row in first["ranking"]] == ["fund", "fund", "do_not_fund"]
