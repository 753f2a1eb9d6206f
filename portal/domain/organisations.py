"""Kinds of organisation and the format rules for their registration numbers."""

from __future__ import annotations

import re
from enum import StrEnum


class LegalForm(StrEnum):
    UNCONSTITUTED = "unconstituted"
    COMMUNITY_GROUP = "community_group"
    CHARITY = "charity"
    CIC_OR_COMPANY = "cic_or_company"
    FAITH = "faith"
    SOCIAL_ENTERPRISE = "social_enterprise"


class IncomeBand(StrEnum):
    UNDER_10K = "under_10k"
    FROM_10K_TO_50K = "10k_to_50k"
    FROM_50K_TO_100K = "50k_to_100k"
    FROM_100K_TO_250K = "100k_to_250k"
    OVER_250K = "over_250k"


class MembershipRole(StrEnum):
    OWNER = "owner"
    MEMBER = "member"


# England and Wales: 6-7 digits (with an optional -N suffix for linked charities);
# Scotland: SC + 6 digits; Northern Ireland: NIC + 6 digits (or 100000-199999).
_CHARITY = re.compile(r"^(\d{6,7}(-\d{1,2})?|SC\d{6}|NIC?\d{5,6})$")
# Companies House: 8 characters, digits or a 2-letter prefix (SC, NI, OC …) + 6 digits.
_COMPANY = re.compile(r"^([0-9]{8}|[A-Z]{2}[0-9]{6})$")


def normalise_number(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def is_valid_charity_number(value: str) -> bool:
    return bool(_CHARITY.match(normalise_number(value)))


def is_valid_company_number(value: str) -> bool:
    number = normalise_number(value)
    if number.isdigit() and 1 <= len(number) < 8:
        number = number.zfill(8)
    return bool(_COMPANY.match(number))
