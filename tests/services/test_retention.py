"""Retention: `flask apply-retention` anonymises the personal data of rounds closed longer ago than the
period and of the people linked only to them, keeps the award records, deletes the files, records it in
the audit log, and changes nothing on a second run; other rounds and people are untouched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.domain.awards import LetterKind
from portal.domain.returns import Consent
from portal.domain.roles import Role
from portal.domain.workflow import AwardStatus
from portal.models import (
    ApplicationMessage,
    AuditEvent,
    BankDetails,
    FilePurpose,
    Letter,
    Notification,
    ReturnMessage,
    Story,
    SupportRequest,
    UserSession,
)
from portal.services import files
from portal.services.retention import REMOVED, scrub
from portal.storage import get_storage
from tests.unit import test_filetypes as samples

NOW = datetime.now(UTC)


def _upload(data: bytes, purpose: FilePurpose, organisation, by):  # noqa: ANN001, ANN202
    return files.store_upload(data, "f", purpose=purpose, organisation=organisation, by=by, max_bytes=10**6)


def _grant(db, app, make_user, make_organisation, make_round, make_application, make_award, make_return, *, who, **org):  # noqa: ANN001, ANN003, ANN202
    """A round with one group's submitted application, accepted award, bank details, letter, a return
    with a story and its photo, messages, a call-back request and a constitution."""
    round_ = make_round()
    group = make_organisation(members=who, **org)
    applicant = who[0]
    application = make_application(round_=round_, organisation=group, applicant=applicant, submit=True)
    award = make_award(application=application, status=AwardStatus.ACCEPTED, amount="4250")
    award.accepted_name, award.accepted_role = applicant.full_name, "Chair"
    db.session.add(BankDetails(award=award, account_name=group.name, sort_code="112233", account_number="12345678"))
    key = get_storage(app.config).save(samples.PDF, prefix="letters")
    db.session.add(
        Letter(
            application=application, award=award, kind=LetterKind.AWARD, version=1, template_name="award.html",
            context={"contact": {"full_name": applicant.full_name}}, storage_key=key, sha256="0" * 64, size=1,
        )
    )  # fmt: skip
    photo = _upload(samples.JPEG, FilePurpose.STORY_MEDIA, group, applicant)
    output_return = make_return(
        award=award,
        stories=[{"title": "Joan's story", "body": "Joan, 81, of Hall Green, found friends.", "teller_name": "Joan Smith",
                  "consent": Consent.INTERNAL, "file": photo}],
    )  # fmt: skip
    output_return.consent_note = "Consent taken by phone from Joan"
    db.session.add(ReturnMessage(output_return=output_return, author=applicant, body="Joan's address is 1 Lane"))
    db.session.add(ApplicationMessage(application=application, author=applicant, body="My mobile is 07700 900123"))
    db.session.add(
        SupportRequest(name=applicant.full_name, phone="07700 900123", email=applicant.email, round_id=round_.id)
    )
    _upload(samples.PDF, FilePurpose.CONSTITUTION, group, applicant)
    db.session.add(
        Notification(user_id=applicant.id, to_address=applicant.email, template="x", subject="s", body_text="b")
    )
    db.session.add(UserSession(user_id=applicant.id, token_hash=f"{applicant.id:064d}"))
    db.session.commit()
    return round_, group, application, award


@pytest.fixture
def world(app, db, make_user, make_organisation, make_round, make_application, make_award, make_return):  # noqa: ANN001, ANN201
    amina = make_user(full_name="Amina Khan", email="amina@example.org", roles={Role.APPLICANT})
    chen = make_user(full_name="Chen Li", email="chen@example.org", roles={Role.APPLICANT})
    bilal = make_user(full_name="Bilal Ahmed", email="bilal@example.org", roles={Role.APPLICANT})
    officer = make_user(full_name="Olu Officer", email="olu@example.org", roles={Role.OFFICER})
    makers = (make_user, make_organisation, make_round, make_application, make_award, make_return)
    old = _grant(db, app, *makers, who=[amina, officer], name="Old Group", charity_number="1100001",
                 contact_phone="0121 000 0000", address_line_1="1 Home Street", postcode="B11 1AA",
                 accountable_body_contact="treasurer@example.org")  # fmt: skip
    recent = _grant(db, app, *makers, who=[bilal, chen], name="New Group", charity_number="1100002",
                    contact_phone="0121 111 1111", address_line_1="2 Hall Road")  # fmt: skip
    # Chen also helped the old group: still linked to a live one, so kept.
    from portal.models import OrganisationMember

    db.session.add(OrganisationMember(organisation=old[1], user=chen))
    for (round_, *_), years in [(old, 8), (recent, 1)]:
        round_.opens_at, round_.closes_at = NOW - timedelta(days=365 * years + 60), NOW - timedelta(days=365 * years)
    db.session.commit()
    return {"old": old, "recent": recent, "amina": amina, "chen": chen, "bilal": bilal, "officer": officer}


def run(app, *args: str):  # noqa: ANN001, ANN201
    return app.test_cli_runner().invoke(args=["apply-retention", *args])


def files_on_disk(app) -> set[str]:  # noqa: ANN001
    root = Path(app.config["STORAGE_PATH"])
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_an_old_round_is_anonymised_and_its_award_record_kept(app, db, world):
    round_, group, application, award = world["old"]
    before_files = files_on_disk(app)
    result = run(app)
    assert result.exit_code == 0, result.output
    assert "Anonymised: 1 rounds closed before" in result.output
    assert "1 applications, 1 organisations' contact details, 1 people, 1 letters, 1 call-back requests, 3 files" in (
        result.output
    )
    db.session.expire_all()
    # the award record stays
    assert (award.amount, award.status, award.starts_on, award.ends_on) == (
        Decimal("4250.00"), AwardStatus.ACCEPTED, award.starts_on, award.ends_on,
    )  # fmt: skip
    assert award.starts_on is not None and application.reference and application.submitted_at
    assert (group.name, group.charity_number) == ("Old Group", "1100001")
    # the people's details go
    assert (award.accepted_name, award.accepted_role, application.declared_by_name) == (None, None, None)
    assert all(v.content.get("declared_by_name") is None for v in application.versions)
    assert (group.contact_phone, group.address_line_1, group.postcode, group.accountable_body_contact) == (None,) * 4
    assert db.session.scalar(select(func.count(BankDetails.id)).where(BankDetails.award_id == award.id)) == 0
    assert db.session.scalar(select(func.count(Letter.id)).where(Letter.award_id == award.id)) == 0
    story = db.session.scalar(select(Story).join(Story.output_return).where(Story.output_return.has(award_id=award.id)))
    assert (story.teller_name, story.body, story.file_id, story.title) == (None, REMOVED, None, "Joan's story")
    assert [m.body for m in application.messages] == [REMOVED]
    assert db.session.scalar(select(ReturnMessage.body).where(ReturnMessage.author_id == world["amina"].id)) == REMOVED
    request = db.session.scalar(select(SupportRequest).where(SupportRequest.round_id == round_.id))
    assert (request.name, request.phone, request.email) == ("Removed person", None, None)
    amina = world["amina"]
    assert (amina.full_name, amina.email, amina.is_enabled, amina.password_hash) == (
        "Removed person", f"person-{amina.id}@removed.invalid", False, None,
    )  # fmt: skip
    assert db.session.scalar(select(func.count(UserSession.id)).where(UserSession.user_id == amina.id)) == 0
    assert db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == amina.id)) == 0
    # three files gone from storage (story photo, constitution, letter); the recent round's stay
    assert len(before_files - files_on_disk(app)) == 3
    assert len(files_on_disk(app)) == len(before_files) - 3 > 0
    # recorded in the audit log
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(["round.retention_applied", "user.anonymised"]))
    )
    assert sorted((e.action, e.object_id) for e in events) == [
        ("round.retention_applied", round_.id),
        ("user.anonymised", amina.id),
    ]


def test_other_rounds_and_people_are_untouched(app, db, world):
    _, group, application, award = world["recent"]
    run(app)
    db.session.expire_all()
    assert (group.contact_phone, group.address_line_1) == ("0121 111 1111", "2 Hall Road")
    assert award.accepted_name == "Bilal Ahmed" and application.declared_by_name == "Bilal Ahmed"
    assert db.session.scalar(select(func.count(BankDetails.id)).where(BankDetails.award_id == award.id)) == 1
    assert db.session.scalar(select(func.count(Letter.id)).where(Letter.award_id == award.id)) == 1
    assert [m.body for m in application.messages] == ["My mobile is 07700 900123"]
    for person, name in [("bilal", "Bilal Ahmed"), ("chen", "Chen Li"), ("officer", "Olu Officer")]:
        assert (world[person].full_name, world[person].is_enabled) == (name, True)


def test_a_second_run_changes_nothing(app, db, world):
    run(app)
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    on_disk = files_on_disk(app)
    result = run(app)
    assert "Anonymised: 0 rounds" in result.output and "0 people" in result.output
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events
    assert files_on_disk(app) == on_disk


def test_a_dry_run_says_what_would_go_and_changes_nothing(app, db, world):
    on_disk = files_on_disk(app)
    result = run(app, "--dry-run")
    assert result.exit_code == 0
    assert "Would anonymise: 1 rounds" in result.output and "1 people" in result.output
    db.session.expire_all()
    assert world["amina"].full_name == "Amina Khan"
    assert world["old"][3].accepted_name == "Amina Khan"
    assert files_on_disk(app) == on_disk
    assert (
        db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "round.retention_applied")) == 0
    )


def test_the_period_is_a_setting_or_an_option(app, db, world):
    assert "Anonymised: 0 rounds" in run(app, "--years", "9").output
    app.config["RETENTION_YEARS"] = 10
    assert "Anonymised: 0 rounds" in run(app).output
    result = run(app, "--years", "0")
    assert result.exit_code == 1 and "--years must be 1 or more" in result.output
    assert "Anonymised: 1 rounds" in run(app, "--years", "7").output


def test_scrub_empties_personal_keys_at_any_depth():
    content = {"title": "Cafe", "declared_by_name": "Amina", "answers": [{"teller_name": "Joan", "text": "ok"}]}
    assert scrub(content) == {
        "title": "Cafe",
        "declared_by_name": None,
        "answers": [{"teller_name": None, "text": "ok"}],
    }
