"""Fixtures shared by the page tests."""

from __future__ import annotations

import pytest

from portal.models import Locality


@pytest.fixture
def applicant_with_group(client, db, login_as, make_organisation, make_round):  # noqa: ANN001, ANN201
    user = login_as("applicant", full_name="Amina Khan")
    group = make_organisation(members=[user], name="Sparkhill Women's Circle")
    round_ = make_round(title="Community grants 2027", reference_prefix="CIF-2027-")
    db.session.add(Locality(name="Hall Green"))
    db.session.commit()
    return user, group, round_
