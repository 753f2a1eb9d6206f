"""Users: creating them, checking passwords, server-side sessions and password resets."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from portal.db import utcnow
from portal.domain.passwords import password_problem
from portal.domain.roles import Role
from portal.extensions import db
from portal.models import PasswordResetToken, User, UserRole, UserSession
from portal.services import ServiceError, audit

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when no such user exists, so a wrong address costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def use_fast_hashing_for_tests() -> None:
    """Cheaper argon2id parameters so a test suite can create hundreds of users. Tests only."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    _DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


class PasswordRejected(ServiceError):
    """The new password breaks a password rule."""


class EmailTaken(ServiceError):
    """Another account already uses this address."""


def check_new_password(password: str, *, user_words: tuple[str, ...] = ()) -> None:
    problem = password_problem(password, context_words=user_words)
    if problem is not None:
        raise PasswordRejected(problem)


def create_user(
    email: str,
    full_name: str,
    *,
    roles: set[Role] | frozenset[Role],
    password: str | None,
    by: User | None,
    confirmed: bool = True,
    now: datetime | None = None,
) -> User:
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise EmailTaken(_l("An account with this email address already exists. Sign in, or reset your password."))
    if password is not None:
        check_new_password(password, user_words=(email.split("@")[0], full_name))
    now = now or utcnow()
    user = User(
        email=email,
        full_name=full_name.strip(),
        password_hash=_hasher.hash(password) if password else None,
        created_at=now,
        email_confirmed_at=now if confirmed else None,
        role_rows=[UserRole(role=Role(role)) for role in sorted(roles)],
    )
    db.session.add(user)
    audit.record("user.created", user, by=by, after={"email": email, "roles": sorted(roles)}, now=now)
    return user


def register_applicant(email: str, full_name: str, password: str, *, now: datetime | None = None) -> tuple[User, bool]:
    """Self-service sign-up. Returns ``(user, needs_confirming)``.

    A new address gets an unconfirmed account (it signs in only after the e-mailed link is
    followed). An address whose account was never confirmed takes the latest name and password,
    so whoever owns the address decides them. ``needs_confirming`` is False when the address
    already has a confirmed account: nothing changes, and the caller must answer exactly as for
    a new address (and tell the owner by e-mail), so sign-up never reveals who has an account.
    """
    check_new_password(password, user_words=(normalise_email(email).split("@")[0], full_name))
    new_hash = _hasher.hash(password)  # hashed in every case: each answer takes the same time
    existing = find_user_by_email(email)
    if existing is not None and existing.email_confirmed_at is not None:
        return existing, False
    if existing is not None:
        existing.full_name = full_name.strip()
        existing.password_hash = new_hash
        audit.record("user.sign_up_repeated", existing, by=None, now=now)
        return existing, True
    user = create_user(email, full_name, roles={Role.APPLICANT}, password=None, by=None, confirmed=False, now=now)
    user.password_hash = new_hash
    db.session.flush()
    return user, True


def confirm_email(user: User, *, now: datetime | None = None) -> None:
    """The person followed the link sent to their address: the account now works."""
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now or utcnow()
        audit.record("user.email_confirmed", user, by=user, now=now)


def authenticate(email: str, password: str) -> User | None:
    """The user these credentials belong to, or None. Takes the same time whether or not the
    address exists, and re-hashes old hashes when the library's parameters change."""
    user = find_user_by_email(email)
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.password_hash or not user.is_enabled:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def set_password(user: User, new_password: str, *, by: User | None, now: datetime | None = None) -> None:
    check_new_password(new_password, user_words=(user.email.split("@")[0], user.full_name))
    user.password_hash = _hasher.hash(new_password)
    end_all_sessions(user, reason="password_changed", now=now)
    audit.record("user.password_changed", user, by=by, now=now)


def set_roles(user: User, roles: set[Role], *, by: User, now: datetime | None = None) -> None:
    before = sorted(user.roles)
    user.role_rows = [row for row in user.role_rows if row.role in roles]
    for role in roles - set(user.roles):
        user.role_rows.append(UserRole(role=role))
    audit.record("user.roles_changed", user, by=by, before={"roles": before}, after={"roles": sorted(roles)}, now=now)


def disable_user(user: User, *, by: User, now: datetime | None = None) -> None:
    user.is_enabled = False
    end_all_sessions(user, reason="user_disabled", now=now)
    audit.record("user.disabled", user, by=by, now=now)


# --- server-side sessions -------------------------------------------------------------------


@dataclass(frozen=True)
class SessionLimits:
    idle: timedelta
    absolute: timedelta


def start_session(
    user: User, *, ip_address: str | None, user_agent: str | None, now: datetime | None = None
) -> tuple[UserSession, str]:
    """A new session for ``user``; returns the row and the token for the cookie (kept nowhere else)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = UserSession(
        user=user,
        token_hash=hash_token(token),
        created_at=now,
        last_seen_at=now,
        ip_address=(ip_address or "")[:45] or None,
        user_agent=(user_agent or "")[:300] or None,
    )
    db.session.add(row)
    user.last_signed_in_at = now
    audit.record("user.signed_in", user, by=user, now=now)
    return row, token


def find_live_session(token: str, limits: SessionLimits, *, now: datetime | None = None) -> UserSession | None:
    """The session named by ``token`` if it is still live; ends it (and returns None) if it has
    timed out."""
    if not token:
        return None
    now = now or utcnow()
    row = (
        db.session.execute(
            select(UserSession)
            .where(UserSession.token_hash == hash_token(token))
            .options(joinedload(UserSession.user).joinedload(User.role_rows))  # every request needs both
        )
        .unique()
        .scalar_one_or_none()
    )
    if row is None or row.ended_at is not None:
        return None
    if now - row.last_seen_at > limits.idle:
        _end(row, "idle_timeout", now)
        return None
    if now - row.created_at > limits.absolute:
        _end(row, "absolute_timeout", now)
        return None
    if not row.user.is_enabled:
        _end(row, "user_disabled", now)
        return None
    return row


def session_owner(token: str) -> int | None:
    """Whose session the token named, live or ended (to keep an ended session's unsaved typing)."""
    if not token:
        return None
    return db.session.scalar(select(UserSession.user_id).where(UserSession.token_hash == hash_token(token)))


def _end(row: UserSession, reason: str, now: datetime) -> None:
    row.ended_at = now
    row.end_reason = reason


def end_session(token: str, *, reason: str = "signed_out", now: datetime | None = None) -> None:
    """Sign out: ends the session named by ``token`` and every other session of its user (a
    forgotten session on a shared computer ends too)."""
    row = db.session.scalar(select(UserSession).where(UserSession.token_hash == hash_token(token)))
    if row is not None and row.ended_at is None:
        now = now or utcnow()
        _end(row, reason, now)
        end_all_sessions(row.user, reason=reason, now=now)
        audit.record("user.signed_out", row.user, by=row.user, now=now)


def end_all_sessions(user: User, *, reason: str, now: datetime | None = None) -> None:
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=now or utcnow(), end_reason=reason)
    )


# --- password reset -------------------------------------------------------------------------


def request_password_reset(email: str, *, valid_for: timedelta, now: datetime | None = None) -> tuple[User, str] | None:
    """A reset token for the account with this address, or None if there is no such account.
    Callers must answer the person the same way in both cases."""
    user = find_user_by_email(email)
    if user is None or not user.is_enabled:
        return None
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordResetToken(user=user, token_hash=hash_token(token), created_at=now, expires_at=now + valid_for)
    )
    audit.record("user.password_reset_requested", user, by=None, now=now)
    return user, token


def find_reset_token(token: str, *, now: datetime | None = None) -> PasswordResetToken | None:
    now = now or utcnow()
    row = db.session.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == hash_token(token)))
    if row is None or row.used_at is not None or row.expires_at <= now:
        return None
    return row


def reset_password(token: str, new_password: str, *, now: datetime | None = None) -> User:
    now = now or utcnow()
    row = find_reset_token(token, now=now)
    if row is None:
        raise ServiceError(_l("This link has expired or has already been used. Ask for a new one."))
    set_password(row.user, new_password, by=row.user, now=now)
    confirm_email(row.user, now=now)  # the link reached them: they own the address
    row.used_at = now
    # Any other unused links for this user stop working too.
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == row.user_id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    return row.user
