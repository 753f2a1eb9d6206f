"""Awards in the 360Giving Data Standard (1.4): a JSON package and its flattened CSV, for the
council to publish its grants (https://standard.threesixtygiving.org/).

Which grants: awards the group has accepted (accepted, active or completed) in rounds whose
decisions are released. Offers not yet accepted, declined and withdrawn awards are left out.

Identifiers:
- the grant: ``<prefix>-<award reference>``, the prefix being the council's 360Giving prefix
  (``THREESIXTY_PREFIX``);
- the funder: the council's org-id (``COUNCIL_ORG_ID``, e.g. ``GB-LAE-…``) and ``COUNCIL_NAME``;
- the recipient: ``GB-CHC-<charity number>`` for a registered charity, else ``GB-COH-<company
  number>`` for a company, else ``<prefix>-org-<portal id>``.

Privacy: no recipient address or postcode is published, for any group. Many community groups are
run from a volunteer's home, so even a postcode district can point at a person; a registered
charity or company is found through its number, and where the work happens is given by the
beneficiary wards instead (``beneficiaryLocation`` with the ward's ONS code, ``geoCodeType`` WD,
for wards that have a code). Contact names, e-mails, phone numbers and stories are never included.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.domain.workflow import AwardStatus
from portal.extensions import db
from portal.models import Application, Award, Organisation, Panel, Round
from portal.services.intake import safe_cell

PUBLISHED_STATUSES = frozenset({AwardStatus.ACCEPTED, AwardStatus.ACTIVE, AwardStatus.COMPLETED})
LICENSE = "https://creativecommons.org/licenses/by/4.0/"  # what 360Giving recommends publishers use
SCHEMA_VERSION = "1.4"
WARD = "WD"  # geoCodeType codelist: Electoral Wards/Divisions


@dataclass(frozen=True)
class Publisher:
    """Who publishes: the council's 360Giving prefix, its org-id and name; ``website`` (an
    absolute URL) is given as each grant's data source when set."""

    prefix: str
    org_id: str
    name: str
    website: str | None = None
    zone: str = "Europe/London"

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Publisher:
        website = str(config.get("COUNCIL_URL") or "")
        return cls(
            prefix=str(config["THREESIXTY_PREFIX"]).rstrip("-"),
            org_id=str(config["COUNCIL_ORG_ID"]),
            name=str(config["COUNCIL_NAME"]),
            website=website if re.match(r"^https?://", website) else None,
            zone=str(config.get("TIMEZONE") or "Europe/London"),
        )


def _number(value: str | None) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def recipient_id(organisation: Organisation, publisher: Publisher) -> str:
    """The recipient's org-id: charity number, else company number, else the portal's own id."""
    if charity := _number(organisation.charity_number):
        return f"GB-CHC-{charity}"
    if company := _number(organisation.company_number):
        return f"GB-COH-{company}"
    return f"{publisher.prefix}-org-{organisation.id}"


def published_awards(round_: Round | None = None) -> list[Award]:
    """The awards to publish (of ``round_``, or of every round), in reference order."""
    query = (
        select(Award)
        .join(Award.application)
        .join(Panel, Panel.round_id == Application.round_id)
        .where(Award.status.in_(PUBLISHED_STATUSES), Panel.decisions_released_at.is_not(None))
        .options(
            joinedload(Award.decision),
            joinedload(Award.application).joinedload(Application.organisation),
            joinedload(Award.application).joinedload(Application.round).joinedload(Round.fund),
            joinedload(Award.application).selectinload(Application.wards),
        )
        .order_by(Application.reference, Award.id)
    )
    if round_ is not None:
        query = query.where(Application.round_id == round_.id)
    return list(db.session.scalars(query).unique())


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def grant(award: Award, publisher: Publisher) -> dict[str, Any]:
    """One award as a 360Giving grant."""
    application = award.application
    organisation = application.organisation
    round_ = application.round
    decided = award.decision.decided_at if award.decision else award.created_at
    recipient: dict[str, Any] = {"id": recipient_id(organisation, publisher), "name": organisation.name}
    if charity := _number(organisation.charity_number):
        recipient["charityNumber"] = charity
    if company := _number(organisation.company_number):
        recipient["companyNumber"] = company
    record: dict[str, Any] = {
        "id": f"{publisher.prefix}-{application.reference}",
        "title": application.title or application.reference,
        "description": application.summary or application.title or application.reference,
        "currency": "GBP",
        "amountAwarded": _amount(award.amount),
        "awardDate": decided.astimezone(ZoneInfo(publisher.zone)).date().isoformat(),
        "recipientOrganization": [recipient],
        "fundingOrganization": [{"id": publisher.org_id, "name": publisher.name}],
        "grantProgramme": [
            {
                "code": round_.reference_prefix.strip("-") or f"round-{round_.id}",
                "title": f"{round_.fund.name}: {round_.title}",
            }
        ],
        "dateModified": _stamp(award.updated_at),
    }
    if application.amount_requested is not None:
        record["amountAppliedFor"] = _amount(application.amount_requested)
    if award.starts_on:
        dates = {"startDate": award.starts_on.isoformat()}
        if award.ends_on:
            dates["endDate"] = award.ends_on.isoformat()
        record["plannedDates"] = [dates]
    wards = sorted((w for w in application.wards if w.code), key=lambda w: (w.name, w.id))
    if wards:
        record["beneficiaryLocation"] = [
            {"name": w.name, "geoCode": w.code, "geoCodeType": WARD, "countryCode": "GB"} for w in wards
        ]
    if publisher.website:
        record["dataSource"] = publisher.website
    return record


def _amount(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def package_json(round_: Round | None, publisher: Publisher, *, now: datetime | None = None) -> dict[str, Any]:
    """The 360Giving package of ``round_``'s published awards (every round's with ``None``).
    The standard requires at least one grant: check ``grants`` before publishing an empty one."""
    now = now or datetime.now(UTC)
    grants = [grant(award, publisher) for award in published_awards(round_)]
    title = f"{publisher.name}: grants" + (f" – {round_.fund.name}: {round_.title}" if round_ else "")
    return {
        "grants": grants,
        "version": SCHEMA_VERSION,
        "title": title,
        "identifier": f"{publisher.prefix}-{round_.reference_prefix.strip('-') if round_ else 'all'}",
        "issued": _stamp(now),
        "modified": _stamp(now),
        "license": LICENSE,
        "publisher": {"identifier": publisher.org_id, "name": publisher.name}
        | ({"website": publisher.website} if publisher.website else {}),
    }


# --- the flattened CSV --------------------------------------------------------------------------
# Column titles are the schema's field titles joined with ":" (the 360Giving spreadsheet template);
# recipient, funder, programme and planned dates have one item each, so their first item's columns
# carry no number; beneficiary locations, of which there may be several, are numbered from 0.

COLUMNS: tuple[tuple[str, tuple[Any, ...]], ...] = (
    ("Identifier", ("id",)),
    ("Title", ("title",)),
    ("Description", ("description",)),
    ("Currency", ("currency",)),
    ("Amount Applied For", ("amountAppliedFor",)),
    ("Amount Awarded", ("amountAwarded",)),
    ("Award Date", ("awardDate",)),
    ("Planned Dates:Start Date", ("plannedDates", 0, "startDate")),
    ("Planned Dates:End Date", ("plannedDates", 0, "endDate")),
    ("Recipient Org:Identifier", ("recipientOrganization", 0, "id")),
    ("Recipient Org:Name", ("recipientOrganization", 0, "name")),
    ("Recipient Org:Charity Number", ("recipientOrganization", 0, "charityNumber")),
    ("Recipient Org:Company Number", ("recipientOrganization", 0, "companyNumber")),
    ("Funding Org:Identifier", ("fundingOrganization", 0, "id")),
    ("Funding Org:Name", ("fundingOrganization", 0, "name")),
    ("Grant Programme:Code", ("grantProgramme", 0, "code")),
    ("Grant Programme:Title", ("grantProgramme", 0, "title")),
)
LOCATION_COLUMNS = (
    ("Name", "name"),
    ("Geographic Code", "geoCode"),
    ("Geographic Code Type", "geoCodeType"),
    ("Country Code", "countryCode"),
)
TRAILING_COLUMNS = (("Last Modified", ("dateModified",)), ("Data Source", ("dataSource",)))


def _get(record: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        try:
            record = record[step]
        except (KeyError, IndexError, TypeError):
            return None
    return record


def flat_rows(package: dict[str, Any]) -> list[tuple]:
    """The package's grants as a header and one row per grant."""
    grants = package["grants"]
    locations = max([len(g.get("beneficiaryLocation", [])) for g in grants] + [1])
    columns = list(COLUMNS)
    for n in range(locations):
        columns += [
            (f"Beneficiary Location:{n}:{title}", ("beneficiaryLocation", n, key)) for title, key in LOCATION_COLUMNS
        ]
    columns += TRAILING_COLUMNS
    rows: list[tuple] = [tuple(title for title, _ in columns)]
    for record in grants:
        rows.append(tuple(_get(record, path) for _, path in columns))
    return rows


def flat_csv(package: dict[str, Any]) -> str:
    """The package as 360Giving's flattened CSV (UTF-8, with a byte-order mark for spreadsheets;
    text made safe from formulas)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in flat_rows(package):
        writer.writerow(
            "" if value is None else value if isinstance(value, int | float) else safe_cell(value) for value in row
        )
    return buffer.getvalue()
