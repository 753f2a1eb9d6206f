"""Factory functions: a valid record with sensible defaults, any field overridable.
Each commits, so that requests made by the test client see the data."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from portal.domain.measures import MeasureKind
from portal.domain.organisations import LegalForm, MembershipRole
from portal.domain.roles import Role
from portal.domain.workflow import RoundStatus
from portal.extensions import db
from portal.models import Criterion, Fund, Organisation, OrganisationMember, OutputMeasure, Round, WorkStream
from portal.services import accounts

_sequence = itertools.count(1)
DEFAULT_PASSWORD = "correct horse battery staple"


# Every factory-made user with two-factor sign-in has this secret, so tests can be the phone.
TWO_FACTOR_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def make_user(
    *,
    roles=frozenset({Role.APPLICANT}),
    email=None,
    full_name=None,
    password=DEFAULT_PASSWORD,
    commit=True,
    two_factor=None,
    **fields,
):  # noqa: ANN001, ANN003, ANN201
    """A user. ``two_factor``: None sets it up (with ``TWO_FACTOR_SECRET``) when the app requires it
    for one of ``roles``; True always; False never (to test being sent to set it up)."""
    from flask import current_app

    from portal.domain.two_factor import is_required

    n = next(_sequence)
    roles = {Role(r) for r in roles}
    user = accounts.create_user(
        email or f"user{n}@example.org",
        full_name or f"Test User {n}",
        roles=roles,
        password=password,
        by=None,
    )
    if two_factor is None:
        two_factor = is_required(roles, current_app.config["TWO_FACTOR_REQUIRED"])
    if two_factor:
        user.two_factor_secret = TWO_FACTOR_SECRET
        user.two_factor_enabled_at = user.created_at
    for name, value in fields.items():
        setattr(user, name, value)
    if commit:
        db.session.commit()
    return user


def make_fund(**fields):  # noqa: ANN003, ANN201
    n = next(_sequence)
    fund = Fund(
        name=fields.pop("name", f"Test Fund {n}"), total_budget=fields.pop("total_budget", Decimal("100000")), **fields
    )
    db.session.add(fund)
    db.session.commit()
    return fund


def _free_prefix() -> str:
    from portal.services.funding import next_free_prefix, prefix_taken

    return "TST-2026-" if not prefix_taken("TST-2026-") else next_free_prefix("TST-2026-")


def make_round(*, fund=None, status=RoundStatus.OPEN, work_streams=2, criteria=3, commit=True, **fields):  # noqa: ANN001, ANN003, ANN201
    now = datetime.now(UTC)
    round_ = Round(
        fund=fund or make_fund(),
        title=fields.pop("title", f"Round {next(_sequence)}"),
        reference_prefix=fields.pop("reference_prefix", None) or _free_prefix(),
        status=status,
        opens_at=fields.pop("opens_at", now - timedelta(days=7)),
        closes_at=fields.pop("closes_at", now + timedelta(days=21)),
        min_amount=fields.pop("min_amount", Decimal("500")),
        max_amount=fields.pop("max_amount", Decimal("5000")),
        **fields,
    )
    for i in range(work_streams):
        round_.work_streams.append(
            WorkStream(
                name=f"Work stream {i + 1}",
                budget=Decimal("25000"),
                position=i,
                measures=[
                    OutputMeasure(name=f"People involved in stream {i + 1}", unit="people", target=100, position=0),
                    OutputMeasure(
                        name=f"Stories in stream {i + 1}", unit="stories", kind=MeasureKind.QUALITATIVE, position=1
                    ),
                ],
            )
        )
    for i in range(criteria):
        round_.criteria.append(
            Criterion(
                title=f"Criterion {i + 1}",
                question=f"Question {i + 1}?",
                word_limit=250,
                weight=Decimal("1"),
                position=i,
            )
        )
    db.session.add(round_)
    if commit:
        db.session.commit()
    return round_


def make_organisation(*, members=(), legal_form=LegalForm.COMMUNITY_GROUP, **fields):  # noqa: ANN001, ANN003, ANN201
    organisation = Organisation(
        name=fields.pop("name", f"Test Group {next(_sequence)}"),
        legal_form=legal_form,
        accountable_body_name=fields.pop(
            "accountable_body_name", "Umbrella Trust" if legal_form == LegalForm.UNCONSTITUTED else None
        ),
        **fields,
    )
    for user in members:
        organisation.members.append(OrganisationMember(user=user, role=MembershipRole.OWNER))
    db.session.add(organisation)
    db.session.commit()
    return organisation


def make_application(*, round_=None, organisation=None, applicant=None, complete=False, submit=False, **fields):  # noqa: ANN001, ANN003, ANN201
    """A draft application by ``applicant`` for ``organisation`` (both made when not given);
    ``complete=True`` fills every section through the services; ``submit=True`` sends it."""
    from portal.models import Locality
    from portal.services import applications as service

    round_ = round_ or make_round()
    if applicant is None:
        applicant = make_user(roles={Role.APPLICANT})
    organisation = organisation or make_organisation(members=[applicant])
    application = service.start_application(round_, organisation, by=applicant)
    for name, value in fields.items():
        setattr(application, name, value)
    if complete or submit:
        locality = db.session.scalar(db.select(Locality)) or Locality(name=f"Area {next(_sequence)}")
        db.session.add(locality)
        stream = round_.work_streams[0]
        service.save_project(
            application,
            title="Women's conversation cafe",
            summary="Weekly cafe.",
            expected_version=None,
            complete=True,
            by=applicant,
        )
        service.choose_work_stream(application, stream, expected_version=None, by=applicant)
        service.save_beneficiaries(
            application,
            who_benefits="Women new to the city",
            localities=[locality],
            wards=[],
            expected_version=None,
            complete=True,
            by=applicant,
        )
        service.save_activities(
            application,
            activities="We meet weekly.",
            timescale="April to September",
            expected_version=None,
            complete=True,
            by=applicant,
        )
        plans = {
            m.id: service.OutputPlan(
                True,
                quantity=40 if m.target is not None else None,
                description=None if m.target is not None else "Stories from the group",
            )
            for m in stream.measures
        }
        service.save_outputs(application, plans, expected_version=None, complete=True, by=applicant)
        for criterion in round_.criteria:
            if not criterion.is_archived:
                service.save_answer(
                    application,
                    criterion,
                    text="We know our community well.",
                    recording=None,
                    keep_recording=False,
                    recording_summary="",
                    expected_version=None,
                    by=applicant,
                )
        service.save_budget(
            application,
            amount=Decimal("3000"),
            lines=[("Room hire", Decimal("1200")), ("Volunteer expenses", Decimal("1800"))],
            expected_version=None,
            complete=True,
            by=applicant,
        )
        service.save_partners(
            application, has_partners=False, partners="", expected_version=None, complete=True, by=applicant
        )
        service.declare(application, name=applicant.full_name, expected_version=None, by=applicant)
    if submit:
        service.submit_application(application, by=applicant)
    db.session.commit()
    return application


# --- the panel ----------------------------------------------------------------------------------


def make_panel(*, round_=None, members=2, kind="resident", **fields):  # noqa: ANN001, ANN003, ANN201
    """A round's panel with ``members`` panel members: a number (new users with the panel-member
    role) or a list of users (who get the role)."""
    from portal.domain.panel import MemberKind
    from portal.models import Panel, PanelMember

    round_ = round_ or make_round()
    panel = Panel(round=round_, **fields)
    users = [make_user(roles={Role.PANEL_MEMBER}) for _ in range(members)] if isinstance(members, int) else members
    for user in users:
        if Role.PANEL_MEMBER not in user.roles:
            accounts.set_roles(user, set(user.roles) | {Role.PANEL_MEMBER}, by=user)
        panel.members.append(PanelMember(user=user, kind=MemberKind(kind), profile="Lives in the area."))
    db.session.add(panel)
    db.session.commit()
    return panel


def make_eligible_application(*, round_=None, status=None, **fields):  # noqa: ANN001, ANN003, ANN201
    """A sent application that an officer has found eligible (or left at ``status``)."""
    from portal.domain.workflow import ApplicationStatus

    application = make_application(round_=round_, submit=True, **fields)
    application.status = status or ApplicationStatus.ELIGIBLE
    db.session.commit()
    return application


def make_review(application, member, *, confirmed=True, scores=None, submit=False, recommendation=None, **fields):  # noqa: ANN001, ANN003, ANN201
    """``member``'s review of ``application``. ``scores``: a score (0–4 or None) per active
    criterion in order, or a dict of criterion id → (score, comment, audience)."""
    from portal.domain.panel import CommentAudience, Recommendation
    from portal.domain.workflow import ApplicationStatus, ReviewStatus
    from portal.models import Review, Score
    from portal.services import reviews

    criteria = [c for c in application.round.criteria if not c.is_archived]
    was_eligible = application.status == ApplicationStatus.ELIGIBLE
    review = Review(application=application, member=member, **fields)
    db.session.add(review)
    if confirmed:
        review.no_conflict_confirmed_at = datetime.now(UTC)
    if scores is not None:
        if not isinstance(scores, dict):
            scores = {
                c.id: (s, f"Comment on {c.title}", CommentAudience.FEEDBACK)
                for c, s in zip(criteria, scores, strict=True)
            }
        for criterion_id, (score, comment, audience) in scores.items():
            review.scores.append(Score(criterion_id=criterion_id, score=score, comment=comment, audience=audience))
        review.status = ReviewStatus.DRAFT
    if submit:
        review.status = ReviewStatus.SUBMITTED
        review.submitted_at = datetime.now(UTC)
        review.recommendation = Recommendation(recommendation or Recommendation.FUND)
        db.session.flush()
        review.weighted_total = reviews.weighted_total_of(review)  # as reviews.save_review keeps it
    if was_eligible:
        application.status = ApplicationStatus.WITH_PANEL
    db.session.commit()
    return review


# --- awards -------------------------------------------------------------------------------------


def make_award(*, application=None, amount="3000", status=None, released=True, **fields):  # noqa: ANN001, ANN003, ANN201
    """An award offered from a "fund" decision on ``application`` (a submitted EOI made when not
    given), with one standard condition, one instalment on acceptance, a target per measure and
    a mid-point and final return. ``released=True`` releases the round's decisions, so the group
    can see it."""
    from datetime import date

    from portal.domain.awards import PaymentTrigger, ReturnKind
    from portal.domain.workflow import ApplicationStatus, AwardStatus, DecisionOutcome
    from portal.models import (
        Award,
        AwardCondition,
        AwardInstalment,
        AwardReturnDate,
        AwardTarget,
        FundingDecision,
        Panel,
    )

    application = application or make_application(submit=True)
    money = Decimal(amount)
    decision = FundingDecision(
        application=application, outcome=DecisionOutcome.FUND, amount=money, reason="Strong local reach."
    )
    application.status = ApplicationStatus.DECIDED
    award = Award(
        application=application,
        decision=decision,
        amount=money,
        status=status or AwardStatus.OFFERED,
        starts_on=fields.pop("starts_on", date(2027, 4, 1)),
        ends_on=fields.pop("ends_on", date(2028, 3, 31)),
        **fields,
    )
    award.conditions.append(
        AwardCondition(title="Safeguarding", body="Keep a safeguarding policy and follow it.", position=0)
    )
    award.instalments.append(
        AwardInstalment(position=0, amount=money, percentage=Decimal(100), trigger=PaymentTrigger.ON_ACCEPTANCE)
    )
    for measure in application.work_stream.measures if application.work_stream else []:
        numeric = measure.target is not None
        award.targets.append(
            AwardTarget(measure=measure, quantity=40 if numeric else None, description=None if numeric else "Stories")
        )
    award.return_dates.append(AwardReturnDate(kind=ReturnKind.MIDPOINT, due_on=date(2027, 10, 1)))
    award.return_dates.append(AwardReturnDate(kind=ReturnKind.FINAL, due_on=date(2028, 4, 28)))
    db.session.add_all([decision, award])
    if released:
        panel = db.session.scalar(db.select(Panel).where(Panel.round_id == application.round_id))
        if panel is None:
            panel = Panel(round_id=application.round_id)
            db.session.add(panel)
        panel.decisions_released_at = datetime.now(UTC)
    db.session.commit()
    return award


# --- output returns -----------------------------------------------------------------------------


def make_return(*, award=None, period=1, status=None, figures=None, stories=(), **fields):  # noqa: ANN001, ANN003, ANN201
    """A return of an accepted award (made when not given) for its ``period``-th return date.
    ``figures``: measure id → quantity (numeric) or text (qualitative); ``stories``: dicts of Story
    fields. A status past draft also gets its submitted version."""
    import hashlib
    import json

    from portal.domain.workflow import AwardStatus, ReturnStatus
    from portal.models import OutputReturn, ReturnFigure, ReturnVersion, Story

    if award is None:
        award = make_award(status=AwardStatus.ACCEPTED)
    return_date = award.return_dates[period - 1] if len(award.return_dates) >= period else None
    status = status or ReturnStatus.DUE
    output_return = OutputReturn(
        award=award,
        return_date=return_date,
        period=period,
        due_on=fields.pop("due_on", return_date.due_on if return_date else datetime(2027, 10, 1).date()),
        is_final=fields.pop("is_final", bool(return_date and return_date.kind == "final")),
        status=status,
        **fields,
    )
    db.session.add(output_return)
    for measure_id, value in (figures or {}).items():
        numeric = isinstance(value, int)
        output_return.figures.append(
            ReturnFigure(
                measure_id=measure_id, quantity=value if numeric else None, description=None if numeric else value
            )
        )
    for story in stories:
        output_return.stories.append(Story(**story))
    if status not in (ReturnStatus.DUE, ReturnStatus.DRAFT):
        output_return.submitted_at = datetime.now(UTC)
        content = {"figures": {str(k): v for k, v in (figures or {}).items()}, "period": period}
        output_return.versions.append(
            ReturnVersion(
                number=1,
                submitted_at=output_return.submitted_at,
                content=content,
                sha256=hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest(),
            )
        )
    db.session.commit()
    return output_return
