"""Two-factor secrets are encrypted in the database (portal.db.Sealed, PORTAL_TWO_FACTOR_KEYS): a
copy of the database makes no codes; a new key can be put first and the old one taken out after
`flask reseal-two-factor`; a secret no key opens stops the sign-in instead of passing for none."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select, text

from portal.db import sealer_for
from portal.models import AuditEvent, User
from tests.conftest import TEST_TWO_FACTOR_KEY

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NEW_KEY = "bmV3LXR3by1mYWN0b3Ita2V5LTMyLWJ5dGVzLSEhISE="


def stored(db, user: User) -> str:  # noqa: ANN001
    return db.session.execute(text("SELECT two_factor_secret FROM users WHERE id = :id"), {"id": user.id}).scalar()


@contextmanager
def keys(app, *keys: str) -> Iterator[None]:  # noqa: ANN001
    """The app as if started with ``PORTAL_TWO_FACTOR_KEYS=<keys>``; the test key again afterwards."""
    app.extensions["sealer"] = sealer_for(keys)
    try:
        yield
    finally:
        app.extensions["sealer"] = sealer_for((TEST_TWO_FACTOR_KEY,))


def read_back(db, user: User) -> str | None:  # noqa: ANN001
    db.session.expire_all()
    return db.session.get(User, user.id).two_factor_secret


def test_the_database_holds_a_token_that_only_the_key_opens(db, make_user):
    user = make_user()
    user.two_factor_secret = SECRET
    db.session.commit()
    token = stored(db, user)
    assert SECRET not in token and len(token) <= 255
    assert Fernet(TEST_TWO_FACTOR_KEY).decrypt(token.encode()).decode() == SECRET
    with pytest.raises(InvalidToken):
        Fernet(NEW_KEY).decrypt(token.encode())
    assert read_back(db, user) == SECRET
    assert user.has_two_factor


def test_a_new_key_put_first_seals_new_secrets_and_still_opens_the_old_ones_until_resealed(app, db, make_user):
    old_user, new_user = make_user(), make_user()
    old_user.two_factor_secret = SECRET
    db.session.commit()
    old_token = stored(db, old_user)
    with keys(app, NEW_KEY, TEST_TWO_FACTOR_KEY):  # the new key put first
        new_user.two_factor_secret = SECRET
        db.session.commit()
        assert Fernet(NEW_KEY).decrypt(stored(db, new_user).encode()).decode() == SECRET
        assert read_back(db, old_user) == SECRET  # the old key still opens it

        result = app.test_cli_runner().invoke(args=["reseal-two-factor"])
        assert result.exit_code == 0, result.output
        assert "Encrypted 2 two-factor secret(s) again" in result.output
        assert stored(db, old_user) != old_token
    with keys(app, NEW_KEY):  # the old key taken out
        assert read_back(db, old_user) == SECRET and read_back(db, new_user) == SECRET
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.two_factor_resealed")).one()
    assert event.after == {"accounts": 2}


def test_a_secret_no_key_opens_fails_closed_until_the_account_is_reset(app, db, make_user):
    lost, kept = make_user(email="lost@example.org"), make_user(email="kept@example.org")
    lost.two_factor_secret = SECRET
    db.session.commit()
    with keys(app, NEW_KEY):  # the key it was sealed with is lost
        kept.two_factor_secret = SECRET  # sealed with the new key
        db.session.commit()
        db.session.expire_all()
        with pytest.raises(InvalidToken):  # never read as "no second factor"
            db.session.get(User, lost.id)
        db.session.rollback()
        runner = app.test_cli_runner()
        refused = runner.invoke(args=["reseal-two-factor"])
        assert refused.exit_code != 0 and "--reset-unreadable" in refused.output
        result = runner.invoke(args=["reseal-two-factor", "--reset-unreadable"])
        assert result.exit_code == 0, result.output
        assert "Reset two-factor sign-in for lost@example.org" in result.output and "kept@" not in result.output
        assert read_back(db, lost) is None and read_back(db, kept) == SECRET
        resets = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.two_factor_reset")).all()
        assert [event.object_id for event in resets] == [lost.id]


def test_no_secret_stays_null(db, make_user):
    user = make_user()
    db.session.commit()
    assert stored(db, user) is None and read_back(db, user) is None
