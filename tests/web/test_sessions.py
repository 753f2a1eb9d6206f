"""Sign-out really ends the session on the server; sessions rotate at sign-in and time out."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.db import utcnow
from portal.models import UserSession
from tests.helpers import visible_text

COOKIE = "portal_session"


def test_a_cookie_replayed_after_sign_out_is_refused(app, client, make_user, sign_in):
    user = make_user()
    sign_in(user)
    stolen = client.get_cookie(COOKIE).value
    assert client.get("/applicant/").status_code == 200

    page = client.get("/applicant/")
    from tests.helpers import csrf_token_from

    response = client.post("/sign-out", data={"csrf_token": csrf_token_from(page.data)})
    assert response.headers["Location"] == "/"
    assert "You have signed out." in visible_text(client.get("/").data)

    attacker = app.test_client()
    attacker.set_cookie(COOKIE, stolen)
    replay = attacker.get("/applicant/")
    assert replay.status_code == 302
    assert replay.headers["Location"].startswith("/sign-in")


def test_the_session_is_rotated_at_sign_in(app, client, make_user):
    user = make_user()
    client.get("/sign-in")
    before = client.get_cookie(COOKIE).value
    from tests.helpers import csrf_token_from

    token = csrf_token_from(client.get("/sign-in").data)
    client.post("/sign-in", data={"csrf_token": token, "email": user.email, "password": "correct horse battery staple"})
    after = client.get_cookie(COOKIE).value
    assert after != before
    # Someone holding the cookie from before sign-in (session fixation) is not signed in.
    planted = app.test_client()
    planted.set_cookie(COOKIE, before)
    assert planted.get("/applicant/").status_code == 302


def test_an_idle_session_ends_and_the_user_is_told_why(client, db, make_user, sign_in, monkeypatch):
    user = make_user()
    sign_in(user)
    later = utcnow() + timedelta(minutes=61)
    monkeypatch.setattr("portal.web_sessions.utcnow", lambda: later)
    response = client.get("/applicant/")
    assert response.status_code == 302
    assert "expired=1" in response.headers["Location"]
    assert "next=/applicant/" in response.headers["Location"]
    page = client.get(response.headers["Location"])
    assert "You were signed out because you had not used the service for a while" in visible_text(page.data)
    assert db.session.scalar(select(UserSession.end_reason).where(UserSession.user_id == user.id)) == "idle_timeout"


def test_an_active_session_is_kept_alive(client, make_user, sign_in, monkeypatch):
    user = make_user()
    sign_in(user)
    start = utcnow()
    for minutes in (50, 100, 150):  # each request within the idle limit of the last
        monkeypatch.setattr("portal.web_sessions.utcnow", lambda m=minutes: start + timedelta(minutes=m))
        assert client.get("/applicant/").status_code == 200


def test_a_disabled_user_is_signed_out_at_once(client, db, make_user, sign_in):
    user = make_user()
    sign_in(user)
    user.is_enabled = False
    db.session.commit()
    assert client.get("/applicant/").status_code == 302


def test_cookie_flags(client, make_user):
    user = make_user()
    response = client.submit("/sign-in", {"email": user.email, "password": "correct horse battery staple"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Expires" not in cookie  # a browser-session cookie; time-outs are enforced on the server


def test_secure_cookie_in_production(make_app):
    app = make_app(ENV="production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
