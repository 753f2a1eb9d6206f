"""Portal-wide settings officers change through the interface, each change audited with before and after.

A setting is a JSON value under a key (``portal.models.Setting``); a key with no row means
"not chosen yet", and whoever reads it falls back to its own default.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from portal.db import utcnow
from portal.domain.text import N_, Message
from portal.extensions import db
from portal.models import Setting, User
from portal.services import ServiceError, audit

APPLICANT_LANGUAGES = "applicant_languages"


def read_setting(key: str, default: Any = None) -> Any:
    setting = db.session.get(Setting, key)
    return default if setting is None else setting.value


def change_setting(key: str, value: Any, *, by: User | None, now: datetime | None = None) -> Setting:
    """Store ``value`` under ``key``; audited as ``setting.changed`` when the value really changes."""
    now = now or utcnow()
    setting = db.session.get(Setting, key)
    before = None if setting is None else setting.value
    if setting is None:
        setting = Setting(key=key)
        db.session.add(setting)
    elif before == value:
        return setting
    setting.value = value
    setting.updated_at = now
    setting.updated_by_id = by.id if by is not None else None
    db.session.flush()
    audit.record(
        "setting.changed",
        by=by,
        object_type="settings",
        before={"key": key, "value": before},
        after={"key": key, "value": value},
        now=now,
    )
    return setting


def choose_applicant_languages(
    codes: Iterable[str],
    *,
    choosable: list[str],
    always: Iterable[str] = (),
    by: User | None,
    now: datetime | None = None,
) -> list[str]:
    """Set which languages the applicant pages offer.

    ``choosable`` are the languages the portal has catalogues for, in the order they are shown;
    ``always`` are offered whatever is chosen (the source and default language). Stores and returns
    the languages offered from now on, in the order of ``choosable``.
    """
    chosen = set(codes)
    unknown = sorted(chosen - set(choosable))
    if unknown:
        raise ServiceError(
            Message(
                N_("The portal has no translation for %(codes)s, so it cannot be offered."),
                {"codes": ", ".join(unknown)},
            )
        )
    offered = [code for code in choosable if code in chosen or code in set(always)]
    change_setting(APPLICANT_LANGUAGES, offered, by=by, now=now)
    return offered
