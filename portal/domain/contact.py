"""An organisation's contact and profile details: UK postcodes, phone numbers, and the answers
to the optional monitoring questions ("who leads your group", "who do you mainly work with")."""

from __future__ import annotations

import re
from enum import StrEnum

from portal.domain.text import N_, Message

# --- postcodes ---------------------------------------------------------------------------------

# The Royal Mail format: outward code (area letters, district) + inward code (sector digit, unit
# letters). GIR 0AA is Girobank's historic code, still valid.
_POSTCODE = re.compile(
    r"^(GIR0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPS-UW]|[A-HK-Y][0-9][ABEHMNPRV-Y])"
    r"[0-9][ABD-HJLNP-UW-Z]{2})$"
)


def normalise_postcode(value: str | None) -> str | None:
    """'b11 4bs' → 'B11 4BS'; None when it is not a full UK postcode."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if not _POSTCODE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


# --- phone numbers -----------------------------------------------------------------------------


def normalise_phone(value: str | None) -> str | None:
    """A phone number written the usual way: UK numbers in national form with spaces
    ('+44 (0)121 4960000' → '0121 496 0000'), others as '+' and digits. None when it cannot be
    a phone number."""
    text = (value or "").strip()
    if not re.fullmatch(r"\+?[0-9 ()\-.]+", text):
        return None
    international = text.startswith("+") or text.startswith("00")
    digits = re.sub(r"\D", "", text.replace("(0)", ""))
    if text.startswith("00"):
        digits = digits[2:]
    if international and digits.startswith("44"):
        digits, international = "0" + digits[2:], False
    if international:
        return f"+{digits}" if 8 <= len(digits) <= 15 else None
    if not digits.startswith("0") or len(digits) not in (10, 11):
        return None
    return _group_uk(digits)


def _group_uk(digits: str) -> str:
    if len(digits) == 10:  # a few old area codes and 0800 numbers
        return f"{digits[:5]} {digits[5:]}"
    if digits.startswith("02"):  # London, Cardiff, Belfast… 020 7946 0000
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    if digits.startswith(("011", "03", "08", "09")) or digits[:4] in {"0121", "0131", "0141", "0151", "0161", "0191"}:
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    return f"{digits[:5]} {digits[5:]}"  # mobiles 07700 900982, most area codes 01632 960000


# --- monitoring --------------------------------------------------------------------------------


class Community(StrEnum):
    """Answers to "Who leads your group?" and "Who do you mainly work with?" (stored as codes)."""

    WOMEN = "women"
    DISABLED_PEOPLE = "disabled_people"
    ETHNIC_MINORITIES = "ethnic_minorities"
    REFUGEES_MIGRANTS = "refugees_migrants"
    YOUNG_PEOPLE = "young_people"
    OLDER_PEOPLE = "older_people"
    LGBTQ = "lgbtq"
    FAITH = "faith"
    OTHER = "other"


PREFER_NOT_TO_SAY = "prefer_not_to_say"


def monitoring_problem(codes: list[str] | tuple[str, ...]) -> Message | None:
    """What is wrong with a set of answers, or None: unknown codes, or "Prefer not to say"
    together with other answers."""
    known = {c.value for c in Community} | {PREFER_NOT_TO_SAY}
    if any(code not in known for code in codes):
        return Message(N_("Select from the list"))
    if PREFER_NOT_TO_SAY in codes and len(set(codes)) > 1:
        return Message(N_("Select 'Prefer not to say' on its own, or choose who it is"))
    return None


def monitoring_answer(codes: list[str] | tuple[str, ...]) -> list[str] | None:
    """The answer as stored: the codes in the list's order, or None when the question was skipped."""
    chosen = set(codes)
    if not chosen:
        return None
    if PREFER_NOT_TO_SAY in chosen:
        return [PREFER_NOT_TO_SAY]
    return [c.value for c in Community if c.value in chosen]
