"""A funded group writes its output returns: figures per agreed measure, stories with consent
(changed while the return can be), spend and reflections; answers a query and sends again. Only
members of the award's group reach these pages (everyone else: 404). The return form is shared with an officer entering a return on
the group's behalf (portal/officers/assisted_return_routes.py), through ``return_page``."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from portal.actions import carry_out, show_problems
from portal.applicants import return_forms as forms
from portal.applicants.routes import bp
from portal.auth.access import roles_required
from portal.domain.returns import LABELS, Consent
from portal.domain.roles import Role
from portal.extensions import db
from portal.forms import keeps_input_on_csrf_failure
from portal.models import OrganisationMember, OutputReturn, Story
from portal.services import ServiceError, returns
from portal.services.files import UploadRefused
from portal.services.monitoring import local_today
from portal.templating import translate_message


def get_return(return_id: int) -> OutputReturn:
    output_return = returns.get_return_for_member(current_user, return_id)
    if output_return is None:
        abort(404)
    return output_return


def _fill(form: forms.ReturnForm, output_return: OutputReturn) -> None:
    """A GET: what is saved so far."""
    form.version.data = str(output_return.lock_version)
    form.spend_to_date.process_data(output_return.spend_to_date)
    form.went_well.data = output_return.went_well
    form.was_hard.data = output_return.was_hard
    form.support_needed.data = output_return.support_needed
    form.took_part.data = list(output_return.took_part or [])
    saved = {f.measure_id: f for f in output_return.figures}
    for field in form.measure_fields:
        figure = saved.get(int(field.short_name[1:]))
        if figure is not None:
            field.data = figure.quantity if figure.quantity is not None else figure.description


def return_page(output_return: OutputReturn, *, action: str, story_url: str | None, back_url: str, saved_url: str):  # noqa: ANN201
    """The return form (GET and POST) for whoever may edit it; a sent return is shown read-only."""
    rows = returns.measure_rows(output_return)
    editable = output_return.status in returns.EDITABLE
    form = forms.build_return_form(rows)()
    if request.method == "GET" and editable:
        _fill(form, output_return)
    if editable and form.validate_on_submit():
        try:
            returns.save_return(
                output_return,
                figures=form.figures(),
                spend_to_date=form.spend_to_date.decimal,
                went_well=form.went_well.data,
                was_hard=form.was_hard.data,
                support_needed=form.support_needed.data,
                took_part=form.took_part.data or [],
                expected_version=form.expected_version,
                submit=form.sending,
                by=current_user,
            )
        except returns.EditConflict as error:
            db.session.rollback()
            # What is typed stays on the page; saving it again (knowingly) replaces the other change.
            form.version.data = str(output_return.lock_version)
            form.spend_to_date.errors = [
                *form.spend_to_date.errors,
                translate_message(error.message) + " " + _("Check your answers, then save or send again."),
            ]
        except ServiceError as error:
            show_problems(form, error, "spend_to_date")
        else:
            db.session.commit()
            if form.sending:
                flash(
                    _("Your return has been sent. Thank you: we will read it and tell you if we have any questions."),
                    "success",
                )
            else:
                flash(_("Your return has been saved. You can come back to it at any time."), "success")
            return redirect(saved_url)
    answer_form = forms.AnswerForm(prefix="answer")
    return render_template(
        "applicants/return_form.html" if editable else "applicants/return_sent.html",
        output_return=output_return,
        award=output_return.award,
        application=output_return.award.application,
        form=form,
        answer_form=answer_form,
        rows=rows,
        version=returns.latest_version(output_return),
        figures=returns.figures_of_version(returns.latest_version(output_return).content)
        if output_return.versions
        else [],
        action=action,
        story_url=story_url,
        back_url=back_url,
        consent_labels=LABELS,
        status=returns.display_status(output_return, local_today()),
        as_officer=not returns.is_member(current_user, output_return),
    )


# --- the group's pages ---------------------------------------------------------------------------


@bp.route("/returns", endpoint="returns")
@roles_required(Role.APPLICANT)
def returns_list():
    organisation_ids = list(
        db.session.scalars(
            select(OrganisationMember.organisation_id).where(OrganisationMember.user_id == current_user.id)
        )
    )
    day = local_today()
    items = [(r, returns.display_status(r, day)) for r in returns.returns_of(organisation_ids)]
    return render_template("applicants/return_list.html", items=items)


@bp.route("/returns/<int:return_id>", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
@keeps_input_on_csrf_failure
def edit_return(return_id: int):
    output_return = get_return(return_id)
    url = url_for("applicants.edit_return", return_id=output_return.id)
    return return_page(
        output_return,
        action=url,
        story_url=url_for("applicants.add_story", return_id=output_return.id),
        back_url=url_for("applicants.returns"),
        saved_url=url,
    )


@bp.route("/returns/<int:return_id>/answer", methods=["POST"])
@roles_required(Role.APPLICANT)
def answer_return_query(return_id: int):
    output_return = get_return(return_id)
    form = forms.AnswerForm(prefix="answer")
    if form.validate_on_submit():
        try:
            returns.answer_query(output_return, body=form.body.data or "", by=current_user)
        except ServiceError as error:
            db.session.rollback()
            flash(translate_message(error.message), "error")
        else:
            db.session.commit()
            flash(_("Your answer has been sent. Change the return if you need to, then send it again."), "success")
    else:
        flash(_("Your answer was not sent: try again."), "error")
    return redirect(url_for("applicants.edit_return", return_id=output_return.id))


def story_page(output_return: OutputReturn, *, action: str, back_url: str):  # noqa: ANN201
    """Add a story (GET and POST), for the group or an officer entering the return for it."""
    if output_return.status not in returns.EDITABLE:
        flash(_("This return has been sent, so stories can no longer be added to it."), "info")
        return redirect(back_url)
    form = forms.StoryForm()
    if form.validate_on_submit():
        upload = form.media.data
        has_file = upload is not None and getattr(upload, "filename", "")
        try:
            returns.add_story(
                output_return,
                title=form.title.data or "",
                body=form.body.data or "",
                teller_name=form.teller_name.data,
                consent=form.consent.data,
                upload=upload.stream if has_file else None,
                upload_name=upload.filename if has_file else None,
                max_bytes=int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024,
                by=current_user,
            )
        except UploadRefused as error:
            db.session.rollback()
            form.media.errors = [translate_message(error.message)]
        except ServiceError as error:
            show_problems(form, error, "title")
        else:
            db.session.commit()
            flash(_("The story has been added to your return."), "success")
            return redirect(back_url)
    return render_template(
        "applicants/return_story_form.html",
        output_return=output_return,
        application=output_return.award.application,
        form=form,
        story=None,
        action=action,
        back_url=back_url,
        hints=forms.CONSENT_HINTS,
    )


@bp.route("/returns/<int:return_id>/stories/new", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
@keeps_input_on_csrf_failure
def add_story(return_id: int):
    output_return = get_return(return_id)
    return story_page(
        output_return,
        action=url_for("applicants.add_story", return_id=output_return.id),
        back_url=url_for("applicants.edit_return", return_id=output_return.id),
    )


def _get_story(story_id: int) -> Story:
    story = db.session.get(Story, story_id)
    if story is None or returns.get_return_for_member(current_user, story.return_id) is None:
        abort(404)
    return story


@bp.route("/stories/<int:story_id>/edit", methods=["GET", "POST"])
@roles_required(Role.APPLICANT)
@keeps_input_on_csrf_failure
def edit_story(story_id: int):
    story = _get_story(story_id)
    output_return = story.output_return
    back_url = url_for("applicants.edit_return", return_id=output_return.id)
    if output_return.status not in returns.EDITABLE:
        flash(_("This return has been sent, so its stories can no longer be changed."), "info")
        return redirect(back_url)
    return change_story_page(
        story,
        action=url_for("applicants.edit_story", story_id=story.id),
        back_url=back_url,
        done=lambda title: _("‘%(title)s’ has been changed.", title=title),
    )


def change_story_page(story: Story, *, action: str, back_url: str, done: Callable[[str], str]):  # noqa: ANN201
    """The form that changes a story of a return still being written, for the group's own page and
    for an officer changing it for the group: the story's answers to start with, what was typed
    (with the reasons) when it is refused, and back to ``back_url`` with ``done(title)`` when saved."""
    output_return = story.output_return
    if request.method == "GET":
        form = forms.ChangeStoryForm(
            formdata=None,
            data={
                "title": story.title,
                "body": story.body,
                "consent": Consent(story.consent).value,
                "teller_name": story.teller_name,
            },
        )
    else:
        form = forms.ChangeStoryForm()
        if form.validate_on_submit():
            try:
                returns.update_story(
                    story,
                    title=form.title.data or "",
                    body=form.body.data or "",
                    teller_name=form.teller_name.data,
                    consent=form.consent.data,
                    by=current_user,
                )
            except ServiceError as error:
                show_problems(form, error, "title")
            else:
                db.session.commit()
                flash(done(story.title), "success")
                return redirect(back_url)
    return render_template(
        "applicants/return_story_form.html",
        output_return=output_return,
        application=output_return.award.application,
        form=form,
        story=story,
        action=action,
        back_url=back_url,
        hints=forms.CONSENT_HINTS,
    )


@bp.route("/stories/<int:story_id>/withdraw", methods=["POST"])
@roles_required(Role.APPLICANT)
def withdraw_story_consent(story_id: int):
    story = _get_story(story_id)
    carry_out(
        lambda: returns.withdraw_consent(story, by=current_user),
        done=_("Consent for ‘%(title)s’ has been withdrawn. We will not publish it.", title=story.title),
    )
    return redirect(url_for("applicants.edit_return", return_id=story.return_id))


@bp.route("/stories/<int:story_id>/remove", methods=["POST"])
@roles_required(Role.APPLICANT)
def remove_story(story_id: int):
    story = _get_story(story_id)
    return_id, title = story.return_id, story.title
    carry_out(
        lambda: returns.remove_story(story, by=current_user),
        done=_("‘%(title)s’ has been removed from your return.", title=title),
    )
    return redirect(url_for("applicants.edit_return", return_id=return_id))
