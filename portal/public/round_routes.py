"""Public pages: a round's details, the eligibility check and asking for help (routes on the public blueprint).

The eligibility check writes nothing to the database: the answers are kept in the (signed) session
cookie, under the round's id, until the person has an account.
"""

from __future__ import annotations

import re
from typing import Any

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from portal.db import utcnow
from portal.domain.eligibility import (
    OUTSIDE_AREA,
    RoundRules,
    Step,
    answers_from,
    check_eligibility,
    closing_soon,
    first_unanswered,
    steps_for,
)
from portal.domain.organisations import LegalForm
from portal.domain.roles import Role
from portal.domain.rounds import is_accepting
from portal.domain.workflow import RoundStatus
from portal.extensions import db, limiter
from portal.forms import LEGAL_FORM_LABELS, keeps_input_on_csrf_failure
from portal.models import Round, WorkStream
from portal.public.forms import (
    INCOME_BAND_LABELS,
    STEP_SUMMARIES,
    WORKS_WITH_LABELS,
    CallBackForm,
    build_step_form,
)
from portal.public.routes import bp
from portal.services import eligibility as eligibility_service
from portal.services import support

SESSION_KEY = "eligibility"
KEEP_ROUNDS = 5  # answers for at most this many rounds stay in the cookie


def _is_officer() -> bool:
    return current_user.is_authenticated and current_user.has_role(Role.OFFICER, Role.ADMIN)


def get_public_round(round_id: int) -> Round:
    """An open round (officers may see a round in any status, to check what the public will see)."""
    round_ = db.session.get(
        Round,
        round_id,
        options=[
            selectinload(Round.fund),
            selectinload(Round.work_streams).selectinload(WorkStream.measures),
            selectinload(Round.criteria),
        ],
    )
    if round_ is None or (round_.status != RoundStatus.OPEN and not _is_officer()):
        abort(404)
    return round_


def _has_closed(round_: Round) -> bool:
    return round_.closes_at is not None and round_.closes_at <= utcnow()


def _paragraphs(text: str | None) -> list[str]:
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", text or "") if part.strip()]


def _legal_form_labels(rules: RoundRules) -> list[str]:
    return [
        str(label)
        for code, label in LEGAL_FORM_LABELS.items()
        if not rules.allowed_legal_forms or code in rules.allowed_legal_forms
    ]


def _active_streams(round_: Round) -> list[WorkStream]:
    return [stream for stream in round_.work_streams if not stream.is_retired]


@bp.route("/rounds/<int:round_id>")
def round_detail(round_id: int):
    round_ = get_public_round(round_id)
    now = utcnow()
    criteria = [c for c in round_.criteria if not c.is_archived]
    return render_template(
        "public/round_detail.html",
        round=round_,
        streams=_active_streams(round_),
        criteria=criteria,
        weights_differ=len({c.weight for c in criteria}) > 1,
        paragraphs=_paragraphs(round_.guidance),
        legal_form_labels=_legal_form_labels(eligibility_service.round_rules(round_)),
        accepting=is_accepting(round_.opens_at, round_.closes_at, now),
        has_closed=_has_closed(round_),
        time_left=closing_soon(round_.closes_at, now, current_app.config["TIMEZONE"]),
    )


# --- the eligibility check -----------------------------------------------------------------------


def _saved(round_id: int) -> dict[str, Any]:
    return dict((session.get(SESSION_KEY) or {}).get(str(round_id)) or {})


def _save(round_id: int, step: Step, value: Any) -> None:
    everything = dict(session.get(SESSION_KEY) or {})
    answers = dict(everything.get(str(round_id)) or {})
    answers[step.value] = value
    everything[str(round_id)] = answers
    for key in sorted(k for k in everything if k != str(round_id))[: max(0, len(everything) - KEEP_ROUNDS)]:
        everything.pop(key)
    session[SESSION_KEY] = everything


def _check_setup(round_id: int) -> tuple[Round, RoundRules, list[Step]]:
    round_ = get_public_round(round_id)
    rules = eligibility_service.round_rules(round_)
    return round_, rules, steps_for(rules)


def _step_url(round_id: int, step: Step, *, change: bool = False) -> str:
    return url_for("public.eligibility", round_id=round_id, step=step.value, change=1 if change else None)


@bp.route("/rounds/<int:round_id>/eligibility/<step>", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
def eligibility(round_id: int, step: str):
    round_, rules, steps = _check_setup(round_id)
    if step not in {s.value for s in steps}:
        abort(404)
    if _has_closed(round_):
        return redirect(url_for("public.round_detail", round_id=round_id))
    current = Step(step)
    saved = _saved(round_id)
    earlier = first_unanswered(saved, rules)
    if earlier is not None and steps.index(earlier) < steps.index(current):
        return redirect(_step_url(round_id, earlier))
    changing = request.args.get("change") == "1"
    form = build_step_form(current, rules, saved.get(current.value) if request.method == "GET" else None)
    if form.validate_on_submit():
        _save(round_id, current, form.answer.data)
        position = steps.index(current)
        if changing or position == len(steps) - 1:
            return redirect(url_for("public.eligibility_answers", round_id=round_id))
        return redirect(_step_url(round_id, steps[position + 1]))
    position = steps.index(current)
    if changing:
        back_url = url_for("public.eligibility_answers", round_id=round_id)
    elif position:
        back_url = _step_url(round_id, steps[position - 1])
    else:
        back_url = url_for("public.round_detail", round_id=round_id)
    return render_template(
        "public/eligibility_question.html",
        round=round_,
        form=form,
        step=current,
        number=position + 1,
        total=len(steps),
        back_url=back_url,
        streams=_active_streams(round_),
    )


def _answer_lines(step: Step, value: Any, rules: RoundRules) -> list[str]:
    """A saved answer as the person would read it."""
    values = value if isinstance(value, list) else [value]
    if step == Step.GROUP:
        return [str(LEGAL_FORM_LABELS.get(value, _("None of these")))]
    if step == Step.AREA:
        names = [name for locality_id, name in rules.localities if str(locality_id) in values]
        return names + ([_("Outside these areas")] if OUTSIDE_AREA in values else [])
    if step == Step.INCOME:
        return [str(INCOME_BAND_LABELS[value])]
    if step == Step.PURPOSE:
        chosen = [text for key, text in rules.purposes_by_key.items() if key in values]
        return chosen or [_("None of these")]
    return [str(WORKS_WITH_LABELS[value])]


@bp.route("/rounds/<int:round_id>/eligibility/check-your-answers")
def eligibility_answers(round_id: int):
    round_, rules, steps = _check_setup(round_id)
    saved = _saved(round_id)
    missing = first_unanswered(saved, rules)
    if missing is not None:
        return redirect(_step_url(round_id, missing))
    rows = [
        {
            "key": STEP_SUMMARIES[step],
            "lines": _answer_lines(step, saved[step.value], rules),
            "href": _step_url(round_id, step, change=True),
        }
        for step in steps
    ]
    return render_template(
        "public/eligibility_answers.html",
        round=round_,
        rows=rows,
        back_url=_step_url(round_id, steps[-1]),
    )


@bp.route("/rounds/<int:round_id>/eligibility/result")
def eligibility_result(round_id: int):
    round_, rules, _steps = _check_setup(round_id)
    saved = _saved(round_id)
    answers = answers_from(saved, rules)
    if answers is None:
        return redirect(_step_url(round_id, first_unanswered(saved, rules) or Step.GROUP))
    return render_template(
        "public/eligibility_result.html",
        round=round_,
        result=check_eligibility(answers, rules),
        legal_form_labels=_legal_form_labels(rules),
        has_closed=_has_closed(round_),
        unconstituted_label=LEGAL_FORM_LABELS[LegalForm.UNCONSTITUTED.value],
    )


# --- ask us to call you back ---------------------------------------------------------------------


def _call_back_limit() -> str:
    return current_app.config.get("CALL_BACK_RATE_LIMIT", "5 per hour")


def _round_asked_about() -> Round | None:
    """The round in ``?round_id=``, if it is one the person can see."""
    round_id = request.args.get("round_id", type=int)
    round_ = db.session.get(Round, round_id) if round_id else None
    if round_ is None or (round_.status != RoundStatus.OPEN and not _is_officer()):
        return None
    return round_


@bp.route("/help/call-back", methods=["GET", "POST"])
@limiter.limit(_call_back_limit, methods=["POST"], deduct_when=lambda response: response.status_code == 302)
@keeps_input_on_csrf_failure
def request_call_back():
    round_ = _round_asked_about()
    form = CallBackForm()
    if form.validate_on_submit():
        support.create_support_request(
            name=form.name.data,
            phone=form.phone.data,
            best_time=form.best_time.data,
            language=form.language.data,
            message=form.message.data,
            round_=round_,
            by=current_user if current_user.is_authenticated else None,
            notify=current_app.config["CONTACT_EMAIL"],
            notify_language=current_app.config["DEFAULT_LANGUAGE"],
            link=url_for("officers.support_requests", _external=True),
        )
        db.session.commit()
        return redirect(url_for("public.call_back_requested", round_id=round_.id if round_ else None))
    return render_template("public/call_back_form.html", form=form, round=round_)


@bp.route("/help/call-back/requested")
def call_back_requested():
    return render_template("public/call_back_requested.html", round=_round_asked_about())
