"""The flask commands an operator runs."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.domain.roles import Role
from portal.models import Fund, User
from portal.services import accounts


def test_create_user_with_several_roles(app, db):
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "--email",
            "Olu@Council.example",
            "--name",
            "Olu Ade",
            "--role",
            "officer",
            "--role",
            "admin",
            "--password",
            "budget meeting on friday",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Created olu@council.example with roles: admin, officer" in result.output
    user = db.session.scalar(select(User).where(User.email == "olu@council.example"))
    assert user.roles == {Role.OFFICER, Role.ADMIN}
    assert accounts.authenticate("olu@council.example", "budget meeting on friday") == user


def test_create_user_explains_a_weak_password_and_creates_nothing(app, db):
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "--email",
            "x@council.example",
            "--name",
            "X",
            "--role",
            "officer",
            "--password",
            "letmein",
        ]
    )
    assert result.exit_code == 1
    assert "Your password must be at least 8 characters long." in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_create_user_refuses_an_unknown_role(app):
    result = app.test_cli_runner().invoke(
        args=["create-user", "--email", "x@council.example", "--name", "X", "--role", "mayor", "--password", "p" * 12]
    )
    assert result.exit_code == 2
    assert "'mayor' is not one of" in result.output


def test_seed_demo_prints_the_accounts_and_only_loads_once(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "officer@demo.example" in first.output
    assert db.session.scalar(select(func.count(Fund.id))) == 1
    second = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "already has data" in second.output
    assert db.session.scalar(select(func.count(Fund.id))) == 1


def test_send_outbox_sends_what_is_waiting(app, db, outbox, make_user):
    from portal.services import notifications

    notifications.queue_email(make_user(email="someone@example.org"), "welcome", subject="Hello")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["send-outbox"])
    assert "Sent 1 e-mail(s)." in result.output
    assert [m["to"] for m in outbox] == ["someone@example.org"]
