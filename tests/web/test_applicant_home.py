"""A group's home lists its applications, each with where it is and a way back to it: a draft goes
to its task list, a sent one to its status page; a decision shows only once it is released."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from portal.domain.workflow import ApplicationStatus, DecisionOutcome
from portal.models import FundingDecision
from tests.helpers import visible_text


def test_the_home_page_lists_every_application_of_the_groups_with_its_stage(
    client, db, login_as, make_organisation, make_round, make_application, make_panel
):
    amina = login_as("applicant", full_name="Amina Khan")
    group = make_organisation(members=[amina], name="Sparkhill Women's Circle")
    round_ = make_round(title="Community grants 2027", reference_prefix="CIF-2027-")
    draft = make_application(round_=round_, organisation=group, applicant=amina, title="Sewing club")
    sent = make_application(round_=make_round(title="Spring round"), organisation=group, applicant=amina, submit=True)
    decided = make_application(round_=round_, organisation=group, applicant=amina, submit=True)
    make_application(submit=True)  # another group's: never listed
    decided.status = ApplicationStatus.DECIDED
    db.session.add(
        FundingDecision(application=decided, outcome=DecisionOutcome.FUND, amount=Decimal(2000), reason="Strong")
    )
    panel = make_panel(round_=round_, members=0)
    db.session.commit()

    html = client.get("/applicant/").data.decode()
    page = visible_text(html)
    assert "Sewing club Sparkhill Women's Circle · Community grants 2027 Not sent yet" in page
    assert f"Sparkhill Women's Circle · Spring round · {sent.reference} Being checked" in page
    assert f"· Community grants 2027 · {decided.reference} With the panel" in page  # not released yet
    assert page.count("Sparkhill Women's Circle ·") == 3
    assert f'href="/applicant/applications/{draft.id}"' in html
    assert f'href="/applicant/applications/{sent.id}/status"' in html

    panel.decisions_released_at = datetime.now(UTC)
    db.session.commit()
    assert f"{decided.reference} Decision made" in visible_text(client.get("/applicant/").data)


def test_a_group_with_no_applications_is_told_so(client, login_as, make_organisation):
    amina = login_as("applicant")
    make_organisation(members=[amina])
    assert "You have not started an application yet." in visible_text(client.get("/applicant/").data)
