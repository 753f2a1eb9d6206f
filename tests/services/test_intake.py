"""The officers' list of what came in: filters, search, pages, counts, the CSV export (safe to open
in a spreadsheet), a constant number of queries, and the assisted route's group, scan and invitation."""

from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from portal.domain.applications import Channel
from portal.domain.organisations import LegalForm
from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus
from portal.models import (
    Application,
    AuditEvent,
    FilePurpose,
    Locality,
    OrganisationInvitation,
    Round,
    StoredFile,
)
from portal.services import ServiceError, accounts, intake
from portal.services.files import UploadRefused
from portal.services.intake import IntakeFilters

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def officer(make_user):  # noqa: ANN001, ANN201
    return make_user(roles={Role.OFFICER}, full_name="Olu Officer")


@pytest.fixture
def places(db):  # noqa: ANN001, ANN201
    areas = [Locality(name="Hall Green", position=0), Locality(name="Ladywood", position=1)]
    db.session.add_all(areas)
    db.session.commit()
    return areas


def sent(db, round_, *, organisation, number: int, status=ApplicationStatus.SUBMITTED, **fields):  # noqa: ANN001, ANN003, ANN201
    """A sent application written straight to the database (the list only reads)."""
    application = Application(
        round=round_,
        organisation=organisation,
        status=status,
        reference=f"{round_.reference_prefix}{number:04d}",
        title=fields.pop("title", f"Project {number}"),
        amount_requested=fields.pop("amount_requested", Decimal("2500")),
        submitted_at=fields.pop("submitted_at", START + timedelta(hours=number)),
        work_stream=fields.pop("work_stream", round_.work_streams[0]),
        completed_sections=[],
        **fields,
    )
    db.session.add(application)
    db.session.commit()
    return application


@pytest.fixture
def intake_round(db, make_round, make_organisation, officer, places):  # noqa: ANN001, ANN201
    """Four sent applications (one entered by an officer), and one draft."""
    round_ = make_round(reference_prefix="CIF-2027-")
    hall_green, ladywood = places
    women = make_organisation(name="Sparkhill Women's Circle")
    elders = make_organisation(name="Ladywood Elders")
    faith = make_organisation(name="St Mary's Food Bank", legal_form=LegalForm.FAITH)
    apps = {
        "women": sent(db, round_, organisation=women, number=1, localities=[hall_green]),
        "elders": sent(
            db,
            round_,
            organisation=elders,
            number=2,
            localities=[ladywood],
            status=ApplicationStatus.ELIGIBLE,
            work_stream=round_.work_streams[1],
        ),
        "faith": sent(
            db,
            round_,
            organisation=faith,
            number=3,
            localities=[hall_green, ladywood],
            channel=Channel.PHONE,
            entered_by=officer,
        ),
        "late": sent(db, round_, organisation=women, number=4, status=ApplicationStatus.WITHDRAWN),
    }
    db.session.add(
        Application(
            round=round_, organisation=elders, status=ApplicationStatus.DRAFT, title="Draft", completed_sections=[]
        )
    )
    db.session.commit()
    return round_, apps


def _refs(page) -> list[str]:  # noqa: ANN001
    return [a.reference for a in page.items]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["CIF-2027-0001", "CIF-2027-0002", "CIF-2027-0003", "CIF-2027-0004"]),
        ({"status": "eligible"}, ["CIF-2027-0002"]),
        ({"status": "draft"}, ["CIF-2027-0001", "CIF-2027-0002", "CIF-2027-0003", "CIF-2027-0004"]),  # ignored
        ({"assisted": "yes"}, ["CIF-2027-0003"]),
        ({"assisted": "no"}, ["CIF-2027-0001", "CIF-2027-0002", "CIF-2027-0004"]),
        ({"q": "cif-2027-0003"}, ["CIF-2027-0003"]),
        ({"q": "WOMEN"}, ["CIF-2027-0001", "CIF-2027-0004"]),
        ({"q": "mary's"}, ["CIF-2027-0003"]),
        ({"q": "%"}, []),
        ({"q": "_"}, []),
    ],
)
def test_filters_and_search(db, intake_round, filters, expected):
    round_, _ = intake_round
    assert _refs(intake.list_applications(round_, IntakeFilters.from_args(filters))) == expected


def test_filter_by_work_stream_and_locality(db, intake_round, places):
    round_, _ = intake_round
    hall_green, ladywood = places
    second_stream = round_.work_streams[1]
    assert _refs(intake.list_applications(round_, IntakeFilters(work_stream_id=second_stream.id))) == ["CIF-2027-0002"]
    assert _refs(intake.list_applications(round_, IntakeFilters(locality_id=ladywood.id))) == [
        "CIF-2027-0002",
        "CIF-2027-0003",
    ]
    both = IntakeFilters(locality_id=hall_green.id, assisted=True)
    assert _refs(intake.list_applications(round_, both)) == ["CIF-2027-0003"]
    assert both.as_args() == {"locality": str(hall_green.id), "assisted": "yes"}


def test_only_this_rounds_applications_are_listed(db, intake_round, make_application):
    round_, _ = intake_round
    make_application(submit=True)  # another round
    assert len(intake.list_applications(round_, IntakeFilters()).items) == 4


def test_pages_of_applications(db, intake_round):
    round_, _ = intake_round
    first = intake.list_applications(round_, IntakeFilters(), page=1, per_page=3)
    second = intake.list_applications(round_, IntakeFilters(), page=2, per_page=3)
    beyond = intake.list_applications(round_, IntakeFilters(), page=9, per_page=3)
    assert (_refs(first), first.first, first.last, first.total, first.pages) == (
        ["CIF-2027-0001", "CIF-2027-0002", "CIF-2027-0003"],
        1,
        3,
        4,
        2,
    )
    assert _refs(second) == ["CIF-2027-0004"] and (second.first, second.last) == (4, 4)
    assert beyond.page == 2  # a page past the end shows the last one


def test_page_numbers_skip_the_middle_of_long_lists():
    page = intake.ApplicationPage(items=[], total=1000, page=10, per_page=50)
    assert page.numbers() == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert intake.ApplicationPage(items=[], total=0, page=1, per_page=50).numbers() == [1]


def test_counts_per_status_include_drafts(db, intake_round):
    round_, _ = intake_round
    assert intake.status_counts(round_) == {
        ApplicationStatus.DRAFT: 1,
        ApplicationStatus.SUBMITTED: 2,
        ApplicationStatus.ELIGIBLE: 1,
        ApplicationStatus.WITHDRAWN: 1,
    }


# --- the CSV export ---------------------------------------------------------------------------


def _parse(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_export_has_a_header_and_one_row_per_application(db, intake_round):
    round_, apps = intake_round
    header, *rows = _parse(intake.to_csv(intake.export_rows(round_, IntakeFilters())))
    assert header == [
        "reference",
        "organisation",
        "legal_form",
        "work_stream",
        "title",
        "amount_requested",
        "localities",
        "status",
        "submitted_at",
        "channel",
        "entered_by",
    ]
    assert len(rows) == 4
    assert rows[2] == [
        "CIF-2027-0003",
        "St Mary's Food Bank",
        "faith",
        "Work stream 1",
        "Project 3",
        "2500.00",
        "Hall Green; Ladywood",
        "submitted",
        "2027-03-01T12:00:00+00:00",
        "phone",
        "Olu Officer",
    ]
    assert rows[1][7] == "eligible" and rows[1][9] == "online" and rows[1][10] == ""


def test_the_export_follows_the_filters(db, intake_round):
    round_, _ = intake_round
    _, *rows = _parse(intake.to_csv(intake.export_rows(round_, IntakeFilters(assisted=True))))
    assert [row[0] for row in rows] == ["CIF-2027-0003"]


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil.example","Click")', '\'=HYPERLINK("http://evil.example","Click")'),
        ("+44 121 496 0000", "'+44 121 496 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("Friends of = Park", "Friends of = Park"),
        (None, ""),
    ],
)
def test_cells_that_a_spreadsheet_would_run_as_formulas_are_made_plain_text(value, cell):
    assert intake.safe_cell(value) == cell


def test_formula_injection_is_guarded_in_the_exported_file(db, make_round, make_organisation):
    round_ = make_round(reference_prefix="CIF-2027-")
    group = make_organisation(name="=cmd|' /C calc'!A0")
    sent(db, round_, organisation=group, number=1, title="@SUM(1+1)")
    _, row = _parse(intake.to_csv(intake.export_rows(round_, IntakeFilters())))
    assert row[1] == "'=cmd|' /C calc'!A0"
    assert row[4] == "'@SUM(1+1)"


# --- a constant number of queries -------------------------------------------------------------


@contextmanager
def counting_statements(engine):  # noqa: ANN001, ANN201
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ANN202
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _statements_to_list_and_export(db, round_id: int) -> int:  # noqa: ANN001
    db.session.expunge_all()  # nothing already loaded: every row comes from the database
    round_ = db.session.get(Round, round_id)
    with counting_statements(db.engine) as statements:
        page = intake.list_applications(round_, IntakeFilters())
        for application in page.items:  # everything the list page shows
            _ = (
                application.organisation.name,
                application.work_stream.name,
                [loc.name for loc in application.localities],
                application.entered_by.full_name if application.entered_by else None,
            )
        rows = list(intake.export_rows(round_, IntakeFilters()))
        intake.status_counts(round_)
    assert len(page.items) == len(rows) - 1
    return len(statements)


def test_listing_and_exporting_take_the_same_number_of_queries_for_5_or_50(
    db, make_round, make_organisation, officer, places
):
    counts = []
    for how_many in (5, 50):
        round_ = make_round()
        for number in range(1, how_many + 1):
            group = make_organisation()
            assisted = {"channel": Channel.PAPER, "entered_by": officer} if number % 3 == 0 else {}
            sent(db, round_, organisation=group, number=number, localities=list(places), **assisted)
        counts.append(_statements_to_list_and_export(db, round_.id))
    assert counts[0] == counts[1], counts


# --- the assisted route -----------------------------------------------------------------------


def test_a_group_is_created_quickly_and_recorded_as_entered_on_its_behalf(db, officer):
    group = intake.create_group(
        name="  Aston   Mums  ",
        legal_form=LegalForm.UNCONSTITUTED,
        accountable_body_name="Aston Community Trust",
        channel=Channel.PHONE,
        by=officer,
    )
    db.session.commit()
    assert (group.name, group.accountable_body_name, group.members) == ("Aston Mums", "Aston Community Trust", [])
    event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.created"))
    assert (event_.actor, event_.on_behalf_of, event_.channel) == (officer, group, "phone")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": " "}, "Enter the group's name"),
        ({"accountable_body_name": ""}, "Enter the accountable body"),
        ({"name": "sparkhill women's circle"}, "already on the portal: choose it from the list"),
    ],
)
def test_a_quick_group_is_refused_with_a_reason(db, officer, make_organisation, fields, message):
    make_organisation(name="Sparkhill Women's Circle")
    values = {"name": "Aston Mums", "legal_form": LegalForm.UNCONSTITUTED, "accountable_body_name": "Trust", **fields}
    with pytest.raises(ServiceError, match=message):
        intake.create_group(**values, channel=Channel.PHONE, by=officer)


def test_finding_groups_by_part_of_their_name(db, make_organisation):
    make_organisation(name="Sparkhill Women's Circle")
    make_organisation(name="Ladywood Elders")
    assert [g.name for g in intake.find_groups("WOOD")] == ["Ladywood Elders"]
    assert [g.name for g in intake.find_groups("")] == ["Ladywood Elders", "Sparkhill Women's Circle"]


def test_a_scan_of_the_paper_form_is_kept_with_the_application(db, officer, make_application):
    application = make_application()
    application.channel = Channel.PAPER
    stored = intake.attach_paper_form(application, io.BytesIO(PDF), "form scan.pdf", by=officer, max_bytes=10_000)
    db.session.commit()
    assert (stored.purpose, stored.organisation_id) == (FilePurpose.PAPER_FORM, application.organisation_id)
    event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "application.paper_form_attached"))
    assert (event_.object_id, event_.actor, event_.on_behalf_of, event_.channel) == (
        application.id,
        officer,
        application.organisation,
        "paper",
    )
    assert event_.after["file_id"] == stored.id


def test_a_scan_that_is_not_a_document_is_refused(db, officer, make_application):
    application = make_application()
    with pytest.raises(UploadRefused):
        intake.attach_paper_form(
            application, io.BytesIO(b"MZ\x90\x00 not a scan"), "scan.pdf", by=officer, max_bytes=10_000
        )
    db.session.rollback()
    assert db.session.scalars(select(StoredFile)).all() == []


def test_an_officer_invites_the_group_to_take_over(db, officer, make_application, make_organisation):
    application = make_application()
    invitation, token = intake.invite_to_take_over(application, " Fatima@Example.org ", by=officer)
    db.session.commit()
    assert invitation.email == "fatima@example.org"
    assert invitation.token_hash == accounts.hash_token(token) and token not in invitation.token_hash
    assert invitation.expires_at > datetime.now(UTC) + timedelta(days=13)
    event_ = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "application.takeover_invited"))
    assert (event_.object_id, event_.actor, event_.on_behalf_of) == (application.id, officer, application.organisation)


def test_only_officers_invite_a_group_to_take_over_and_never_a_member_twice(db, officer, make_application):
    application = make_application()
    member = application.organisation.members[0].user
    with pytest.raises(ServiceError, match="Only officers"):
        intake.invite_to_take_over(application, "someone@example.org", by=member)
    with pytest.raises(ServiceError, match="is already a member of this group"):
        intake.invite_to_take_over(application, member.email.upper(), by=officer)
    assert db.session.scalars(select(OrganisationInvitation)).all() == []
