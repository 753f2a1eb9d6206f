"""Officers review returns: a round's list with the late ones flagged, one return's page with its
figures beside the agreed targets, accept, or query with a message; withdraw a story's consent
when the person whose story it is tells the council they no longer agree."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.actions import carry_out
from portal.auth.access import roles_required
from portal.domain.applications import Channel
from portal.domain.returns import is_public
from portal.domain.roles import Role
from portal.domain.workflow import ReturnStatus
from portal.extensions import db
from portal.forms import keeps_input_on_csrf_failure
from portal.models import OutputReturn, Story
from portal.officers import return_review_forms as forms
from portal.officers.intake_forms import CHANNEL_PHRASES
from portal.officers.routes import ROUND_HEADER, bp, get_round
from portal.services import ServiceError, returns
from portal.services import return_review as review
from portal.services.monitoring import local_today
from portal.templating import translate_message


def _get_return(return_id: int) -> OutputReturn:
    output_return = review.return_for_officer(return_id)
    if output_return is None:
        abort(404)
    return output_return


def _group_link(output_return: OutputReturn) -> str:
    """The group's own page for the return, where they answer a query and send it again."""
    return url_for("applicants.edit_return", return_id=output_return.id, _external=True)


def _detail_url(output_return: OutputReturn) -> str:
    return url_for("officers.return_detail", return_id=output_return.id)


@bp.route("/rounds/<int:round_id>/returns")
@roles_required(Role.OFFICER)
def round_returns(round_id: int):
    round_ = get_round(round_id, *ROUND_HEADER)
    today = local_today()
    form = forms.ReturnFilterForm(request.args)
    return render_template(
        "officers/return_list.html",
        round=round_,
        form=form,
        filtered=bool(form.chosen_status or form.late_only),
        rows=review.returns_for_round(round_, status=form.chosen_status, late_only=form.late_only, today=today),
        counts=review.return_counts(round_, today=today),
        status_labels=forms.STATUS_LABELS,
        status_tags=forms.STATUS_TAGS,
    )


def _detail_page(output_return: OutputReturn, *, accept_form=None, query_form=None):  # noqa: ANN001, ANN202
    """The officer's view of a return, with a form that failed shown with its errors."""
    failed = next((form for form in (accept_form, query_form) if form is not None and form.errors), None)
    application = output_return.award.application
    detail = review.return_detail(output_return, today=local_today())
    return render_template(
        "officers/return_detail.html",
        output_return=output_return,
        award=output_return.award,
        application=application,
        detail=detail,
        # Only a story that could be published has consent to withdraw.
        withdrawable={s.id for s in detail.stories if is_public(s.consent, s.consent_withdrawn_at is not None)},
        can_review=output_return.status == ReturnStatus.SUBMITTED,
        # A question that failed (say, the return changed meanwhile) is shown again with its text.
        show_query=output_return.status == ReturnStatus.SUBMITTED or bool(query_form and query_form.errors),
        assisted=output_return.channel != Channel.ONLINE,
        channel_phrase=CHANNEL_PHRASES.get(output_return.channel.value, ""),
        accept_form=accept_form or forms.AcceptReturnForm(formdata=None),
        query_form=query_form or forms.QueryReturnForm(formdata=None),
        failed=failed,
        status_labels=forms.STATUS_LABELS,
        status_tags=forms.STATUS_TAGS,
    )


@bp.route("/returns/<int:return_id>")
@roles_required(Role.OFFICER)
def return_detail(return_id: int):
    return _detail_page(_get_return(return_id))


@bp.route("/returns/<int:return_id>/acceptance", methods=["POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def accept_return(return_id: int):
    output_return = _get_return(return_id)
    form = forms.AcceptReturnForm()
    if form.validate_on_submit():
        try:
            completed = review.accept_return(output_return, by=current_user, link=_group_link(output_return))
        except ServiceError as error:  # nothing typed to keep: say why on the return's page
            db.session.rollback()
            flash(translate_message(error.message), "error")
            return redirect(_detail_url(output_return))
        else:
            db.session.commit()
            message = _("Return accepted. Everyone in the group with an account has been e-mailed.")
            if completed:
                message += " " + _("It was the final return, so the award is now complete.")
            flash(message, "success")
            return redirect(_detail_url(output_return))
    return _detail_page(_get_return(return_id), accept_form=form)


@bp.route("/returns/<int:return_id>/query", methods=["POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def query_return(return_id: int):
    output_return = _get_return(return_id)
    form = forms.QueryReturnForm()
    if form.validate_on_submit():
        try:
            review.query_return(
                output_return, message=form.message.data, by=current_user, link=_group_link(output_return)
            )
        except ServiceError as error:
            db.session.rollback()
            form.message.errors = [*form.message.errors, translate_message(error.message)]
        else:
            db.session.commit()
            flash(_("Your question has been sent. The return is back with the group to answer."), "success")
            return redirect(_detail_url(output_return))
    return _detail_page(_get_return(return_id), query_form=form)


@bp.route("/stories/<int:story_id>/withdraw", methods=["POST"])
@roles_required(Role.OFFICER)
def withdraw_story_consent(story_id: int):
    """Nothing to fill in: the button (with its CSRF token, checked for every POST) is enough."""
    story = db.session.get(Story, story_id)
    if story is None:
        abort(404)
    carry_out(
        lambda: returns.withdraw_consent(story, by=current_user),
        done=_("Consent for ‘%(title)s’ has been withdrawn. It will not be published.", title=story.title),
    )
    return redirect(url_for("officers.return_detail", return_id=story.return_id))
