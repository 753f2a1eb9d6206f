"""`flask export-person EMAIL --output FILE.json`: everything held about one person, nothing about
anyone else, no secrets; the export itself is recorded in the audit log."""

from __future__ import annotations

import json

from sqlalchemy import select

from portal.domain.roles import Role
from portal.models import ApplicationMessage, AuditEvent, FilePurpose, Notification, SupportRequest, UserSession
from portal.services import files
from tests.unit import test_filetypes as samples


def export(app, tmp_path, email: str):  # noqa: ANN001, ANN201
    output = tmp_path / "person.json"
    result = app.test_cli_runner().invoke(args=["export-person", email, "--output", str(output)])
    return result, (json.loads(output.read_text()) if output.exists() else None)


def test_an_applicant_gets_everything_held_about_them(
    app, db, tmp_path, make_user, make_organisation, make_application
):
    amina = make_user(full_name="Amina Khan", email="amina@example.org", roles={Role.APPLICANT})
    bilal = make_user(full_name="Bilal Ahmed", email="bilal@example.org", roles={Role.APPLICANT})
    group = make_organisation(members=[amina], name="Sparkhill Women's Circle")
    application = make_application(organisation=group, applicant=amina, submit=True)
    make_application(applicant=bilal, submit=True)  # someone else's
    namesake = make_user(full_name="Amina Khan", email="other.amina@example.org", roles={Role.APPLICANT})
    make_application(applicant=namesake, submit=True)  # declared by another "Amina Khan"
    db.session.add_all(
        [
            ApplicationMessage(
                application_id=application.id, author_id=amina.id, body="We can start in May.", is_from_officer=False
            ),
            UserSession(user_id=amina.id, token_hash="a" * 64, ip_address="192.0.2.7"),
            Notification(
                user_id=amina.id, to_address="amina@example.org", template="t", subject="Hello", body_text="b"
            ),
            SupportRequest(name="Amina Khan", phone="07700 900123", email="Amina@Example.org"),
        ]
    )
    files.store_upload(
        samples.PDF, "rules.pdf", purpose=FilePurpose.CONSTITUTION, organisation=group, by=amina, max_bytes=10**6
    )
    db.session.commit()

    result, data = export(app, tmp_path, "AMINA@example.org")
    assert result.exit_code == 0, result.output
    assert "records to" in result.output
    assert data["account"]["full_name"] == "Amina Khan" and data["account"]["roles"] == ["applicant"]
    assert data["account"]["has_password"] is True
    assert [m["organisation_name"] for m in data["memberships"]] == ["Sparkhill Women's Circle"]
    assert [a["id"] for a in data["applications"]] == [application.id]
    assert data["applications"][0]["declared_by_name"] == "Amina Khan"
    assert len(data["application_versions_submitted"]) == 1
    assert [m["body"] for m in data["application_messages"]] == ["We can start in May."]
    assert data["sessions"][0]["ip_address"] == "192.0.2.7"
    assert [e["subject"] for e in data["emails_sent"]] == ["We have your application", "Hello"]
    assert [r["phone"] for r in data["call_back_requests"]] == ["07700 900123"]
    assert [f["original_name"] for f in data["files_uploaded"]] == ["rules.pdf"]
    assert any(e["action"] == "file.uploaded" for e in data["audit_events"])
    text = json.dumps(data)
    for secret in ("password_hash", "token_hash", "two_factor_secret", "code_hash"):
        assert secret not in text
    assert "Bilal" not in text and "bilal@example.org" not in text and "other.amina" not in text
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.data_exported"))
    assert (event.object_type, event.object_id) == ("users", amina.id)


def test_a_panel_member_gets_their_reviews_scores_and_conflicts(
    app, db, tmp_path, make_panel, make_eligible_application, make_review
):
    application = make_eligible_application()
    panel = make_panel(round_=application.round, members=1)
    member = panel.members[0]
    make_review(application, member, scores=[4] * len(application.round.criteria), submit=True)
    result, data = export(app, tmp_path, member.user.email)
    assert result.exit_code == 0, result.output
    assert [m["id"] for m in data["panel_memberships"]] == [member.id]
    assert [r["application_id"] for r in data["reviews"]] == [application.id]
    assert sorted(s["score"] for s in data["scores"]) == [4] * len(application.round.criteria)
    assert data["scores"][0]["comment"].startswith("Comment on Criterion")


def test_someone_known_only_from_a_call_back_request_is_exported_too(app, db, tmp_path):
    db.session.add(SupportRequest(name="Joan", phone="0121 000 0000", email="joan@example.org"))
    db.session.commit()
    result, data = export(app, tmp_path, "joan@example.org")
    assert result.exit_code == 0
    assert data["account"] is None and [r["name"] for r in data["call_back_requests"]] == ["Joan"]


def test_an_unknown_address_is_refused_and_nothing_written(app, db, tmp_path):
    result, data = export(app, tmp_path, "nobody@example.org")
    assert result.exit_code == 1
    assert "Nothing is held about nobody@example.org." in result.output
    assert data is None
