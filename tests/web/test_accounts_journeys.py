"""Sign up, reset a forgotten password, redirects after sign-in, rate limits."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.models import User
from tests.helpers import csrf_token_from, page_title, visible_text


def confirm_link(message: dict) -> str:
    return re.search(r"http://localhost(/sign-up/confirm/\S+)", message["body"]).group(1)


def sign_up(client, email: str, password: str = "sunflowers in the park", name: str = "Fatima Ali"):  # noqa: ANN001, ANN201, S107
    return client.submit("/sign-up", {"full_name": name, "email": email, "password": password})


def test_a_new_applicant_confirms_their_address_and_lands_on_their_home_page(client, db, outbox):
    response = sign_up(client, "Fatima@Example.org")
    assert response.headers["Location"] == "/sign-up/check-your-email"
    sent = visible_text(client.get("/sign-up/check-your-email").data)
    assert "We have sent an email to fatima@example.org. Open the link in it to finish creating your account." in sent
    assert [m["subject"] for m in outbox] == ["Confirm your email address"]
    user = db.session.scalar(select(User).where(User.email == "fatima@example.org"))
    assert user.roles == {"applicant"} and user.email_confirmed_at is None
    assert client.get("/applicant/").status_code == 302  # not signed in until the link is opened

    confirmed = client.get(confirm_link(outbox[0]))
    assert confirmed.headers["Location"] == "/applicant/"
    home = visible_text(client.get("/applicant/").data)
    assert "Your account has been created." in home
    assert "Fatima Ali" in home
    db.session.refresh(user)
    assert user.email_confirmed_at is not None
    assert [m["subject"] for m in outbox] == ["Confirm your email address", "Your account is ready"]
    # The link has done its job: opened again, it says so.
    again = client.get(confirm_link(outbox[0]))
    assert again.headers["Location"] == "/sign-in"


def test_sign_up_answers_the_same_whether_or_not_the_address_has_an_account(app, db, make_user, outbox):
    make_user(email="known@example.org", full_name="Kim Known")
    known_browser, new_browser = app.test_client(), app.test_client()
    known = sign_up(known_browser, "known@example.org", password="a different passphrase")
    new = sign_up(new_browser, "nobody@example.org", password="a different passphrase")
    assert known.status_code == new.status_code == 302
    assert known.headers["Location"] == new.headers["Location"]
    known_page = known_browser.get(known.headers["Location"])
    new_page = new_browser.get(new.headers["Location"])
    assert visible_text(known_page.data).replace("known@example.org", "X") == visible_text(new_page.data).replace(
        "nobody@example.org", "X"
    )
    assert page_title(known_page.data) == page_title(new_page.data)
    # The owner of the known address is told, by e-mail only; the account is unchanged.
    told = next(m for m in outbox if m["to"] == "known@example.org")
    assert told["subject"] == "Someone tried to create an account with your email address"
    assert "You already have an account, so nothing has changed." in told["body"]
    assert "http://localhost/password/forgot" in told["body"]
    assert [m["subject"] for m in outbox if m["to"] == "nobody@example.org"] == ["Confirm your email address"]
    signed_in = app.test_client().submit(
        "/sign-in", {"email": "known@example.org", "password": "correct horse battery staple"}
    )
    assert signed_in.headers["Location"] == "/applicant/"


def test_an_unconfirmed_account_cannot_sign_in_and_gets_a_new_link(client, outbox):
    sign_up(client, "rosa@example.org")
    response = client.submit("/sign-in", {"email": "rosa@example.org", "password": "sunflowers in the park"})
    assert response.status_code == 200
    assert "Confirm your email address first: we have sent you a new email with a link to open" in visible_text(
        response.data
    )
    assert [m["subject"] for m in outbox] == ["Confirm your email address"] * 2
    assert client.get(confirm_link(outbox[1])).headers["Location"] == "/applicant/"


def test_only_the_owner_of_the_address_decides_an_unconfirmed_accounts_password(app, client, outbox):
    # Someone else signs up with Rosa's address first (they never see the e-mail)…
    sign_up(app.test_client(), "rosa@example.org", password="the squatters passphrase", name="Not Rosa")
    # …then Rosa signs up: her name and password replace theirs, and the first link stops working.
    sign_up(client, "rosa@example.org", password="rosa chose a long sentence", name="Rosa Díaz")
    first, second = (confirm_link(m) for m in outbox)
    assert client.get(first).status_code == 404
    assert "The link to confirm your email address has expired, or a newer one was sent." in visible_text(
        client.get(first).data
    )
    assert client.get(second).headers["Location"] == "/applicant/"
    assert "Rosa Díaz" in visible_text(client.get("/applicant/").data)
    squatter = app.test_client().submit(
        "/sign-in", {"email": "rosa@example.org", "password": "the squatters passphrase"}
    )
    assert "Enter a correct email address and password" in visible_text(squatter.data)


def test_a_confirmation_link_that_was_tampered_with_does_not_work(client, outbox):
    sign_up(client, "tam@example.org")
    link = confirm_link(outbox[0])
    response = client.get(link[:-3] + "xyz")
    assert response.status_code == 404
    assert page_title(response.data).startswith("This link does not work")
    assert client.get("/sign-up/check-your-email", follow_redirects=False).status_code == 200
    assert client.get("/applicant/").status_code == 302


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


def _eleventh_is_refused(client, url: str, data: dict) -> None:  # noqa: ANN001
    token = csrf_token_from(client.get(url).data)
    statuses = [client.post(url, data={"csrf_token": token, **data}).status_code for _ in range(11)]
    assert 429 not in statuses[:10], statuses
    assert statuses[10] == 429
    blocked = client.post(url, data={"csrf_token": token, **data})
    assert blocked.status_code == 429
    assert page_title(blocked.data).startswith("Error: Too many attempts")
    assert "Wait a few minutes, then try again." in visible_text(blocked.data)


def test_sign_up_is_rate_limited(client):
    _eleventh_is_refused(client, "/sign-up", {"full_name": "Bot", "email": "bot@example.org", "password": "x"})


def test_asking_for_a_password_reset_is_rate_limited(client, outbox):
    _eleventh_is_refused(client, "/password/forgot", {"email": "someone@example.org"})


def test_setting_a_new_password_from_a_link_is_rate_limited(client, make_user, outbox):
    make_user(email="r@example.org")
    client.submit("/password/forgot", {"email": "r@example.org"})
    link = re.search(r"http://localhost(/password/reset/\S+)", outbox[0]["body"]).group(1)
    _eleventh_is_refused(client, link, {"password": "short", "confirm": "short"})


def test_the_sign_in_limit_also_counts_per_account_across_addresses(app, make_user):
    user = make_user()
    for n in range(10):
        browser = app.test_client()
        browser.environ_base["REMOTE_ADDR"] = f"10.0.0.{n}"
        response = browser.submit("/sign-in", {"email": user.email, "password": "wrong guess here"})
        assert response.status_code == 200
    fresh = app.test_client()
    fresh.environ_base["REMOTE_ADDR"] = "10.0.1.1"
    blocked = fresh.submit("/sign-in", {"email": user.email, "password": "correct horse battery staple"})
    assert blocked.status_code == 429


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [("/applicant/organisations/new", "/applicant/organisations/new"), ("//evil.example/x", "/applicant/")],
)
def test_the_confirmation_link_goes_where_they_were_going_on_this_site_only(client, outbox, next_url, expected):
    client.submit(
        f"/sign-up?next={next_url}",
        {"full_name": "Nia", "email": "nia@example.org", "password": "sunflowers in the park"},
        from_url="/sign-up",
    )
    assert client.get(confirm_link(outbox[0])).headers["Location"] == expected
