"""One populated portal: every kind of record, in the states that show each page's real content.

``build_world()`` makes it through the factories and services (so its data is what the portal
itself would have written) and returns the ids in a ``World``. The page walks (tests/browser/
test_every_page.py), the authorisation matrix and the security headers walk (tests/web/) visit
every route of the app against it: tests/routes_table.py says, for each endpoint, which record of
the world its URL points at and who may see it.

The people:
    officer, admin          council staff
    applicant_a             owner of group A (and of group A2); Amina
    applicant_b             owner of group B; Bilal
    member                  a panel member assigned to three EOIs of the closed round
    conflicted              a panel member who declared a conflict on one of those EOIs
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app

from portal.domain.panel import ConflictKind, InterestKind
from portal.domain.returns import Consent
from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus, AwardStatus, ReturnStatus, RoundStatus
from portal.extensions import db
from portal.models import (
    ConflictDeclaration,
    FilePurpose,
    Interest,
    Locality,
    RoundCondition,
    Story,
    Ward,
)
from tests import factories

DEFAULT_PASSWORD_FOR_NEW = "a long and new pass phrase 2027"
PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082"
)


@dataclass(frozen=True)
class World:
    # people
    officer: int
    admin: int
    applicant_a: int
    applicant_b: int
    member: int
    conflicted: int
    # programme
    fund: int
    open_round: int
    closed_round: int
    stream: int
    measure: int
    criterion: int  # of the closed round
    open_criterion: int
    condition: int
    locality: int
    ward: int
    # groups and their EOIs
    group_a: int
    group_a2: int
    group_b: int
    draft: int  # group A, open round: complete but not sent
    sent_b: int  # group B, open round: sent, waiting for screening
    funded: int  # group A, closed round: decided, award accepted, letters issued
    offered: int  # group A2, closed round: decided, award offered
    with_panel: int  # group B, closed round: with the panel (the conflict is on this one)
    to_confirm: int  # another group, closed round: the member has not confirmed "no conflict" yet
    document: int  # group A's governing document
    # panel
    panel_member: int  # `member`'s PanelMember row
    conflicted_member: int
    review_submitted: int  # member on `funded`
    review_draft: int  # member on `with_panel`
    review_unconfirmed: int  # member on `to_confirm`
    interest: int  # member's register of interests
    # awards, letters, returns
    award_accepted: int
    award_offered: int
    award_letter: int
    batch: int
    return_due: int  # award_accepted, first period, not sent yet
    return_sent: int  # award_accepted, final period, sent and waiting for review
    story: int  # on return_due
    support_request: int
    # secrets sent by e-mail
    invitation_token: str  # Bilal is invited to join group A
    reset_token: str
    confirm_token: str  # Nadia signed up and has not confirmed her address yet


def _closed(round_) -> None:  # noqa: ANN001
    round_.status = RoundStatus.CLOSED
    round_.closes_at = datetime.now(UTC) - timedelta(days=1)
    db.session.commit()


def build_world() -> World:  # noqa: PLR0915 - one scene, told in order
    from portal.services import accounts, files, funding, letter_batches, letters, organisations, returns, support
    from portal.services.letters import LetterLinks
    from portal.storage import get_storage

    make_user = factories.make_user
    officer = make_user(roles={Role.OFFICER}, full_name="Olu Officer", email="officer@example.org")
    admin = make_user(roles={Role.ADMIN, Role.OFFICER}, full_name="Ada Admin", email="admin@example.org")
    amina = make_user(full_name="Amina Yusuf", email="amina@example.org")
    bilal = make_user(full_name="Bilal Khan", email="bilal@example.org")
    member_user = make_user(roles={Role.PANEL_MEMBER}, full_name="Pat Panel", email="pat@example.org")
    conflicted_user = make_user(roles={Role.PANEL_MEMBER}, full_name="Cara Conflicted", email="cara@example.org")

    locality = Locality(name="Northfield")
    db.session.add(locality)
    db.session.flush()
    ward = Ward(locality_id=locality.id, name="Weoley")
    db.session.add(ward)

    open_round = factories.make_round(title="Summer small grants")
    closed_round = factories.make_round(fund=open_round.fund, title="Spring small grants")
    condition = RoundCondition(round=closed_round, title="Safeguarding", body="Keep a safeguarding policy.")
    db.session.add(condition)
    db.session.commit()

    group_a = factories.make_organisation(members=[amina], name="Northfield Women's Circle")
    group_a2 = factories.make_organisation(members=[amina], name="Weoley Craft Club")
    group_b = factories.make_organisation(members=[bilal], name="Kings Heath Men's Shed")
    document = files.store_upload(
        PIXEL_PNG,
        "constitution.png",
        purpose=FilePurpose.CONSTITUTION,
        organisation=group_a,
        by=amina,
        max_bytes=10_000_000,
    )

    make_application = factories.make_application
    draft = make_application(round_=open_round, organisation=group_a, applicant=amina, complete=True)
    sent_b = make_application(round_=open_round, organisation=group_b, applicant=bilal, submit=True)
    funded = make_application(round_=closed_round, organisation=group_a, applicant=amina, submit=True)
    offered = make_application(round_=closed_round, organisation=group_a2, applicant=amina, submit=True)
    with_panel = make_application(round_=closed_round, organisation=group_b, applicant=bilal, submit=True)
    to_confirm = make_application(round_=closed_round, submit=True)
    for application in (funded, offered, with_panel, to_confirm):
        application.status = ApplicationStatus.ELIGIBLE
    db.session.commit()
    _closed(closed_round)

    panel = factories.make_panel(round_=closed_round, members=[member_user, conflicted_user])
    member, conflicted = panel.members
    review_submitted = factories.make_review(funded, member, scores=[3, 4, 2], submit=True)
    factories.make_review(offered, member, scores=[2, 2, 2], submit=True)
    review_draft = factories.make_review(with_panel, member, scores=[2, None, 3])
    review_unconfirmed = factories.make_review(to_confirm, member, confirmed=False)
    conflict = ConflictDeclaration(
        application=with_panel, member=conflicted, kind=ConflictKind.PERSONAL, note="My neighbour runs it."
    )
    interest = Interest(user=member_user, organisation_id=group_b.id, kind=InterestKind.VOLUNTEER, note="Helps out.")
    db.session.add_all([conflict, interest])
    db.session.commit()

    award_accepted = factories.make_award(application=funded, status=AwardStatus.ACCEPTED)
    award_offered = factories.make_award(application=offered)
    award_accepted.accepted_at = datetime.now(UTC)
    db.session.commit()

    links = LetterLinks(offer=lambda a: f"http://localhost/offer/{a.id}", download=lambda x: f"http://localhost/{x.id}")
    logo_key = get_storage(current_app.config).save(PIXEL_PNG, prefix="logos")
    funding.set_letter_logo(closed_round, key=logo_key, content_type="image/png", by=officer)
    batch = letter_batches.start_batch(closed_round, by=officer)
    db.session.commit()
    for _step in letter_batches.run_batch(batch.id, links=links, static_root=current_app.static_folder):
        db.session.commit()
    award_letter = letters.latest(funded, "award")

    measure = funded.work_stream.measures[0]
    return_due = factories.make_return(award=award_accepted, period=1)
    return_sent = factories.make_return(
        award=award_accepted, period=2, status=ReturnStatus.SUBMITTED, figures={measure.id: 25}
    )
    story = Story(
        output_return=return_due,
        title="Finding friends",
        body="I came to the café knowing nobody.",
        consent=Consent.PUBLIC_ANONYMOUS,
    )
    db.session.add(story)

    returns.start_assisted(return_due, channel="phone", consent_note="Amina agreed on the phone.", by=officer)
    request_ = support.create_support_request(
        name="Maryam", phone="0121 496 0000", best_time="Mornings", message="Help with the form", by=None
    )
    _invitation, invitation_token = organisations.invite_member(group_a, bilal.email, by=amina)
    _user, reset_token = accounts.request_password_reset(bilal.email, valid_for=timedelta(hours=1))
    db.session.commit()
    confirm_token = _confirmation_token()

    return World(
        officer=officer.id,
        admin=admin.id,
        applicant_a=amina.id,
        applicant_b=bilal.id,
        member=member_user.id,
        conflicted=conflicted_user.id,
        fund=open_round.fund_id,
        open_round=open_round.id,
        closed_round=closed_round.id,
        stream=closed_round.work_streams[0].id,
        measure=measure.id,
        criterion=closed_round.criteria[0].id,
        open_criterion=open_round.criteria[0].id,
        condition=condition.id,
        locality=locality.id,
        ward=ward.id,
        group_a=group_a.id,
        group_a2=group_a2.id,
        group_b=group_b.id,
        draft=draft.id,
        sent_b=sent_b.id,
        funded=funded.id,
        offered=offered.id,
        with_panel=with_panel.id,
        to_confirm=to_confirm.id,
        document=document.id,
        panel_member=member.id,
        conflicted_member=conflicted.id,
        review_submitted=review_submitted.id,
        review_draft=review_draft.id,
        review_unconfirmed=review_unconfirmed.id,
        interest=interest.id,
        award_accepted=award_accepted.id,
        award_offered=award_offered.id,
        award_letter=award_letter.id,
        batch=batch.id,
        return_due=return_due.id,
        return_sent=return_sent.id,
        story=story.id,
        support_request=request_.id,
        invitation_token=invitation_token,
        reset_token=reset_token,
        confirm_token=confirm_token,
    )


def _confirmation_token() -> str:
    """Someone signs up and is sent the link that confirms their address: its token."""
    from sqlalchemy import select

    from portal.auth.sign_up_routes import send_confirmation
    from portal.models import Notification
    from portal.services import accounts

    user, _needs_confirming = accounts.register_applicant("new@example.org", "Nadia New", DEFAULT_PASSWORD_FOR_NEW)
    with current_app.test_request_context():
        send_confirmation(user)
    db.session.commit()
    body = db.session.scalar(select(Notification.body_text).where(Notification.to_address == user.email))
    return re.search(r"/sign-up/confirm/(\S+)", body).group(1)
