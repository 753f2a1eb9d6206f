"""An officer enters a return on a group's behalf (the assisted route, recorded as such): first how
the group reached us and who in it agreed, then the group's own return form and story forms
(adding, changing and removing its stories), saved and sent as the officer. Everywhere the return
is shown it says who entered it and how."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.actions import show_problems
from portal.applicants.return_routes import change_story_page, return_page, story_page
from portal.auth.access import roles_required
from portal.domain.applications import Channel
from portal.domain.roles import Role
from portal.extensions import db
from portal.forms import PortalForm, keeps_input_on_csrf_failure
from portal.models import OutputReturn, Story
from portal.officers.intake_forms import CHANNEL_LABELS
from portal.officers.routes import bp
from portal.services import ServiceError, returns
from portal.templating import translate_message
from portal.widgets import GovRadioInput, GovSubmitInput, GovTextArea


class AssistedReturnForm(PortalForm):
    channel = RadioField(
        _l("How did the group reach us?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(c.value, CHANNEL_LABELS[c.value].capitalize()) for c in Channel if c != Channel.ONLINE],
        validators=[InputRequired(_l("Choose how the group reached us"))],
    )
    consent_note = TextAreaField(
        _l("The group's agreement"),
        description=_l(
            "Who in the group agreed to us entering the return for them, and when. "
            "For example: Fatima Begum, the group's secretary, agreed on the phone on 3 March."
        ),
        widget=GovTextArea(),
        validators=[
            InputRequired(_l("Record who in the group agreed, and when")),
            Length(max=2000, message=_l("Keep this to 2000 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Continue to the return"), widget=GovSubmitInput())


def _get(return_id: int) -> OutputReturn:
    output_return = returns.get_return(return_id)
    if output_return is None:
        abort(404)
    return output_return


@bp.route("/returns/<int:return_id>/assisted", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def assisted_return(return_id: int):
    output_return = _get(return_id)
    if output_return.status not in returns.EDITABLE:
        flash(_("This return has been sent, so it can no longer be entered for the group."), "info")
        return redirect(url_for("officers.edit_return_for_group", return_id=output_return.id))
    form = AssistedReturnForm()
    if form.validate_on_submit():
        try:
            returns.start_assisted(
                output_return, channel=form.channel.data, consent_note=form.consent_note.data, by=current_user
            )
        except ServiceError as error:
            show_problems(form, error, "consent_note")
        else:
            db.session.commit()
            flash(
                _("Now enter the return with %(group)s.", group=output_return.award.application.organisation.name),
                "success",
            )
            return redirect(url_for("officers.edit_return_for_group", return_id=output_return.id))
    return render_template(
        "officers/assisted_return_start.html",
        form=form,
        output_return=output_return,
        application=output_return.award.application,
    )


@bp.route("/returns/<int:return_id>/enter", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def edit_return_for_group(return_id: int):
    output_return = _get(return_id)
    if output_return.status in returns.EDITABLE and output_return.entered_by_id is None:
        return redirect(url_for("officers.assisted_return", return_id=output_return.id))
    url = url_for("officers.edit_return_for_group", return_id=output_return.id)
    return return_page(
        output_return,
        action=url,
        story_url=url_for("officers.add_story_for_group", return_id=output_return.id),
        back_url=url_for("officers.return_detail", return_id=output_return.id),
        saved_url=url,
    )


@bp.route("/returns/<int:return_id>/enter/stories/new", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def add_story_for_group(return_id: int):
    output_return = _get(return_id)
    if output_return.entered_by_id is None:
        return redirect(url_for("officers.assisted_return", return_id=output_return.id))
    return story_page(
        output_return,
        action=url_for("officers.add_story_for_group", return_id=output_return.id),
        back_url=url_for("officers.edit_return_for_group", return_id=output_return.id),
    )


def _get_story(story_id: int) -> Story:
    story = db.session.get(Story, story_id)
    if story is None:
        abort(404)
    return story


def _story_not_now(output_return: OutputReturn):  # noqa: ANN202
    """Where to go instead when a story of this return cannot be changed for the group now: a sent
    return keeps its stories; before the first change, how the group reached us is recorded."""
    if output_return.status not in returns.EDITABLE:
        flash(_("This return has been sent, so its stories can no longer be changed."), "info")
        return redirect(url_for("officers.return_detail", return_id=output_return.id))
    if output_return.entered_by_id is None:
        flash(_("First record how the group reached us and who in it agreed."), "info")
        return redirect(url_for("officers.assisted_return", return_id=output_return.id))
    return None


@bp.route("/stories/<int:story_id>/edit", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def edit_story_for_group(story_id: int):
    story = _get_story(story_id)
    output_return = story.output_return
    if (elsewhere := _story_not_now(output_return)) is not None:
        return elsewhere
    return change_story_page(
        story,
        action=url_for("officers.edit_story_for_group", story_id=story.id),
        back_url=url_for("officers.edit_return_for_group", return_id=output_return.id),
        done=lambda title: _("‘%(title)s’ has been changed for the group.", title=title),
    )


@bp.route("/stories/<int:story_id>/remove", methods=["POST"])
@roles_required(Role.OFFICER)
def remove_story_for_group(story_id: int):
    story = _get_story(story_id)
    output_return = story.output_return
    if (elsewhere := _story_not_now(output_return)) is not None:
        return elsewhere
    title = story.title
    try:
        returns.remove_story(story, by=current_user)
    except ServiceError as error:
        db.session.rollback()
        flash(translate_message(error.message), "error")
    else:
        db.session.commit()
        flash(_("‘%(title)s’ has been removed from the group's return.", title=title), "success")
    return redirect(url_for("officers.edit_return_for_group", return_id=output_return.id))
