"""Password rules: length, a deny-list, no composition rules."""

from __future__ import annotations

import pytest

from portal.domain.passwords import MAX_LENGTH, password_problem


@pytest.mark.parametrize("password", ["password", "password1", "12345678", "qwertyuiop", "iloveyou", "PASSWORD"])
def test_common_passwords_are_refused(password):
    problem = password_problem(password)
    assert problem is not None
    assert "too common" in str(problem)


def test_too_short_is_refused_with_the_minimum_named():
    assert str(password_problem("Ab1!xyz")) == "Your password must be at least 8 characters long."


def test_no_composition_rules_a_long_lowercase_passphrase_is_fine():
    assert password_problem("correct horse battery staple") is None
    assert password_problem("kettle umbrella garden") is None


def test_long_passphrases_are_allowed_up_to_the_cap():
    assert password_problem("word " * (MAX_LENGTH // 5)) is None
    assert password_problem("x" * 100 + "y" * (MAX_LENGTH - 99)) is not None


def test_one_repeated_character_is_refused():
    assert str(password_problem("aaaaaaaaaaaa")) == "Choose a password that is harder to guess."


def test_the_users_own_name_or_email_is_refused():
    problem = password_problem("amina.khan1", context_words=("amina.khan", "Amina Khan"))
    assert problem is not None
    assert "your name" in str(problem)


def test_unicode_passphrases_are_fine():
    assert password_problem("چائے اور کتابیں ہمیشہ") is None
