"""The pure two-factor rules: who must use it, code shapes, and which time steps are still open."""

from __future__ import annotations

import pytest

from portal.domain import two_factor as rules
from portal.domain.roles import Role


def test_the_setting_names_roles_and_unknown_names_are_refused():
    assert rules.parse_roles("officer, admin,panel_member") == {Role.OFFICER, Role.ADMIN, Role.PANEL_MEMBER}
    assert rules.parse_roles("") == frozenset()
    with pytest.raises(ValueError, match="unknown role"):
        rules.parse_roles("officer,superuser")


def test_required_when_any_role_is_listed():
    required = frozenset({Role.OFFICER})
    assert rules.is_required({Role.APPLICANT, Role.OFFICER}, required)
    assert not rules.is_required({Role.APPLICANT}, required)
    assert not rules.is_required({Role.OFFICER}, frozenset())


@pytest.mark.parametrize(
    ("typed", "expected"),
    [(" 123 456 ", "123456"), ("123-456", "123456"), ("ABCDE-FGHJK", "abcdefghjk"), ("", "")],
)
def test_typed_codes_are_normalised(typed, expected):
    assert rules.normalise_code(typed) == expected


def test_code_shapes():
    assert rules.is_totp_shape("012345")
    assert not rules.is_totp_shape("12345")
    assert not rules.is_totp_shape("١٢٣٤٥٦")  # Arabic-Indic digits are digits, but not a code
    code = rules.new_recovery_codes(1)[0]
    assert rules.is_recovery_shape(code)
    assert not rules.is_recovery_shape("abcdefghi0")  # 0 is never in a recovery code


def test_a_step_is_open_once_and_never_after_a_later_one():
    assert rules.candidate_steps(100, None) == [99, 100, 101]
    assert rules.candidate_steps(100, 99) == [100, 101]
    assert rules.candidate_steps(100, 100) == [101]
    assert rules.candidate_steps(100, 101) == []


def test_ten_different_recovery_codes_shown_in_two_groups():
    codes = rules.new_recovery_codes()
    assert len(codes) == 10 and len(set(codes)) == 10
    assert rules.format_recovery_code("abcdefghjk") == "abcde-fghjk"
    assert rules.normalise_code(rules.format_recovery_code(codes[0])) == codes[0]


def test_time_steps_are_thirty_seconds():
    assert rules.time_step(0) == 0
    assert rules.time_step(29.9) == 0
    assert rules.time_step(30) == 1
