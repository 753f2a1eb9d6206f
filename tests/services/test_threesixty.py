"""The 360Giving export: accepted awards as grants valid against the standard's own schema (1.4.3,
validated offline as ../shared/data/360giving-1.4.3/README.md says), with recipients identified by
charity number, company number or the council's prefix, wards as beneficiary locations, no
addresses, and the flattened CSV with the standard's column titles."""

from __future__ import annotations

import copy
import csv
import io
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from portal.domain.workflow import AwardStatus
from portal.extensions import db as _db
from portal.models import Panel
from portal.services import threesixty
from tests import factories
from tests.services.test_exports import INTERNAL_STORY, WITHDRAWN_STORY, build_programme


def _standard() -> Path:
    """The 360Giving schema, kept beside the project (``../shared/data/360giving-1.4.3``) as test
    data: ``THREESIXTY_SCHEMA_DIR``, else the nearest ``shared/data/360giving-1.4.3`` above the
    checkout, else the workplace's ``/work/shared`` (a CI clone may live elsewhere on the machine)."""
    relative = Path("shared") / "data" / "360giving-1.4.3"
    candidates = [Path(os.environ["THREESIXTY_SCHEMA_DIR"])] if os.environ.get("THREESIXTY_SCHEMA_DIR") else []
    candidates += [parent / relative for parent in Path(__file__).resolve().parents]
    candidates.append(Path("/work") / relative)
    for candidate in candidates:
        if (candidate / "360-giving-schema.json").is_file():
            return candidate
    raise FileNotFoundError(
        "The 360Giving 1.4.3 schema was not found: set THREESIXTY_SCHEMA_DIR to the folder that holds "
        "360-giving-schema.json and 360-giving-package-schema.json"
    )


STANDARD = _standard()
GRANT_1_4_2 = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json"
PUBLISHER = threesixty.Publisher(prefix="360G-anytown", org_id="GB-LAE-ANY", name="Anytown Council")
NOW = datetime(2028, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    grant = json.loads((STANDARD / "360-giving-schema.json").read_text(encoding="utf-8"))
    package = json.loads((STANDARD / "360-giving-package-schema.json").read_text(encoding="utf-8"))
    grant_resource = DRAFT202012.create_resource(grant)
    registry = Registry().with_resources(
        [
            (grant["$id"], grant_resource),
            (GRANT_1_4_2, grant_resource),
            (package["$id"], DRAFT202012.create_resource(package)),
        ]
    )
    return Draft202012Validator(package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors(validator: Draft202012Validator, package: dict) -> list[str]:
    return [error.message for error in validator.iter_errors(package)]


@pytest.fixture
def programme(app):  # noqa: ANN001, ANN201
    return build_programme()


def test_the_package_is_valid_360giving(validator, programme):
    package = threesixty.package_json(programme.round, PUBLISHER, now=NOW)
    assert errors(validator, package) == []
    assert package["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert package["publisher"] == {"identifier": "GB-LAE-ANY", "name": "Anytown Council"}
    assert len(package["grants"]) == 1  # the offer not yet accepted is not published


def test_an_invalid_grant_is_reported_invalid(validator, programme):
    """The validation can fail: each broken copy of a valid package is rejected."""
    package = threesixty.package_json(programme.round, PUBLISHER, now=NOW)
    broken = []
    for change in (
        lambda g: g.pop("currency"),
        lambda g: g.update(amountAwarded="3000"),
        lambda g: g.update(awardDate="1 April 2027"),
        lambda g: g.update(currency="POUNDS"),
        lambda g: g["recipientOrganization"][0].pop("id"),
        lambda g: g.pop("fundingOrganization"),
        lambda g: g.update(dateModified="yesterday"),
    ):
        copy_ = copy.deepcopy(package)
        change(copy_["grants"][0])
        broken.append(errors(validator, copy_))
    assert all(broken), broken
    assert errors(validator, {**package, "grants": []}) != []  # the standard wants at least one grant


def test_a_grant_has_the_councils_ids_and_the_awards_facts(programme):
    award = programme.accepted
    (grant,) = threesixty.package_json(programme.round, PUBLISHER, now=NOW)["grants"]
    assert grant["id"] == "360G-anytown-CIF-2027-0001"
    assert (grant["title"], grant["description"]) == ("Women's conversation cafe", "Weekly cafe.")
    assert (grant["currency"], grant["amountAwarded"], grant["amountAppliedFor"]) == ("GBP", 3000, 3000)
    assert grant["awardDate"] == award.decision.decided_at.astimezone(ZoneInfo("Europe/London")).date().isoformat()
    assert grant["plannedDates"] == [{"startDate": "2027-04-01", "endDate": "2028-03-31"}]
    assert grant["fundingOrganization"] == [{"id": "GB-LAE-ANY", "name": "Anytown Council"}]
    assert grant["grantProgramme"] == [
        {"code": "CIF-2027", "title": f"{programme.round.fund.name}: Community grants 2027"}
    ]
    assert grant["dateModified"].endswith("Z")
    assert "dataSource" not in grant  # no absolute website configured


def test_beneficiary_locations_are_the_wards_with_an_ons_code(programme):
    (grant,) = threesixty.package_json(programme.round, PUBLISHER, now=NOW)["grants"]
    assert grant["beneficiaryLocation"] == [
        {"name": "Sparkhill", "geoCode": "E05011157", "geoCodeType": "WD", "countryCode": "GB"}
    ]  # Moseley has no code, so it is left out
    programme.accepted.application.wards = []
    _db.session.commit()
    (grant,) = threesixty.package_json(programme.round, PUBLISHER, now=NOW)["grants"]
    assert "beneficiaryLocation" not in grant


@pytest.mark.parametrize(
    ("charity", "company", "expected"),
    [
        ("1123456", "09876543", "GB-CHC-1123456"),
        (None, "09876543", "GB-COH-09876543"),
        ("", " sc 123456 ", "GB-COH-SC123456"),
        (None, None, "360G-anytown-org-{id}"),
    ],
)
def test_recipients_are_identified_by_charity_then_company_number_then_the_councils_prefix(
    app, charity, company, expected
):
    group = factories.make_organisation(charity_number=charity, company_number=company)
    assert threesixty.recipient_id(group, PUBLISHER) == expected.format(id=group.id)


def test_the_recipient_has_no_address_or_contact_details(validator, programme):
    group = programme.accepted.application.organisation
    group.address_line_1, group.town, group.postcode = "12 Home Street", "Anytown", "B11 1AA"
    group.contact_phone = "0121 000 0000"
    _db.session.commit()
    package = threesixty.package_json(programme.round, PUBLISHER, now=NOW)
    (grant,) = package["grants"]
    assert grant["recipientOrganization"] == [
        {"id": "GB-CHC-1123456", "name": '=HYPERLINK("http://evil.example")', "charityNumber": "1123456"}
    ]
    text = json.dumps(package)
    for private in ("Home Street", "B11", "0121", INTERNAL_STORY, WITHDRAWN_STORY, "Amina"):
        assert private not in text


def test_only_accepted_awards_of_released_rounds_are_published(programme):
    assert [a.id for a in threesixty.published_awards(programme.round)] == [programme.accepted.id]
    for status in (AwardStatus.ACTIVE, AwardStatus.COMPLETED):
        programme.accepted.status = status
        _db.session.commit()
        assert len(threesixty.published_awards(programme.round)) == 1
    programme.accepted.status = AwardStatus.WITHDRAWN
    programme.offered.status = AwardStatus.DECLINED
    _db.session.commit()
    assert threesixty.published_awards(programme.round) == []
    programme.accepted.status = AwardStatus.ACCEPTED
    panel = _db.session.scalar(_db.select(Panel).where(Panel.round_id == programme.round.id))
    panel.decisions_released_at = None
    _db.session.commit()
    assert threesixty.published_awards(programme.round) == []


def test_every_round_together(validator, programme):
    other = factories.make_award(status=AwardStatus.COMPLETED)
    package = threesixty.package_json(None, PUBLISHER, now=NOW)
    assert errors(validator, package) == []
    assert [g["id"] for g in package["grants"]] == [
        "360G-anytown-CIF-2027-0001",
        f"360G-anytown-{other.application.reference}",
    ]


def test_the_publisher_comes_from_the_configuration():
    publisher = threesixty.Publisher.from_config(
        {
            "THREESIXTY_PREFIX": "360G-anytown-",
            "COUNCIL_ORG_ID": "GB-LAE-ANY",
            "COUNCIL_NAME": "Anytown Council",
            "COUNCIL_URL": "https://www.anytown.gov.uk/",
        }
    )
    assert (publisher.prefix, publisher.org_id, publisher.name) == ("360G-anytown", "GB-LAE-ANY", "Anytown Council")
    assert publisher.website == "https://www.anytown.gov.uk/"
    relative = threesixty.Publisher.from_config(
        {"THREESIXTY_PREFIX": "360G-x", "COUNCIL_ORG_ID": "GB-LAE-X", "COUNCIL_NAME": "X", "COUNCIL_URL": "/"}
    )
    assert relative.website is None


def test_a_data_source_is_given_when_the_council_has_a_website(validator, programme):
    publisher = threesixty.Publisher(
        "360G-anytown", "GB-LAE-ANY", "Anytown Council", website="https://anytown.example/"
    )
    package = threesixty.package_json(programme.round, publisher, now=NOW)
    assert package["grants"][0]["dataSource"] == "https://anytown.example/"
    assert errors(validator, package) == []


def test_the_flat_csv_uses_the_standards_column_titles(programme):
    package = threesixty.package_json(programme.round, PUBLISHER, now=NOW)
    text = threesixty.flat_csv(package)
    assert text.startswith("\ufeff")
    header, row = list(csv.reader(io.StringIO(text[1:])))
    assert header == [
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Applied For",
        "Amount Awarded",
        "Award Date",
        "Planned Dates:Start Date",
        "Planned Dates:End Date",
        "Recipient Org:Identifier",
        "Recipient Org:Name",
        "Recipient Org:Charity Number",
        "Recipient Org:Company Number",
        "Funding Org:Identifier",
        "Funding Org:Name",
        "Grant Programme:Code",
        "Grant Programme:Title",
        "Beneficiary Location:0:Name",
        "Beneficiary Location:0:Geographic Code",
        "Beneficiary Location:0:Geographic Code Type",
        "Beneficiary Location:0:Country Code",
        "Last Modified",
        "Data Source",
    ]
    values = dict(zip(header, row, strict=True))
    assert (values["Identifier"], values["Amount Awarded"], values["Currency"]) == (
        "360G-anytown-CIF-2027-0001",
        "3000",
        "GBP",
    )
    assert values["Recipient Org:Name"] == '\'=HYPERLINK("http://evil.example")'  # never run as a formula
    assert (values["Beneficiary Location:0:Geographic Code"], values["Recipient Org:Company Number"]) == (
        "E05011157",
        "",
    )


def test_the_column_titles_are_the_schemas_field_titles():
    schema = json.loads((STANDARD / "360-giving-schema.json").read_text(encoding="utf-8"))
    defs = schema["$defs"]

    def title(path: tuple) -> str:
        node, titles = schema, []
        for step in path:
            if isinstance(step, int):
                continue
            node = node["properties"][step] if "properties" in node else node
            titles.append(node.get("title", step))
            ref = node.get("items", {}).get("$ref") or node.get("$ref")
            if ref:
                node = defs[ref.rsplit("/", 1)[1]]
        return ":".join(titles)

    for column, path in (*threesixty.COLUMNS, *threesixty.TRAILING_COLUMNS):
        if path == ("currency",):
            continue  # a $ref without a title of its own; "Currency" in the standard's template
        assert title(path) == column
    for column, key in threesixty.LOCATION_COLUMNS:
        assert defs["Location"]["properties"][key]["title"] == column
