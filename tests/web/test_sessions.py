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


# --- every session of the user ends: sign-out, password change, disabling --------------------------


def _signed_in_browser(app, user):  # noqa: ANN001, ANN202
    browser = app.test_client()
    response = browser.submit("/sign-in", {"email": user.email, "password": "correct horse battery staple"})
    assert response.status_code == 302
    return browser


def _refused(app, cookie: str, path: str = "/applicant/") -> bool:  # noqa: ANN001
    replay = app.test_client()
    replay.set_cookie(COOKIE, cookie)
    response = replay.get(path)
    return response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_signing_out_ends_every_session_of_the_user(app, db, make_user):
    user = make_user()
    laptop = _signed_in_browser(app, user)
    library_pc = _signed_in_browser(app, user)
    forgotten = library_pc.get_cookie(COOKIE).value
    from tests.helpers import csrf_token_from

    laptop.post("/sign-out", data={"csrf_token": csrf_token_from(laptop.get("/applicant/").data)})
    assert _refused(app, forgotten)
    assert library_pc.get("/applicant/").status_code == 302
    reasons = set(db.session.scalars(select(UserSession.end_reason).where(UserSession.user_id == user.id)))
    assert reasons == {"signed_out"}


def test_a_password_change_ends_every_session_and_a_replayed_cookie_is_refused(app, client, db, make_user, outbox):
    import re

    user = make_user(email="pat@example.org")
    elsewhere = _signed_in_browser(app, user)
    stolen = elsewhere.get_cookie(COOKIE).value
    client.submit("/password/forgot", {"email": "pat@example.org"})
    link = re.search(r"http://localhost(/password/reset/\S+)", outbox[-1]["body"]).group(1)
    client.submit(link, {"password": "new kettle for the hall", "confirm": "new kettle for the hall"})
    assert _refused(app, stolen)
    assert elsewhere.get("/applicant/").status_code == 302
    reasons = set(db.session.scalars(select(UserSession.end_reason).where(UserSession.user_id == user.id)))
    assert reasons == {"password_changed"}


def test_disabling_a_user_ends_every_session_on_the_server(app, db, make_user):
    from portal.services import accounts

    admin = make_user(roles={"admin"})
    officer = make_user(roles={"officer"})
    office = _signed_in_browser(app, officer)
    home = _signed_in_browser(app, officer)
    copied = home.get_cookie(COOKIE).value
    accounts.disable_user(officer, by=admin)
    db.session.commit()
    assert office.get("/officers/").status_code == 302
    assert _refused(app, copied, "/officers/")
    reasons = set(db.session.scalars(select(UserSession.end_reason).where(UserSession.user_id == officer.id)))
    assert reasons == {"user_disabled"}
    # And the password no longer opens a new one.
    again = app.test_client().submit("/sign-in", {"email": officer.email, "password": "correct horse battery staple"})
    assert "Enter a correct email address and password" in visible_text(again.data)


def test_a_busy_session_still_ends_at_the_absolute_limit(client, db, make_user, sign_in, monkeypatch):
    user = make_user()
    sign_in(user)
    start = utcnow()
    for minutes in range(50, 12 * 60, 50):  # busy all day, never idle for an hour
        monkeypatch.setattr("portal.web_sessions.utcnow", lambda m=minutes: start + timedelta(minutes=m))
        assert client.get("/applicant/").status_code == 200, minutes
    monkeypatch.setattr("portal.web_sessions.utcnow", lambda: start + timedelta(hours=12, minutes=1))
    response = client.get("/applicant/")
    assert "expired=1" in response.headers["Location"]
    assert db.session.scalar(select(UserSession.end_reason).where(UserSession.user_id == user.id)) == (
        "absolute_timeout"
    )


def test_the_cookie_is_secure_in_production(make_app, make_user):
    production = make_app(ENV="production")
    user = make_user()
    response = production.test_client().submit(
        "/sign-in", {"email": user.email, "password": "correct horse battery staple"}
    )
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_an_officers_cookie_after_the_second_step_has_the_same_flags(client, make_user):
    officer = make_user(roles={"officer"})
    response = client.submit("/sign-in", {"email": officer.email, "password": "correct horse battery staple"})
    assert response.headers["Location"] == "/officers/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie  # http in development


# --- what the time-out warning asks ---------------------------------------------------------------------


def test_the_status_says_how_long_is_left_without_extending_the_session(client, db, make_user, sign_in, monkeypatch):
    assert client.get("/session/status").get_json() == {"signed_in": False, "seconds_left": 0}
    user = make_user()
    sign_in(user)
    status = client.get("/session/status").get_json()
    assert status["signed_in"] is True and 3590 <= status["seconds_left"] <= 3600
    start = db.session.scalar(select(UserSession.last_seen_at).where(UserSession.user_id == user.id))

    monkeypatch.setattr("portal.web_sessions.utcnow", lambda: start + timedelta(minutes=55))
    status = client.get("/session/status").get_json()
    assert status == {"signed_in": True, "seconds_left": 300}
    assert db.session.scalar(select(UserSession.last_seen_at).where(UserSession.user_id == user.id)) == start
    # Asking did not count as use: an hour after the last page, the session has ended.
    monkeypatch.setattr("portal.web_sessions.utcnow", lambda: start + timedelta(minutes=61))
    assert client.get("/session/status").get_json() == {"signed_in": False, "seconds_left": 0}
    assert client.get("/applicant/").status_code == 302


def test_the_status_counts_down_to_the_absolute_limit_when_that_is_sooner(client, db, make_user, sign_in, monkeypatch):
    user = make_user()
    sign_in(user)
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    row.last_seen_at = row.created_at + timedelta(hours=11, minutes=50)
    db.session.commit()
    monkeypatch.setattr("portal.web_sessions.utcnow", lambda: row.created_at + timedelta(hours=11, minutes=55))
    assert client.get("/session/status").get_json() == {"signed_in": True, "seconds_left": 300}


def test_keep_alive_extends_the_session_and_needs_the_csrf_token(client, db, make_user, sign_in, monkeypatch):
    from tests.helpers import csrf_token_from, page_title

    user = make_user()
    sign_in(user)
    token = csrf_token_from(client.get("/applicant/").data)
    start = db.session.scalar(select(UserSession.last_seen_at).where(UserSession.user_id == user.id))
    later = start + timedelta(minutes=55)
    monkeypatch.setattr("portal.web_sessions.utcnow", lambda: later)

    refused = client.post("/session/keep-alive")
    assert refused.status_code == 400
    assert page_title(refused.data).startswith("Error: Sorry, there is a problem with your request")
    assert db.session.scalar(select(UserSession.last_seen_at).where(UserSession.user_id == user.id)) == start

    kept = client.post("/session/keep-alive", headers={"X-CSRFToken": token, "Accept": "application/json"})
    assert kept.get_json() == {"signed_in": True, "seconds_left": 3600}
    assert db.session.scalar(select(UserSession.last_seen_at).where(UserSession.user_id == user.id)) == later
    # Still signed in 61 minutes after the last page, because of the keep-alive.
    monkeypatch.setattr("portal.web_sessions.utcnow", lambda: start + timedelta(minutes=61))
    assert client.get("/applicant/").status_code == 200


def test_keep_alive_without_a_session_says_so(client):
    from tests.helpers import csrf_token_from

    token = csrf_token_from(client.get("/sign-in").data)
    response = client.post("/session/keep-alive", data={"csrf_token": token}, headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.get_json() == {"signed_in": False, "seconds_left": 0}


def test_the_session_is_rotated_again_after_the_second_step(app, client, make_user):
    from tests.helpers import csrf_token_from

    officer = make_user(roles={"officer"})
    client.stop_at_second_step = True
    client.submit("/sign-in", {"email": officer.email, "password": "correct horse battery staple"})
    half = client.get_cookie(COOKIE).value
    from tests.conftest import phone_code

    token = csrf_token_from(client.get("/sign-in/code").data)
    client.post("/sign-in/code", data={"csrf_token": token, "code": phone_code(officer)})
    assert client.get_cookie(COOKIE).value != half
    assert client.get("/officers/").status_code == 200
    # The half-signed-in cookie was never a session, and is not one now.
    planted = app.test_client()
    planted.set_cookie(COOKIE, half)
    assert planted.get("/officers/").status_code == 302


def test_keep_alive_from_a_plain_form_goes_back_to_the_page(client, make_user, sign_in):
    from tests.helpers import csrf_token_from

    sign_in(make_user())
    token = csrf_token_from(client.get("/applicant/").data)
    back = client.post("/session/keep-alive", data={"csrf_token": token, "next": "/applicant/"})
    assert back.headers["Location"] == "/applicant/"
    away = client.post("/session/keep-alive", data={"csrf_token": token, "next": "https://evil.example/"})
    assert away.headers["Location"] == "/"
