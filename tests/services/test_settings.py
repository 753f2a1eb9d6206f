"""Portal settings officers change, and the choice of languages offered to applicants."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.domain.roles import Role
from portal.models import AuditEvent, Setting
from portal.services import ServiceError, settings


@pytest.fixture
def officer(make_user):  # noqa: ANN001, ANN201
    return make_user(roles={Role.OFFICER})


def changes(db) -> list[AuditEvent]:  # noqa: ANN001
    return list(
        db.session.scalars(select(AuditEvent).where(AuditEvent.action == "setting.changed").order_by(AuditEvent.id))
    )


def test_a_setting_not_chosen_yet_reads_as_the_default(db):
    assert settings.read_setting("applicant_languages") is None
    assert settings.read_setting("applicant_languages", ["en"]) == ["en"]


def test_changing_a_setting_stores_it_with_who_and_is_audited_before_and_after(db, officer):
    settings.change_setting("example", {"a": 1}, by=officer)
    settings.change_setting("example", {"a": 2}, by=officer)
    db.session.commit()
    stored = db.session.get(Setting, "example")
    assert stored.value == {"a": 2}
    assert stored.updated_by_id == officer.id
    first, second = changes(db)
    assert (first.before, first.after) == ({"key": "example", "value": None}, {"key": "example", "value": {"a": 1}})
    assert (second.before, second.after) == (
        {"key": "example", "value": {"a": 1}},
        {"key": "example", "value": {"a": 2}},
    )
    assert second.actor_id == officer.id and second.object_type == "settings"


def test_setting_the_same_value_again_records_nothing(db, officer):
    settings.change_setting("example", [1], by=officer)
    settings.change_setting("example", [1], by=officer)
    assert len(changes(db)) == 1


def test_choosing_languages_stores_them_in_the_offered_order_with_english_always(db, officer):
    offered = settings.choose_applicant_languages(
        ["pl", "ar"], choosable=["en", "ar", "ur", "pl"], always=["en"], by=officer
    )
    db.session.commit()
    assert offered == ["en", "ar", "pl"]
    assert settings.read_setting(settings.APPLICANT_LANGUAGES) == ["en", "ar", "pl"]
    [event] = changes(db)
    assert event.before == {"key": "applicant_languages", "value": None}
    assert event.after == {"key": "applicant_languages", "value": ["en", "ar", "pl"]}


def test_choosing_no_other_language_leaves_english(db, officer):
    assert settings.choose_applicant_languages([], choosable=["en", "ar"], always=["en"], by=officer) == ["en"]


def test_a_language_without_a_translation_cannot_be_chosen(db, officer):
    with pytest.raises(ServiceError, match="no translation for xx, so it cannot be offered"):
        settings.choose_applicant_languages(["ar", "xx"], choosable=["en", "ar"], always=["en"], by=officer)
    assert db.session.get(Setting, settings.APPLICANT_LANGUAGES) is None
    assert changes(db) == []
