"""Password rules after NCSC and OWASP ASVS: length, no composition rules, a deny-list.

The deny-list is the common-password frequency list that the zxcvbn package ships (the 30,000
passwords seen most often in breaches), installed as a dependency rather than copied here.
"""

from __future__ import annotations

from functools import lru_cache

from portal.domain.text import N_, Message

MIN_LENGTH = 8
MAX_LENGTH = 256  # long passphrases welcome; the cap only stops abuse of the hash function


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, *, context_words: tuple[str, ...] = ()) -> Message | None:
    """Why a password cannot be used, or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return Message(N_("Your password must be at least %(min)d characters long."), {"min": MIN_LENGTH})
    if len(password) > MAX_LENGTH:
        return Message(N_("Your password must be %(max)d characters or fewer."), {"max": MAX_LENGTH})
    folded = password.casefold()
    if len(set(folded.strip())) <= 1:
        return Message(N_("Choose a password that is harder to guess."))
    if folded in _common_passwords():
        return Message(N_("This password is too common and easy to guess. Try three random words together."))
    for word in context_words:
        word = (word or "").casefold().strip()
        if len(word) >= 4 and folded.startswith(word) and len(folded) - len(word) < 4:
            return Message(N_("Your password must not be your name, e-mail address or the name of this service."))
    return None
