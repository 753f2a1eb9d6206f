"""Equality monitoring answers are special-category data: optional, seen by the group that gave them,
and otherwise only counted across groups (the dashboard, with small numbers hidden: see
tests/services/test_monitoring.py and test_return_took_part.py). No other page or export shows one
group's answers: not the officers' view of the group, not the exports, not the public register."""

from __future__ import annotations

import io
import zipfile

import pytest

from portal.domain.roles import Role
from portal.domain.workflow import AwardStatus, ReturnStatus
from tests.helpers import visible_text

# Labels and codes that would give a group's answers away (no other text on these pages uses them).
GIVEAWAYS = ("LGBTQ+", "lgbtq", "Refugees, asylum seekers", "refugees_migrants")


@pytest.fixture
def answered(db, login_as, make_user, make_organisation, make_application, make_award, make_return):  # noqa: ANN001, ANN201
    member = make_user(full_name="Amina Khan", roles={Role.APPLICANT})
    group = make_organisation(
        members=[member], name="Rainbow Refuge", led_by=["lgbtq"], works_with=["refugees_migrants"]
    )
    application = make_application(organisation=group, applicant=member, submit=True)
    award = make_award(application=application, status=AwardStatus.ACCEPTED)
    make_return(award=award, status=ReturnStatus.ACCEPTED, took_part=["lgbtq", "refugees_migrants"])
    return group, member, application.round


def test_the_group_sees_its_own_answers(client, sign_in, answered):
    group, member, _ = answered
    sign_in(member)
    text = visible_text(client.get(f"/applicant/organisations/{group.id}").data)
    assert "Who leads your group LGBTQ+ people" in text
    assert "Who you mainly work with Refugees, asylum seekers or migrants" in text


def test_an_officer_reading_the_group_does_not_see_its_answers(client, login_as, answered):
    group, _, _ = answered
    login_as("officer")
    text = visible_text(client.get(f"/applicant/organisations/{group.id}").data)
    assert "Rainbow Refuge" in text
    assert "Who leads" not in text and "Who you mainly work with" not in text
    for giveaway in GIVEAWAYS:
        assert giveaway not in text


def test_no_export_carries_a_groups_answers(client, login_as, answered):
    _, _, round_ = answered
    login_as("officer")
    base = f"/officers/rounds/{round_.id}/exports"
    page = client.get(base).get_data(as_text=True)
    tables = sorted({part.split(".csv")[0] for part in page.split(f"{base}/")[1:] if ".csv" in part.split('"')[0]})
    assert "awards" in tables
    bodies = {f"{table}.csv": client.get(f"{base}/{table}.csv").get_data(as_text=True) for table in tables}
    bodies["360giving.json"] = client.get(f"{base}/360giving.json").get_data(as_text=True)
    with zipfile.ZipFile(io.BytesIO(client.get(f"{base.removesuffix('/exports')}/exports.xlsx").data)) as workbook:
        bodies["xlsx"] = " ".join(workbook.read(n).decode("utf-8", "replace") for n in workbook.namelist())
    assert "Rainbow Refuge" in bodies["awards.csv"]
    for name, body in bodies.items():
        for giveaway in GIVEAWAYS:
            assert giveaway not in body, (name, giveaway)


def test_the_public_register_does_not_carry_a_groups_answers(client, answered):
    for url in ("/awards", "/progress", "/stories"):
        text = client.get(url).get_data(as_text=True)
        for giveaway in GIVEAWAYS:
            assert giveaway not in text, (url, giveaway)
