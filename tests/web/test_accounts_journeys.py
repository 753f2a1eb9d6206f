"""Sign up, reset a forgotten password, redirects after sign-in, rate limits."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.models import User
from tests.helpers import csrf_token_from, page_title, visible_text


def test_a_new_applicant_signs_up_and_lands_on_their_home_page(client, db, outbox):
    response = client.submit(
        "/sign-up",
        {"full_name": "Fatima Ali", "email": "Fatima@Example.org", "password": "sunflowers in the park"},
    )
    assert response.headers["Location"] == "/applicant/"
    home = visible_text(client.get("/applicant/").data)
    assert "Your account has been created." in home
    assert "Fatima Ali" in home
    user = db.session.scalar(select(User).where(User.email == "fatima@example.org"))
    assert user.roles == {"applicant"}
    assert [m["subject"] for m in outbox] == ["Your account is ready"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"full_name": "", "email": "a@example.org", "password": "sunflowers in the park"}, "Enter your full name"),
        (
            {"full_name": "A", "email": "not-an-email", "password": "sunflowers in the park"},
            "Enter an email address in the correct format, like name@example.com",
        ),
        (
            {"full_name": "A", "email": "a@example.org", "password": "short"},
            "Your password must be at least 8 characters long.",
        ),
        ({"full_name": "A", "email": "a@example.org", "password": "password123"}, "This password is too common"),
    ],
)
def test_sign_up_errors_keep_what_was_typed(client, fields, message):
    response = client.submit("/sign-up", fields)
    html = response.data.decode()
    assert response.status_code == 200
    assert page_title(html).startswith("Error: Create an account")
    assert message in visible_text(html)
    if fields["full_name"]:
        assert f'value="{fields["full_name"]}"' in html
    assert f'value="{fields["email"]}"' in html


def test_signing_up_twice_with_one_address_is_explained(client, make_user):
    make_user(email="taken@example.org")
    response = client.submit(
        "/sign-up", {"full_name": "B", "email": "taken@example.org", "password": "sunflowers in the park"}
    )
    assert "An account with this email address already exists" in visible_text(response.data)


def test_forgotten_password_by_emailed_link(client, make_user, outbox):
    user = make_user(email="kasia@example.org", full_name="Kasia Nowak")
    response = client.submit("/password/forgot", {"email": "kasia@example.org"})
    assert "Check your email" in visible_text(response.data)
    assert len(outbox) == 1
    link = re.search(r"http://localhost(/password/reset/\S+)", outbox[0]["body"]).group(1)
    assert "Hello Kasia Nowak" in outbox[0]["body"]

    changed = client.submit(link, {"password": "new kettle for the hall", "confirm": "new kettle for the hall"})
    assert changed.headers["Location"] == "/sign-in"
    signed_in = client.submit("/sign-in", {"email": user.email, "password": "new kettle for the hall"})
    assert signed_in.status_code == 302
    # The link works only once.
    assert client.get(link).status_code == 404
    assert "This link does not work" in visible_text(client.get(link).data)


def test_forgotten_password_answers_the_same_for_unknown_addresses(client, make_user, outbox):
    make_user(email="known@example.org")
    known = visible_text(client.submit("/password/forgot", {"email": "known@example.org"}).data)
    unknown = visible_text(client.submit("/password/forgot", {"email": "nobody@example.org"}).data)
    assert known.replace("known@example.org", "X") == unknown.replace("nobody@example.org", "X")
    assert [m["to"] for m in outbox] == ["known@example.org"]


def test_reset_with_mismatched_passwords_is_explained(client, make_user, outbox):
    make_user(email="m@example.org")
    client.submit("/password/forgot", {"email": "m@example.org"})
    link = re.search(r"http://localhost(/password/reset/\S+)", outbox[0]["body"]).group(1)
    response = client.submit(link, {"password": "new kettle for the hall", "confirm": "new kettle for the hal"})
    assert "The passwords do not match" in visible_text(response.data)


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/officers/", "/officers/"),
        ("https://evil.example/steal", "/officers/"),
        ("//evil.example/steal", "/officers/"),
        ("/\\evil.example", "/officers/"),
        ("javascript:alert(1)", "/officers/"),
    ],
)
def test_after_sign_in_only_relative_paths_are_followed(client, make_user, next_url, expected):
    user = make_user(roles={"officer"})
    response = client.submit(
        f"/sign-in?next={next_url}",
        {"email": user.email, "password": "correct horse battery staple"},
        from_url="/sign-in",
    )
    assert response.headers["Location"] == expected


def test_a_page_that_needs_sign_in_comes_back_after_it(client, make_user):
    user = make_user(roles={"officer"})
    first = client.get("/officers/")
    assert first.headers["Location"] == "/sign-in?next=/officers/"
    response = client.submit(
        "/sign-in?next=/officers/",
        {"email": user.email, "password": "correct horse battery staple"},
        from_url="/sign-in",
    )
    assert response.headers["Location"] == "/officers/"


def test_sign_in_is_rate_limited(client, make_user):
    user = make_user()
    page = client.get("/sign-in")
    token = csrf_token_from(page.data)
    statuses = [
        client.post(
            "/sign-in", data={"csrf_token": token, "email": user.email, "password": "wrong guess here"}
        ).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    blocked = client.post(
        "/sign-in", data={"csrf_token": token, "email": user.email, "password": "correct horse battery staple"}
    )
    assert blocked.status_code == 429
    assert page_title(blocked.data).startswith("Error: Too many attempts")


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("applicant", "/officers/"),
        ("applicant", "/admin/"),
        ("applicant", "/panel/"),
        ("panel_member", "/officers/"),
        ("officer", "/admin/"),
        ("officer", "/applicant/"),
    ],
)
def test_each_role_is_kept_to_its_own_pages(client, login_as, role, path):
    login_as(role)
    response = client.get(path)
    assert response.status_code == 403
    assert page_title(response.data).startswith("Error: You do not have permission to see this page")
