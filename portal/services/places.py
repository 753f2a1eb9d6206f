"""Localities and wards: adding, changing, archiving and restoring them, and importing them from a CSV file.

Nothing is ever deleted: organisations, applications and awards refer to places, so a place that is
no longer used is archived (groups can no longer choose it; records that use it keep it).
Names are unique ignoring case: locality names across the portal, ward names within their locality.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.domain.places_csv import PlaceRow, clean_code, clean_name, read_places_csv
from portal.domain.text import N_, Message
from portal.extensions import db
from portal.models import Locality, User, Ward
from portal.services import ServiceError, audit

LOCALITY_FIELDS = ("name", "code", "is_archived")
WARD_FIELDS = ("name", "code", "is_archived", "locality_id")


class NameTaken(ServiceError):
    """The name is already used (by a locality, or by a ward in the same locality)."""


class ImportRefused(ServiceError):
    """The file has problems, so nothing was imported; ``problems`` lists every one."""

    def __init__(self, problems: list[Message]) -> None:
        super().__init__(Message(N_("Nothing was imported. Put right the problems in the file and upload it again.")))
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    localities_added: int
    wards_added: int
    updated: int


# --- localities ----------------------------------------------------------------------------------


def _check_locality_name(name: str, *, other_than: Locality | None = None) -> None:
    for locality in db.session.scalars(select(Locality)):
        if locality is not other_than and locality.name.casefold() == name.casefold():
            if locality.is_archived:
                raise NameTaken(
                    Message(
                        N_("There is already an archived locality called '%(name)s'. Restore it instead."),
                        {"name": locality.name},
                    )
                )
            raise NameTaken(Message(N_("There is already a locality called '%(name)s'."), {"name": locality.name}))


def _next_position() -> int:
    return (db.session.scalar(select(func.max(Locality.position))) or 0) + 1


def add_locality(*, name: str, code: str | None, by: User | None, now: datetime | None = None) -> Locality:
    name, code = clean_name(name), clean_code(code)
    _check_locality_name(name)
    locality = Locality(name=name, code=code, position=_next_position(), is_archived=False)
    db.session.add(locality)
    db.session.flush()
    audit.record("locality.added", locality, by=by, after=audit.snapshot(locality, LOCALITY_FIELDS), now=now)
    return locality


def update_locality(
    locality: Locality, *, name: str, code: str | None, by: User | None, now: datetime | None = None
) -> None:
    name, code = clean_name(name), clean_code(code)
    _check_locality_name(name, other_than=locality)
    before = audit.snapshot(locality, LOCALITY_FIELDS)
    locality.name, locality.code = name, code
    after = audit.snapshot(locality, LOCALITY_FIELDS)
    if after != before:
        audit.record("locality.changed", locality, by=by, before=before, after=after, now=now)


def set_locality_archived(locality: Locality, archived: bool, *, by: User | None, now: datetime | None = None) -> None:
    """Archive (``archived=True``) or restore a locality; doing what is already done changes nothing."""
    if locality.is_archived == archived:
        return
    before = audit.snapshot(locality, LOCALITY_FIELDS)
    locality.is_archived = archived
    action = "locality.archived" if archived else "locality.restored"
    audit.record(action, locality, by=by, before=before, after=audit.snapshot(locality, LOCALITY_FIELDS), now=now)


# --- wards ---------------------------------------------------------------------------------------


def _check_ward_name(locality: Locality, name: str, *, other_than: Ward | None = None) -> None:
    for ward in locality.wards:
        if ward is not other_than and ward.name.casefold() == name.casefold():
            params = {"name": ward.name, "locality": locality.name}
            if ward.is_archived:
                raise NameTaken(
                    Message(
                        N_("%(locality)s already has an archived ward called '%(name)s'. Restore it instead."), params
                    )
                )
            raise NameTaken(Message(N_("%(locality)s already has a ward called '%(name)s'."), params))


def add_ward(locality: Locality, *, name: str, code: str | None, by: User | None, now: datetime | None = None) -> Ward:
    name, code = clean_name(name), clean_code(code)
    _check_ward_name(locality, name)
    ward = Ward(name=name, code=code, is_archived=False)
    locality.wards.append(ward)
    db.session.flush()
    audit.record("ward.added", ward, by=by, after=audit.snapshot(ward, WARD_FIELDS), now=now)
    return ward


def update_ward(ward: Ward, *, name: str, code: str | None, by: User | None, now: datetime | None = None) -> None:
    name, code = clean_name(name), clean_code(code)
    _check_ward_name(ward.locality, name, other_than=ward)
    before = audit.snapshot(ward, WARD_FIELDS)
    ward.name, ward.code = name, code
    after = audit.snapshot(ward, WARD_FIELDS)
    if after != before:
        audit.record("ward.changed", ward, by=by, before=before, after=after, now=now)


def set_ward_archived(ward: Ward, archived: bool, *, by: User | None, now: datetime | None = None) -> None:
    """Archive (``archived=True``) or restore a ward; doing what is already done changes nothing."""
    if ward.is_archived == archived:
        return
    before = audit.snapshot(ward, WARD_FIELDS)
    ward.is_archived = archived
    action = "ward.archived" if archived else "ward.restored"
    audit.record(action, ward, by=by, before=before, after=audit.snapshot(ward, WARD_FIELDS), now=now)


# --- import --------------------------------------------------------------------------------------


def import_places(data: bytes, *, by: User | None, now: datetime | None = None) -> ImportResult:
    """Import a CSV file of localities and wards, all or nothing.

    Places are matched to existing ones by name, ignoring case: missing ones are added, and a code
    given in the file replaces the stored one (an empty code leaves the stored one alone). Archived
    places stay archived. Raises ``ImportRefused`` with every problem if the file has any.
    """
    rows, problems = read_places_csv(data)
    if problems:
        raise ImportRefused(problems)
    return _apply(rows, by=by, now=now)


def _apply(rows: list[PlaceRow], *, by: User | None, now: datetime | None) -> ImportResult:
    localities = {
        locality.name.casefold(): locality
        for locality in db.session.scalars(select(Locality).options(selectinload(Locality.wards)))
    }
    position = _next_position()
    added_localities: list[str] = []
    added_wards: list[str] = []
    codes_before: dict[str, str | None] = {}
    codes_after: dict[str, str | None] = {}

    def set_code(label: str, place: Locality | Ward, code: str | None) -> None:
        if code is None or place.code == code:
            return
        codes_before.setdefault(label, place.code)
        codes_after[label] = code
        place.code = code

    new: set[int] = set()  # id() of the places this import adds
    for row in rows:
        locality = localities.get(row.locality.casefold())
        if locality is None:
            locality = Locality(name=row.locality, code=row.locality_code, position=position, is_archived=False)
            position += 1
            db.session.add(locality)
            localities[row.locality.casefold()] = locality
            added_localities.append(locality.name)
            new.add(id(locality))
        elif id(locality) in new:
            locality.code = locality.code or row.locality_code  # the file gives one locality one code
        else:
            set_code(locality.name, locality, row.locality_code)
        if row.ward is None:
            continue
        ward = next((w for w in locality.wards if w.name.casefold() == row.ward.casefold()), None)
        if ward is None:  # the file lists a ward once in its locality
            locality.wards.append(Ward(name=row.ward, code=row.ward_code, is_archived=False))
            added_wards.append(f"{locality.name} / {row.ward}")
        else:
            set_code(f"{locality.name} / {ward.name}", ward, row.ward_code)

    db.session.flush()
    result = ImportResult(len(added_localities), len(added_wards), len(codes_after))
    audit.record(
        "places.imported",
        by=by,
        object_type="places",
        before={"codes": codes_before},
        after={
            "localities_added": result.localities_added,
            "wards_added": result.wards_added,
            "updated": result.updated,
            "rows": len(rows),
            "added": added_localities + added_wards,
            "codes": codes_after,
        },
        now=now,
    )
    return result
