"""Signing in, signing out and where each role lands."""

from __future__ import annotations

import pytest

from tests.helpers import page_title, visible_text


@pytest.mark.parametrize(
    ("role", "path", "heading"),
    [
        ("applicant", "/applicant/", "Your applications"),
        ("panel_member", "/panel/", "Your panel work"),
        ("officer", "/officers/", "Funds and rounds"),
        ("admin", "/admin/", "Users"),
    ],
)
def test_each_role_lands_on_its_own_home_page(client, make_user, sign_in, role, path, heading):
    user = make_user(roles={role})
    response = sign_in(user)
    assert response.headers["Location"] == path
    page = client.get(path)
    assert page.status_code == 200
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page.data.decode()
    assert page_title(page.data).startswith(heading)


def test_wrong_password_keeps_the_email_and_says_what_to_do(client, make_user):
    user = make_user(email="amina@example.org")
    response = client.submit("/sign-in", {"email": "amina@example.org", "password": "not the password"})
    assert response.status_code == 200
    text = visible_text(response.data)
    assert "There is a problem" in text
    assert "Enter a correct email address and password" in text
    assert 'value="amina@example.org"' in response.data.decode()
    assert page_title(response.data).startswith("Error: Sign in")
    assert user.last_signed_in_at is None


def test_each_demo_account_signs_in_to_its_own_home_page(app, db):
    """Demo staff accounts have no app yet: they set up two-factor sign-in first, then land home."""
    import re

    import pyotp

    from portal import demo

    accounts = demo.seed()
    db.session.commit()
    homes = {"applicant": "/applicant/", "panel member": "/panel/", "officer": "/officers/", "admin": "/admin/"}
    assert {role for role, _, _ in accounts} == set(homes)
    for role, email, password in accounts:
        browser = app.test_client()
        browser.stop_at_second_step = True
        response = browser.submit("/sign-in", {"email": email, "password": password})
        if role != "applicant":
            assert response.headers["Location"] == "/two-factor/set-up", role
            key = re.search(r'id="setup-key">([A-Z2-7 ]+)<', browser.get("/two-factor/set-up").data.decode()).group(1)
            codes = browser.submit("/two-factor/set-up", {"code": pyotp.TOTP(key.replace(" ", "")).now()})
            assert f'href="{homes[role]}"' in codes.data.decode(), role
        else:
            assert response.headers["Location"] == homes[role], role
        assert browser.get(homes[role]).status_code == 200


def test_the_link_to_create_an_account_is_part_of_one_sentence(client):
    """One sentence, one string to translate: the link sits inside it (a translator can move it)."""
    page = client.get("/sign-in").data.decode()
    assert '<a class="govuk-link" href="/sign-up">Create an account</a> to apply for a grant for your group.' in page
