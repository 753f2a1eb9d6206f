"""Officers issue letters one at a time or for a whole round (a background job with a progress page and a ZIP).

A request renders at most one letter; a round's letters are issued by a background job (portal/jobs.py).
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal.auth.access import roles_required
from portal.domain.awards import LABELS, BatchStatus, LetterKind
from portal.domain.roles import Role
from portal.domain.workflow import DecisionOutcome
from portal.extensions import db
from portal.forms import keeps_input_on_csrf_failure
from portal.jobs import enqueue, letter_links
from portal.models import Application, Letter, LetterBatch
from portal.officers.letter_forms import IssueLetterForm, LetterBatchForm
from portal.officers.routes import bp, get_round
from portal.services import ServiceError, letter_batches, letters
from portal.services.decisions import decision_on, released_decision
from portal.templating import translate_message


def _get_application(application_id: int) -> Application:
    application = db.session.get(
        Application,
        application_id,
        options=[joinedload(Application.organisation), joinedload(Application.round)],
    )
    if application is None:
        abort(404)
    return application


def _letter_kind(application: Application) -> LetterKind | None:
    """The letter this application gets: an award letter for an award, a decline letter for "do not fund"."""
    if letters.award_of(application) is not None:
        return LetterKind.AWARD
    decision = decision_on(application)
    if decision is not None and decision.outcome == DecisionOutcome.DO_NOT_FUND:
        return LetterKind.DECLINE
    return None


def _pdf(data: bytes, filename: str) -> Response:
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"},
    )


def letter_filename(letter: Letter) -> str:
    return f"{letter.application.reference or letter.application_id}-{letter.kind.value}-letter-v{letter.version}.pdf"


def _letters_page(application: Application, form: IssueLetterForm, *, status: int = 200):  # noqa: ANN202
    kind = _letter_kind(application)
    issued = letters.letters_for(application)
    return render_template(
        "officers/letter_list.html",
        application=application,
        kind=kind,
        kind_labels=LABELS,
        has_letter=kind is not None and any(letter.kind == kind for letter in issued),
        released=released_decision(application) is not None,
        letters=issued,
        form=form,
        failed=form if form.errors else None,
    ), status


@bp.route("/applications/<int:application_id>/letters", endpoint="letters")
@roles_required(Role.OFFICER)
def letters_page(application_id: int):
    return _letters_page(_get_application(application_id), IssueLetterForm(formdata=None))


@bp.route("/applications/<int:application_id>/letters/<kind>", methods=["POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def issue_letter(application_id: int, kind: str):
    if kind not in {k.value for k in LetterKind}:
        abort(404)
    application = _get_application(application_id)
    form = IssueLetterForm()
    if not form.validate_on_submit():
        return _letters_page(application, form)
    try:
        letter = letters.issue_letter(
            application, kind, by=current_user, static_root=current_app.static_folder, links=letter_links()
        )
    except ServiceError as error:
        db.session.rollback()
        form.issue.errors = [translate_message(error.message)]
        return _letters_page(_get_application(application_id), form)
    db.session.commit()
    flash(
        _(
            "Version %(version)d of the letter issued. The group has been e-mailed a link to it.",
            version=letter.version,
        ),
        "success",
    )
    return redirect(url_for("officers.letters", application_id=application.id))


@bp.route("/letters/<int:letter_id>.pdf")
@roles_required(Role.OFFICER)
def download_letter(letter_id: int):
    letter = db.session.get(Letter, letter_id, options=[joinedload(Letter.application)])
    if letter is None:
        abort(404)
    return _pdf(letters.letter_bytes(letter), letter_filename(letter))


# --- a round's letters in one go -------------------------------------------------------------------


def _round_page(round_, form: LetterBatchForm):  # noqa: ANN001, ANN202
    return render_template(
        "officers/letter_round.html",
        round=round_,
        due=len(letter_batches.letters_due(round_)),
        all_letters=len(letter_batches.letters_due(round_, reissue=True)),
        active=letter_batches.active_batch(round_),
        batches=letter_batches.batches_of(round_),
        form=form,
        failed=form if form.errors else None,
    )


@bp.route("/rounds/<int:round_id>/letters")
@roles_required(Role.OFFICER)
def round_letters(round_id: int):
    return _round_page(get_round(round_id), LetterBatchForm(formdata=None))


@bp.route("/rounds/<int:round_id>/letters/batch", methods=["POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def start_letter_batch(round_id: int):
    round_ = get_round(round_id)
    form = LetterBatchForm()
    if not form.validate_on_submit():
        return _round_page(round_, form)
    try:
        batch = letter_batches.start_batch(round_, by=current_user, reissue=bool(form.reissue.data))
    except ServiceError as error:
        db.session.rollback()
        form.reissue.errors = [translate_message(error.message)]
        return _round_page(get_round(round_id), form)
    db.session.commit()
    enqueue("portal.jobs.run_letter_batch", batch.id, request.host_url)
    return redirect(url_for("officers.letter_batch", batch_id=batch.id))


def _get_batch(batch_id: int) -> LetterBatch:
    batch = db.session.get(LetterBatch, batch_id, options=[joinedload(LetterBatch.round)])
    if batch is None:
        abort(404)
    return batch


@bp.route("/letter-batches/<int:batch_id>")
@roles_required(Role.OFFICER)
def letter_batch(batch_id: int):
    batch = _get_batch(batch_id)
    running = batch.status in letter_batches.ACTIVE
    return render_template(
        "officers/letter_batch.html",
        batch=batch,
        round=batch.round,
        running=running,
        # The page reloads itself only when the officer asks for it (WCAG 2.2.1: no time limit
        # a person has not chosen; axe's meta-refresh rule).
        refreshing=running and request.args.get("refresh") == "on",
        finished=batch.status == BatchStatus.FINISHED,
        failures=(batch.error or "").splitlines(),
    )


@bp.route("/letter-batches/<int:batch_id>.json")
@roles_required(Role.OFFICER)
def letter_batch_progress(batch_id: int):
    """The batch's progress for the page's script, which updates the count while it runs."""
    batch = _get_batch(batch_id)
    message = ngettext(
        "%(done)d of %(num)d letter issued", "%(done)d of %(num)d letters issued", batch.total, done=batch.done
    )
    response = jsonify(
        status=batch.status.value,
        running=batch.status in letter_batches.ACTIVE,
        done=batch.done,
        failed=batch.failed,
        total=batch.total,
        message=message,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/letter-batches/<int:batch_id>.zip")
@roles_required(Role.OFFICER)
def letter_batch_zip(batch_id: int):
    batch = _get_batch(batch_id)
    if not batch.zip_key:
        abort(404)
    name = f"{batch.round.reference_prefix.strip('-') or 'round'}-letters-{batch.id}.zip"
    return Response(
        letter_batches.zip_bytes(batch),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"},
    )
