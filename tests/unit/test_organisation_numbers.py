"""Charity and company numbers are checked for format."""

from __future__ import annotations

import pytest

from portal.domain.organisations import is_valid_charity_number, is_valid_company_number


@pytest.mark.parametrize("number", ["1012345", "509876", "1012345-1", "SC012345", "sc 012345", "NIC100123"])
def test_valid_charity_numbers(number):
    assert is_valid_charity_number(number)


@pytest.mark.parametrize("number", ["", "12345", "ABC", "10123456789", "SC12345"])
def test_invalid_charity_numbers(number):
    assert not is_valid_charity_number(number)


@pytest.mark.parametrize("number", ["01234567", "1234567", "SC123456", "NI012345", "oc 301234"])
def test_valid_company_numbers(number):
    assert is_valid_company_number(number)


@pytest.mark.parametrize("number", ["", "123456789", "S1234567", "ABCDEFGH"])
def test_invalid_company_numbers(number):
    assert not is_valid_company_number(number)
