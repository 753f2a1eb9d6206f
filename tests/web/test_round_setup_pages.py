"""Officers set up funds, rounds, work streams, measures, conditions and letters through the pages."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.domain.workflow import RoundStatus
from portal.models import AuditEvent, Fund, OutputMeasure, Round, RoundCondition, WorkStream
from tests.helpers import page_title, visible_text

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def officer(login_as):  # noqa: ANN001, ANN201
    return login_as("officer", full_name="Olu Officer")


def test_create_a_fund_keeps_input_on_error_and_saves(client, db, officer):
    bad = client.submit("/officers/funds/new", {"name": "Neighbourhood Fund", "total_budget": "lots"})
    assert "Enter an amount in pounds, like 5000 or 2500.50" in visible_text(bad.data)
    assert 'value="Neighbourhood Fund"' in bad.data.decode()
    assert page_title(bad.data).startswith("Error: Create a fund")
    good = client.submit(
        "/officers/funds/new",
        {"name": "Neighbourhood Fund", "total_budget": "£200,000", "description": "Small grants."},
    )
    assert good.headers["Location"] == "/officers/"
    fund = db.session.scalar(select(Fund))
    assert (fund.name, fund.total_budget) == ("Neighbourhood Fund", Decimal("200000"))
    assert "Neighbourhood Fund" in visible_text(client.get("/officers/").data)


def test_create_a_round_with_uk_dates_across_the_clock_change(client, db, officer, make_round):
    fund = make_round().fund
    response = client.submit(
        f"/officers/funds/{fund.id}/rounds/new",
        {
            "title": "Spring 2031",
            "reference_prefix": "SP-2031-",
            "opens_on-day": "1",
            "opens_on-month": "3",
            "opens_on-year": "2031",
            "opens_time": "9am",
            "closes_on-day": "15",
            "closes_on-month": "4",
            "closes_on-year": "2031",
            "closes_time": "noon",
            "min_amount": "500",
            "max_amount": "5,000",
            "guidance": "Read the criteria first.",
        },
    )
    round_ = db.session.scalar(select(Round).where(Round.title == "Spring 2031"))
    assert response.headers["Location"] == f"/officers/rounds/{round_.id}"
    assert round_.status == RoundStatus.DRAFT
    assert round_.opens_at == datetime(2031, 3, 1, 9, 0, tzinfo=UTC)  # GMT
    assert round_.closes_at == datetime(2031, 4, 15, 11, 0, tzinfo=UTC)  # noon BST
    page = visible_text(client.get(response.headers["Location"]).data)
    assert "15 April 2031 at 12:00pm" in page
    assert "Add at least one work stream." in page  # what is still missing before it can open


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"closes_on-day": "31", "closes_on-month": "2", "closes_on-year": "2031"}, "The date must be a real date"),
        ({"closes_time": "tea time"}, "Enter a time like 5pm, 5:30pm or 17:30"),
        (
            {"closes_on-day": "30", "closes_on-month": "3", "closes_on-year": "2031", "closes_time": "1:30am"},
            "the clocks go forward",
        ),
        ({"max_amount": "100"}, "The largest grant must be at least the smallest grant"),
        ({"closes_on-day": "", "closes_on-month": "", "closes_on-year": ""}, "Enter the closing date"),
        ({"reference_prefix": "SP 2031"}, "Use only letters, numbers and hyphens"),
    ],
)
def test_round_form_errors_are_explained_and_keep_what_was_typed(client, officer, make_round, fields, message):
    fund = make_round().fund
    data = {
        "title": "Spring",
        "reference_prefix": "SP-2031-",
        "closes_on-day": "15",
        "closes_on-month": "4",
        "closes_on-year": "2031",
        "closes_time": "noon",
        "min_amount": "500",
        "max_amount": "5000",
    }
    data.update(fields)
    response = client.submit(f"/officers/funds/{fund.id}/rounds/new", data)
    html = response.data.decode()
    assert message in visible_text(html)
    assert 'value="Spring"' in html
    assert f'value="{data["closes_on-day"]}"' in html


def test_editing_a_round_shows_uk_times_and_saves_changes(client, db, officer, make_round):
    round_ = make_round(closes_at=datetime(2031, 7, 1, 11, 0, tzinfo=UTC), opens_at=None)
    form = client.get(f"/officers/rounds/{round_.id}/edit").data.decode()
    assert 'name="closes_on-day" type="text" value="1"' in form or 'value="1"' in form
    assert 'value="12:00"' in form  # noon BST, shown as typed in UK time
    client.submit(
        f"/officers/rounds/{round_.id}/edit",
        {
            "title": "Renamed",
            "reference_prefix": "TST-2026-",
            "closes_on-day": "1",
            "closes_on-month": "7",
            "closes_on-year": "2031",
            "closes_time": "5pm",
            "min_amount": "500",
            "max_amount": "5000",
        },
    )
    stored = db.session.get(Round, round_.id)
    assert stored.title == "Renamed"
    assert stored.closes_at == datetime(2031, 7, 1, 16, 0, tzinfo=UTC)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "round.updated"))
    assert event.before["title"] != "Renamed" and event.after["title"] == "Renamed"


def test_work_streams_and_measures_through_the_pages(client, db, officer, make_round):
    round_ = make_round(work_streams=0, status=RoundStatus.DRAFT)
    response = client.submit(
        f"/officers/rounds/{round_.id}/work-streams/new",
        {"name": "Get Communities Talking", "short_name": "GCT", "budget": "145000"},
    )
    stream = db.session.scalar(select(WorkStream).where(WorkStream.round_id == round_.id))
    assert response.headers["Location"] == f"/officers/work-streams/{stream.id}/measures/new"
    bad = client.submit(response.headers["Location"], {"name": "Women involved", "kind": "numeric", "unit": "women"})
    assert "Enter the programme target" in visible_text(bad.data)
    assert 'value="Women involved"' in bad.data.decode()
    client.submit(
        response.headers["Location"], {"name": "Women involved", "kind": "numeric", "unit": "women", "target": "250"}
    )
    client.submit(response.headers["Location"], {"name": "Stories shared", "kind": "qualitative", "unit": "stories"})
    measures = db.session.scalars(select(OutputMeasure).order_by(OutputMeasure.position)).all()
    assert [(m.name, m.target) for m in measures] == [("Women involved", 250), ("Stories shared", None)]
    page = visible_text(client.get(f"/officers/rounds/{round_.id}").data)
    assert "Women involved 250 women" in page
    assert "Stories shared Described in words stories" in page


def test_reorder_and_retire_a_work_stream_with_buttons(client, db, officer, make_round):
    round_ = make_round(work_streams=2)
    second = round_.work_streams[1]
    client.submit(
        f"/officers/work-streams/{second.id}/move", {"direction": "up"}, from_url=f"/officers/rounds/{round_.id}"
    )
    names = db.session.scalars(
        select(WorkStream.name).where(WorkStream.round_id == round_.id).order_by(WorkStream.position)
    ).all()
    assert names == ["Work stream 2", "Work stream 1"]
    response = client.submit(f"/officers/work-streams/{second.id}/retire", {}, from_url=f"/officers/rounds/{round_.id}")
    page = visible_text(client.get(response.headers["Location"]).data)
    assert "Work stream 2 retired. It stays on record but groups can no longer choose it." in page
    assert db.session.get(WorkStream, second.id).is_retired


def test_conditions_pages(client, db, officer, make_round):
    round_ = make_round()
    bad = client.submit(f"/officers/rounds/{round_.id}/conditions/new", {"title": "Real Living Wage", "body": ""})
    assert "Enter what the group agrees to" in visible_text(bad.data)
    client.submit(
        f"/officers/rounds/{round_.id}/conditions/new",
        {"title": "Real Living Wage", "body": "If you pay staff, pay at least the Real Living Wage."},
    )
    condition = db.session.scalar(select(RoundCondition))
    client.submit(
        f"/officers/conditions/{condition.id}/archive", {}, from_url=f"/officers/rounds/{round_.id}/conditions"
    )
    page = visible_text(client.get(f"/officers/rounds/{round_.id}/conditions").data)
    assert "Real Living Wage Archived" in page
    assert "Condition archived." in page


def test_letter_settings_and_a_logo_checked_by_its_content(client, db, officer, make_round):
    round_ = make_round()
    client.submit(
        f"/officers/rounds/{round_.id}/letter",
        {
            "letter_council_name": "Testshire Council",
            "letter_address": "1 High Street\nTestshire",
            "letter_signatory_name": "Pat Lee",
            "letter_signatory_title": "Head of Communities",
        },
    )
    assert db.session.get(Round, round_.id).letter_signatory_title == "Head of Communities"

    fake = client.submit(
        f"/officers/rounds/{round_.id}/letter/logo",
        {"logo": (io.BytesIO(b"MZ\x90\x00 not an image"), "logo.png")},
        from_url=f"/officers/rounds/{round_.id}/letter",
        content_type="multipart/form-data",
    )
    assert "‘logo.png’ is a program or script" in visible_text(fake.data)
    assert db.session.get(Round, round_.id).letter_logo_key is None
    gif = client.submit(
        f"/officers/rounds/{round_.id}/letter/logo",
        {"logo": (io.BytesIO(b"GIF89a not allowed"), "logo.gif")},
        from_url=f"/officers/rounds/{round_.id}/letter",
        content_type="multipart/form-data",
    )
    assert "The logo must be a PNG or JPG image. ‘logo.gif’ is not one of these" in visible_text(gif.data)
    polyglot = client.submit(  # a real PNG with a script hidden after it: the same checks as every upload
        f"/officers/rounds/{round_.id}/letter/logo",
        {"logo": (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"<script>alert(1)</script>"), "logo.png")},
        from_url=f"/officers/rounds/{round_.id}/letter",
        content_type="multipart/form-data",
    )
    assert "hidden inside it" in visible_text(polyglot.data)
    assert db.session.get(Round, round_.id).letter_logo_key is None

    client.submit(
        f"/officers/rounds/{round_.id}/letter/logo",
        {"logo": (io.BytesIO(PNG_BYTES), "logo.txt")},
        from_url=f"/officers/rounds/{round_.id}/letter",
        content_type="multipart/form-data",
    )
    stored = db.session.get(Round, round_.id)
    assert stored.letter_logo_type == "image/png"
    served = client.get(f"/officers/rounds/{round_.id}/letter/logo")
    assert served.data == PNG_BYTES
    assert served.mimetype == "image/png"


def test_history_shows_who_changed_what(client, officer, make_round):
    round_ = make_round()
    client.submit(f"/officers/rounds/{round_.id}/conditions/new", {"title": "Safeguarding", "body": "Have a policy."})
    client.submit(
        f"/officers/rounds/{round_.id}/status", {"status": "closed"}, from_url=f"/officers/rounds/{round_.id}"
    )
    text = visible_text(client.get(f"/officers/rounds/{round_.id}/history").data)
    assert "Olu Officer Status changed status: open status: closed" in text
    assert "Olu Officer Condition added title: Safeguarding" in text


@pytest.mark.parametrize("role", ["applicant", "panel_member"])
def test_only_officers_reach_set_up_pages(client, login_as, make_round, role):
    login_as(role)
    round_ = make_round()
    for path in (
        "/officers/funds/new",
        f"/officers/rounds/{round_.id}/edit",
        f"/officers/rounds/{round_.id}/history",
        f"/officers/rounds/{round_.id}/conditions",
        f"/officers/rounds/{round_.id}/work-streams/new",
    ):
        assert client.get(path).status_code == 403, path


def test_an_admin_reads_but_does_not_change(client, login_as, make_round):
    login_as("admin")
    round_ = make_round()
    page = client.get(f"/officers/rounds/{round_.id}").data.decode()
    assert "Add a work stream" not in page
    assert client.get(f"/officers/rounds/{round_.id}/edit").status_code == 403


def test_anonymous_people_are_sent_to_sign_in(client, make_round):
    round_ = make_round()
    response = client.get(f"/officers/rounds/{round_.id}/edit")
    assert response.headers["Location"] == f"/sign-in?next=/officers/rounds/{round_.id}/edit"


def test_an_officer_copies_a_whole_programme(client, db, officer, make_round):
    round_ = make_round(title="Spring 2030")
    bad = client.submit(f"/officers/funds/{round_.fund_id}/copy", {"name": "", "total_budget": "5000"})
    assert "Enter a name for the new programme" in visible_text(bad.data)
    assert 'value="5000"' in bad.data.decode()
    response = client.submit(f"/officers/funds/{round_.fund_id}/copy", {"name": "Fund 2031", "total_budget": "5000"})
    page = visible_text(client.get(response.headers["Location"]).data)
    assert "Programme copied." in page
    assert "Fund 2031" in page and "Spring 2030 (copy)" in page
