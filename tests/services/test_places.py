"""Localities and wards: adding, changing, archiving with records that use them, and the CSV import."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.domain.roles import Role
from portal.models import AuditEvent, Locality, Organisation, Ward
from portal.services import places

HEADER = "locality,locality_code,ward,ward_code\n"


@pytest.fixture
def officer(make_user):  # noqa: ANN001, ANN201
    return make_user(roles={Role.OFFICER})


def events(db, action: str) -> list[AuditEvent]:  # noqa: ANN001
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def count(db, model) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count()).select_from(model))


def test_adding_a_locality_stores_it_and_is_audited(db, officer):
    locality = places.add_locality(name="  North   Ward ", code=" E08000025 ", by=officer)
    db.session.commit()
    assert (locality.name, locality.code, locality.is_archived) == ("North Ward", "E08000025", False)
    [event] = events(db, "locality.added")
    assert (event.actor_id, event.object_type, event.object_id) == (officer.id, "localities", locality.id)
    assert event.after == {"name": "North Ward", "code": "E08000025", "is_archived": False}


def test_new_localities_go_to_the_end_of_the_list(db, officer):
    first = places.add_locality(name="North", code=None, by=officer)
    second = places.add_locality(name="South", code="", by=officer)
    assert second.position > first.position
    assert second.code is None


def test_locality_names_are_unique_ignoring_case(db, officer):
    places.add_locality(name="Erdington", code=None, by=officer)
    with pytest.raises(places.NameTaken, match="There is already a locality called 'Erdington'"):
        places.add_locality(name="ERDINGTON", code=None, by=officer)


def test_an_archived_locality_of_the_same_name_is_to_be_restored(db, officer):
    locality = places.add_locality(name="Erdington", code=None, by=officer)
    places.set_locality_archived(locality, True, by=officer)
    with pytest.raises(places.NameTaken, match="archived locality called 'Erdington'. Restore it instead"):
        places.add_locality(name="erdington", code=None, by=officer)


def test_changing_a_locality_records_before_and_after(db, officer):
    locality = places.add_locality(name="Nroth", code=None, by=officer)
    places.update_locality(locality, name="North", code="E08000025", by=officer)
    db.session.commit()
    [event] = events(db, "locality.changed")
    assert event.before == {"name": "Nroth", "code": None, "is_archived": False}
    assert event.after == {"name": "North", "code": "E08000025", "is_archived": False}


def test_a_locality_may_keep_its_own_name_in_other_capitals_but_not_take_anothers(db, officer):
    north = places.add_locality(name="North", code=None, by=officer)
    places.add_locality(name="South", code=None, by=officer)
    places.update_locality(north, name="NORTH", code=None, by=officer)
    assert north.name == "NORTH"
    with pytest.raises(places.NameTaken):
        places.update_locality(north, name="south", code=None, by=officer)
    assert north.name == "NORTH"


def test_saving_without_changes_records_nothing(db, officer):
    locality = places.add_locality(name="North", code="N1", by=officer)
    places.update_locality(locality, name="North", code="N1", by=officer)
    assert events(db, "locality.changed") == []


def test_archiving_a_locality_used_by_an_organisation_keeps_it_on_the_organisation(db, officer, make_organisation):
    locality = places.add_locality(name="Hodge Hill", code=None, by=officer)
    ward = places.add_ward(locality, name="Ward End", code=None, by=officer)
    db.session.commit()
    organisation = make_organisation(localities=[locality], wards=[ward])

    places.set_locality_archived(locality, True, by=officer)
    places.set_ward_archived(ward, True, by=officer)
    db.session.commit()
    db.session.expire_all()

    stored = db.session.get(Organisation, organisation.id)
    assert [loc.name for loc in stored.localities] == ["Hodge Hill"]
    assert [w.name for w in stored.wards] == ["Ward End"]
    assert stored.localities[0].is_archived and stored.wards[0].is_archived
    [event] = events(db, "locality.archived")
    assert (event.before["is_archived"], event.after["is_archived"]) == (False, True)

    places.set_locality_archived(locality, False, by=officer)
    [restored] = events(db, "locality.restored")
    assert (restored.before["is_archived"], restored.after["is_archived"]) == (True, False)
    assert not locality.is_archived


def test_archiving_twice_changes_nothing_the_second_time(db, officer):
    locality = places.add_locality(name="North", code=None, by=officer)
    places.set_locality_archived(locality, True, by=officer)
    places.set_locality_archived(locality, True, by=officer)
    assert len(events(db, "locality.archived")) == 1


def test_wards_are_added_changed_archived_and_restored_with_audit(db, officer):
    locality = places.add_locality(name="Ladywood", code=None, by=officer)
    ward = places.add_ward(locality, name="Soho", code="E05011150", by=officer)
    places.update_ward(ward, name="Soho and Jewellery Quarter", code="E05011151", by=officer)
    places.set_ward_archived(ward, True, by=officer)
    places.set_ward_archived(ward, False, by=officer)
    db.session.commit()
    [added] = events(db, "ward.added")
    assert added.after == {"name": "Soho", "code": "E05011150", "is_archived": False, "locality_id": locality.id}
    [changed] = events(db, "ward.changed")
    assert (changed.before["name"], changed.after["name"]) == ("Soho", "Soho and Jewellery Quarter")
    assert (changed.before["code"], changed.after["code"]) == ("E05011150", "E05011151")
    assert [e.after["is_archived"] for e in events(db, "ward.archived") + events(db, "ward.restored")] == [True, False]


def test_ward_names_are_unique_within_their_locality_only(db, officer):
    north = places.add_locality(name="North", code=None, by=officer)
    south = places.add_locality(name="South", code=None, by=officer)
    places.add_ward(north, name="Riverside", code=None, by=officer)
    places.add_ward(south, name="Riverside", code=None, by=officer)
    with pytest.raises(places.NameTaken, match="North already has a ward called 'Riverside'"):
        places.add_ward(north, name="riverside", code=None, by=officer)
    hill = places.add_ward(north, name="Hill", code=None, by=officer)
    with pytest.raises(places.NameTaken):
        places.update_ward(hill, name="RIVERSIDE", code=None, by=officer)


# --- import --------------------------------------------------------------------------------------


def test_import_adds_localities_and_wards_and_records_one_event_with_counts(db, officer):
    result = places.import_places(
        (HEADER + "North,E08000001,Riverside,E05000001\nNorth,,Hillside,E05000002\nSouth,,,\n").encode(),
        by=officer,
    )
    db.session.commit()
    assert result == places.ImportResult(localities_added=2, wards_added=2, updated=0)
    north = db.session.scalar(select(Locality).where(Locality.name == "North"))
    assert north.code == "E08000001"
    assert [(w.name, w.code) for w in north.wards] == [("Hillside", "E05000002"), ("Riverside", "E05000001")]
    assert db.session.scalar(select(Locality).where(Locality.name == "South")).wards == []
    [event] = events(db, "places.imported")
    assert event.actor_id == officer.id
    assert event.object_type == "places"
    assert (event.after["localities_added"], event.after["wards_added"], event.after["updated"]) == (2, 2, 0)
    assert event.after["added"] == ["North", "South", "North / Riverside", "North / Hillside"]
    assert event.before == {"codes": {}}


def test_a_locality_code_on_a_later_row_of_a_new_locality_is_kept(db, officer):
    places.import_places((HEADER + "North,,Riverside,\nNorth,E08000001,Hillside,\n").encode(), by=officer)
    assert db.session.scalar(select(Locality.code).where(Locality.name == "North")) == "E08000001"


def test_import_matches_existing_places_by_name_ignoring_case_and_updates_their_codes(db, officer):
    north = places.add_locality(name="North", code="OLD1", by=officer)
    places.add_ward(north, name="Riverside", code=None, by=officer)
    places.add_ward(north, name="Hillside", code="H1", by=officer)
    db.session.commit()

    result = places.import_places(
        (
            HEADER + "NORTH,NEW1,riverside,E05000001\n"  # both codes change
            "north,,Hillside,\n"  # an empty code leaves the stored one alone
            "North,,Valley,E05000003\n"  # a new ward in an existing locality
        ).encode(),
        by=officer,
    )
    db.session.commit()
    assert result == places.ImportResult(localities_added=0, wards_added=1, updated=2)
    assert count(db, Locality) == 1
    db.session.refresh(north)
    assert north.name == "North" and north.code == "NEW1"
    assert {w.name: w.code for w in north.wards} == {"Hillside": "H1", "Riverside": "E05000001", "Valley": "E05000003"}
    [event] = events(db, "places.imported")
    assert event.before == {"codes": {"North": "OLD1", "North / Riverside": None}}
    assert event.after["codes"] == {"North": "NEW1", "North / Riverside": "E05000001"}


def test_archived_places_stay_archived_when_imported_again(db, officer):
    north = places.add_locality(name="North", code=None, by=officer)
    places.set_locality_archived(north, True, by=officer)
    db.session.commit()
    places.import_places((HEADER + "North,N1,,\n").encode(), by=officer)
    assert north.is_archived and north.code == "N1"
    assert count(db, Locality) == 1


def test_import_is_all_or_nothing(db, officer):
    places.add_locality(name="North", code="N1", by=officer)
    db.session.commit()
    with pytest.raises(places.ImportRefused) as refused:
        places.import_places(
            (HEADER + "North,N2,Riverside,\nSouth,,Hillside,E05 002\n,,Valley,\nEast,,,\n").encode(), by=officer
        )
    assert [str(p) for p in refused.value.problems] == [
        "Row 3: ward code 'E05 002' must be letters and numbers only",
        "Row 4: the locality name is missing",
    ]
    db.session.rollback()
    assert count(db, Locality) == 1
    assert count(db, Ward) == 0
    assert db.session.scalar(select(Locality.code)) == "N1"
    assert events(db, "places.imported") == []


def test_import_refuses_a_file_that_is_not_utf8(db, officer):
    with pytest.raises(places.ImportRefused) as refused:
        places.import_places("locality\nSödra\n".encode("utf-16"), by=officer)
    assert "CSV UTF-8" in str(refused.value.problems[0])
    assert count(db, Locality) == 0
