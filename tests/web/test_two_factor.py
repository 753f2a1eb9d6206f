"""Two-factor sign-in on the pages: the second step, setting it up, recovery codes, turning it off,
an administrator's reset, and its rate limit."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import select

from portal.config import ConfigError
from portal.domain.roles import Role
from portal.models import AuditEvent, User
from portal.models.people import RecoveryCode
from tests.conftest import DEFAULT_PASSWORD, phone_code
from tests.helpers import csrf_token_from, page_title, visible_text

CODE_PAGE = "/sign-in/code"
SET_UP = "/two-factor/set-up"


def password_step(client, user, next_url: str | None = None):  # noqa: ANN001, ANN201
    """The first step only: the test types the code itself."""
    client.stop_at_second_step = True
    url = f"/sign-in?next={next_url}" if next_url else "/sign-in"
    return client.submit(url, {"email": user.email, "password": DEFAULT_PASSWORD}, from_url="/sign-in")


def secret_on(page_html: str) -> str:
    match = re.search(r'id="setup-key">([A-Z2-7 ]+)<', page_html)
    assert match, "no setup key on the page"
    return match.group(1).replace(" ", "")


def recovery_codes_on(page_html: str) -> list[str]:
    return re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", page_html)


# --- the second step ----------------------------------------------------------------------------------


def test_the_password_alone_does_not_sign_an_officer_in(client, make_user):
    officer = make_user(roles={Role.OFFICER})
    response = password_step(client, officer)
    assert response.headers["Location"] == CODE_PAGE
    # Half signed in is not signed in: no page of the service opens.
    assert client.get("/officers/").headers["Location"].startswith("/sign-in")
    page = client.get(CODE_PAGE)
    assert page_title(page.data).startswith("Enter the code from your app")
    assert "I do not have my phone" in visible_text(page.data)


def test_the_code_from_the_app_signs_in_and_goes_where_they_were_going(client, db, make_user):
    officer = make_user(roles={Role.OFFICER})
    password_step(client, officer, next_url="/officers/")
    done = client.submit(CODE_PAGE, {"code": phone_code(officer)})
    assert done.headers["Location"] == "/officers/"
    assert "Funds and rounds" in visible_text(client.get("/officers/").data)
    assert db.session.scalar(select(User.last_signed_in_at).where(User.id == officer.id)) is not None


def test_a_wrong_code_is_explained_and_nobody_is_signed_in(client, make_user):
    officer = make_user(roles={Role.OFFICER})
    password_step(client, officer)
    wrong = "000000" if phone_code(officer) != "000000" else "111111"
    response = client.submit(CODE_PAGE, {"code": wrong})
    assert response.status_code == 200
    assert page_title(response.data).startswith("Error: Enter the code from your app")
    assert "The code is not right. Enter the code your app shows now, or a recovery code" in visible_text(response.data)
    assert 'value="' + wrong + '"' in response.data.decode()  # what was typed is kept
    assert client.get("/officers/").status_code == 302
    empty = client.submit(CODE_PAGE, {"code": ""})
    assert "Enter the code from your authenticator app" in visible_text(empty.data)


def test_a_code_used_once_cannot_be_used_again(app, client, make_user):
    officer = make_user(roles={Role.OFFICER})
    password_step(client, officer)
    code = phone_code(officer)
    assert client.submit(CODE_PAGE, {"code": code}).status_code == 302
    # Someone who watched the code being typed, and knows the password, tries it at once.
    onlooker = app.test_client()
    password_step(onlooker, officer)
    replay = onlooker.submit(CODE_PAGE, {"code": code})
    assert "The code is not right" in visible_text(replay.data)
    assert onlooker.get("/officers/").status_code == 302


def test_the_half_signed_in_state_lasts_only_a_few_minutes(client, make_user, monkeypatch):
    officer = make_user(roles={Role.OFFICER})
    password_step(client, officer)
    later = time.time() + 6 * 60
    monkeypatch.setattr("portal.web_sessions.time.time", lambda: later)
    response = client.get(CODE_PAGE)
    assert response.headers["Location"] == "/sign-in"
    assert "Sign in again: the page for your code was open for more than a few minutes." in visible_text(
        client.get("/sign-in").data
    )


def test_the_code_page_without_a_password_first_goes_to_sign_in(client):
    assert client.get(CODE_PAGE).headers["Location"] == "/sign-in"
    assert client.get(SET_UP).headers["Location"] == "/sign-in"


def test_a_password_alone_cannot_set_up_a_new_app_for_an_enrolled_account(client, make_user):
    officer = make_user(roles={Role.OFFICER})
    password_step(client, officer)
    assert client.get(SET_UP).headers["Location"] == CODE_PAGE


# --- setting it up ---------------------------------------------------------------------------------------


def test_an_officer_without_two_factor_sets_it_up_before_anything_else(client, db, make_user):
    officer = make_user(roles={Role.OFFICER}, two_factor=False)
    response = password_step(client, officer)
    assert response.headers["Location"] == SET_UP
    page = client.get(SET_UP)
    html = page.data.decode()
    assert page_title(html).startswith("Set up two-factor sign-in")
    assert 'src="data:image/svg+xml' in html  # the QR code, inline (the CSP allows data: images)
    secret = secret_on(html)
    assert len(secret) == 32
    assert client.get("/officers/").status_code == 302  # still not signed in

    wrong = client.submit(SET_UP, {"code": "12345"})
    assert page_title(wrong.data).startswith("Error: Set up two-factor sign-in")
    assert "The code is not right. Enter the 6-digit code your app shows now" in visible_text(wrong.data)
    assert secret_on(wrong.data.decode()) == secret  # the same key while they try again

    done = client.submit(SET_UP, {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    assert page_title(done.data).startswith("Save your recovery codes")
    codes = recovery_codes_on(done.data.decode())
    assert len(codes) == 10
    assert "You will not see these codes again" in visible_text(done.data)
    assert 'href="/officers/"' in done.data.decode()
    assert "Funds and rounds" in visible_text(client.get("/officers/").data)  # signed in now
    db.session.refresh(officer)
    assert officer.two_factor_secret == secret
    stored = set(db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == officer.id)))
    assert len(stored) == 10 and not {c.replace("-", "") for c in codes} & stored
    assert "user.two_factor_enrolled" in db.session.scalars(select(AuditEvent.action)).all()


def test_recovery_codes_each_sign_in_once(app, client, make_user):
    officer = make_user(roles={Role.OFFICER}, two_factor=False)
    password_step(client, officer)
    secret = secret_on(client.get(SET_UP).data.decode())
    codes = recovery_codes_on(client.submit(SET_UP, {"code": pyotp.TOTP(secret).now()}).data.decode())

    phone_lost = app.test_client()
    password_step(phone_lost, officer)
    used = phone_lost.submit(CODE_PAGE, {"code": codes[0]})
    assert used.headers["Location"] == "/officers/"
    assert "You used a recovery code. You have 9 left." in visible_text(phone_lost.get("/officers/").data)

    again = app.test_client()
    password_step(again, officer)
    assert "The code is not right" in visible_text(again.submit(CODE_PAGE, {"code": codes[0]}).data)


def test_a_signed_in_user_whose_role_now_needs_it_is_sent_to_set_it_up(client, db, make_user, sign_in):
    user = make_user(roles={Role.APPLICANT})
    sign_in(user)
    user.role_rows[0].role = Role.PANEL_MEMBER  # made a panel member while signed in
    db.session.commit()
    assert client.get("/panel/").headers["Location"] == SET_UP
    page = client.get(SET_UP)
    assert "Your account can see information about applicants and public money" in visible_text(page.data)
    assert "Sign out and do this later" in visible_text(page.data)


def test_roles_that_need_it_are_a_setting(make_app, make_user):
    other = make_app(TWO_FACTOR_ROLES="admin")
    officer = make_user(roles={Role.OFFICER}, two_factor=False)
    response = other.test_client().submit("/sign-in", {"email": officer.email, "password": DEFAULT_PASSWORD})
    assert response.headers["Location"] == "/officers/"
    with pytest.raises(ConfigError, match="PORTAL_TWO_FACTOR_ROLES: unknown role"):
        make_app(TWO_FACTOR_ROLES="officer,boss")


# --- optional for applicants --------------------------------------------------------------------------


def test_an_applicant_can_turn_it_on_and_off(app, client, db, make_user, sign_in):
    applicant = make_user()
    sign_in(applicant)
    account = client.get("/account/two-factor")
    assert "Two-factor sign-in is off" in visible_text(account.data)
    secret = secret_on(client.get(SET_UP).data.decode())
    done = client.submit(SET_UP, {"code": pyotp.TOTP(secret).now()})
    assert len(recovery_codes_on(done.data.decode())) == 10
    assert 'href="/applicant/"' in done.data.decode()
    assert "You have 10 recovery codes left." in visible_text(client.get("/account/two-factor").data)

    # From now on the applicant's sign-in has a second step.
    other = app.test_client()
    assert password_step(other, applicant).headers["Location"] == CODE_PAGE

    wrong = client.submit("/account/two-factor/turn-off", {"code": "000000"}, from_url="/account/two-factor")
    assert "The code is not right" in visible_text(wrong.data)
    db.session.refresh(applicant)
    off = client.submit("/account/two-factor/turn-off", {"code": phone_code(applicant)}, from_url="/account/two-factor")
    assert off.headers["Location"] == "/account/two-factor"
    assert "Two-factor sign-in is off. You will sign in with your password only." in visible_text(
        client.get("/account/two-factor").data
    )
    assert "user.two_factor_disabled" in db.session.scalars(select(AuditEvent.action)).all()


def test_an_officer_cannot_turn_it_off(client, make_user, sign_in):
    officer = make_user(roles={Role.OFFICER})
    sign_in(officer)
    page = client.get("/account/two-factor")
    assert "Your role needs two-factor sign-in, so it cannot be turned off" in visible_text(page.data)
    response = client.post(
        "/account/two-factor/turn-off", data={"csrf_token": csrf_token_from(page.data), "code": phone_code(officer)}
    )
    assert response.headers["Location"] == "/account/two-factor"
    assert officer.has_two_factor


# --- an administrator's reset -------------------------------------------------------------------------


def test_an_administrator_resets_it_and_the_person_sets_it_up_again(app, client, db, make_user, sign_in):
    officer = make_user(roles={Role.OFFICER}, full_name="Olu Officer")
    officers_browser = app.test_client()
    officers_browser.submit("/sign-in", {"email": officer.email, "password": DEFAULT_PASSWORD})
    assert officers_browser.get("/officers/").status_code == 200

    admin = make_user(roles={Role.ADMIN})
    sign_in(admin)
    listing = client.get("/admin/")
    assert "Reset two-factor sign-in for Olu Officer" in visible_text(listing.data)
    page = client.get(f"/admin/users/{officer.id}/two-factor")
    assert page_title(page.data).startswith("Reset two-factor sign-in for Olu Officer")
    done = client.submit(f"/admin/users/{officer.id}/two-factor", {})
    assert done.headers["Location"] == "/admin/"
    assert "Two-factor sign-in is reset for Olu Officer" in visible_text(client.get("/admin/").data)

    # Signed out everywhere; the next sign-in sets it up again.
    assert officers_browser.get("/officers/").status_code == 302
    assert password_step(app.test_client(), officer).headers["Location"] == SET_UP
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.two_factor_reset"))
    assert (event.actor_id, event.object_id) == (admin.id, officer.id)


def test_only_administrators_reset_it(client, make_user, login_as):
    officer = make_user(roles={Role.OFFICER})
    login_as("officer")
    response = client.get(f"/admin/users/{officer.id}/two-factor")
    assert response.status_code == 403
    assert page_title(response.data).startswith("Error: You do not have permission")


def test_resetting_someone_without_it_or_nobody_is_explained(client, make_user, login_as):
    login_as("admin")
    applicant = make_user(full_name="Amina Khan")
    response = client.get(f"/admin/users/{applicant.id}/two-factor")
    assert response.headers["Location"] == "/admin/"
    assert "Amina Khan has not set up two-factor sign-in." in visible_text(client.get("/admin/").data)
    assert client.get("/admin/users/99999/two-factor").status_code == 404


# --- rate limit -----------------------------------------------------------------------------------------


def test_code_attempts_are_rate_limited(client, make_user):
    officer = make_user(roles={Role.OFFICER})
    password_step(client, officer)
    token = csrf_token_from(client.get(CODE_PAGE).data)
    wrong = "000000" if phone_code(officer) != "000000" else "111111"
    statuses = [client.post(CODE_PAGE, data={"csrf_token": token, "code": wrong}).status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    blocked = client.post(CODE_PAGE, data={"csrf_token": token, "code": phone_code(officer)})
    assert blocked.status_code == 429
    assert page_title(blocked.data).startswith("Error: Too many attempts")
    assert "Wait a few minutes, then try again." in visible_text(blocked.data)


def test_signing_out_before_setting_it_up_forgets_the_password_step(client, make_user):
    officer = make_user(roles={Role.OFFICER}, two_factor=False)
    password_step(client, officer)
    page = client.get(SET_UP)
    response = client.post("/sign-out", data={"csrf_token": csrf_token_from(page.data)})
    assert response.headers["Location"] == "/"
    assert "You have signed out." in visible_text(client.get("/").data)
    assert client.get(SET_UP).headers["Location"] == "/sign-in"
