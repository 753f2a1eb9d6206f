"""Two-factor sign-in rules: who must use it, what a typed code looks like, which time step of a
TOTP code may still be accepted, and the shape of recovery codes. Pure: no app, no database."""

from __future__ import annotations

import re
import secrets

from portal.domain.roles import Role

TOTP_DIGITS = 6
TOTP_PERIOD = 30  # seconds per time step (RFC 6238 default; what authenticator apps use)
TOTP_DRIFT_STEPS = 1  # accept the code of the step before and after too (a slow phone clock)
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to copy by hand
RECOVERY_CODE_LENGTH = 10  # 31**10 ≈ 2**49 possible codes

_SEPARATORS = re.compile(r"[\s\-]+")


def parse_roles(text: str) -> frozenset[Role]:
    """The roles named in a comma-separated setting, e.g. ``"officer,admin"``. Unknown names are refused."""
    names = [name.strip() for name in (text or "").split(",") if name.strip()]
    unknown = [name for name in names if name not in {role.value for role in Role}]
    if unknown:
        raise ValueError(f"unknown role(s): {', '.join(unknown)}; roles are {', '.join(r.value for r in Role)}")
    return frozenset(Role(name) for name in names)


def is_required(roles: frozenset[Role] | set[Role], required: frozenset[Role]) -> bool:
    """Whether a user holding ``roles`` must sign in with a second factor."""
    return bool(set(roles) & required)


def normalise_code(text: str) -> str:
    """What someone typed, without spaces or hyphens and in lower case ("123 456" → "123456")."""
    return _SEPARATORS.sub("", text or "").lower()


def is_totp_shape(code: str) -> bool:
    return len(code) == TOTP_DIGITS and code.isascii() and code.isdigit()


def is_recovery_shape(code: str) -> bool:
    return len(code) == RECOVERY_CODE_LENGTH and all(ch in RECOVERY_ALPHABET for ch in code)


def time_step(unix_seconds: float) -> int:
    return int(unix_seconds // TOTP_PERIOD)


def candidate_steps(current_step: int, last_used_step: int | None) -> list[int]:
    """The time steps whose code may be accepted now, oldest first: within the allowed drift, and
    only after the last one accepted, so that a code (or an older one) is never used twice."""
    steps = range(current_step - TOTP_DRIFT_STEPS, current_step + TOTP_DRIFT_STEPS + 1)
    return [step for step in steps if last_used_step is None or step > last_used_step]


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Fresh random recovery codes (shown once, stored only as hashes)."""
    return ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH)) for _ in range(count)]


def format_recovery_code(code: str) -> str:
    """A code as shown: two groups of five ("abcde-fghjk")."""
    half = RECOVERY_CODE_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"
