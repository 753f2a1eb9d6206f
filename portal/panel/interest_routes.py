"""A panel member's register of interests: the organisations they are linked to, and how."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.actions import carry_out
from portal.auth.access import roles_required
from portal.domain.panel import LABELS, InterestKind
from portal.domain.roles import Role
from portal.extensions import db
from portal.forms import keeps_input_on_csrf_failure
from portal.models import Interest, Organisation
from portal.panel import panel_forms as forms
from portal.panel.routes import bp
from portal.services import ServiceError, intake, panels
from portal.templating import translate_message

GROUPS_LISTED = 200


@bp.route("/interests", methods=["GET", "POST"])
@roles_required(Role.PANEL_MEMBER)
@keeps_input_on_csrf_failure
def interests():
    search = (request.args.get("q") or "").strip()[:100]
    groups = intake.find_groups(search, limit=GROUPS_LISTED)
    form = forms.InterestForm()
    form.organisation.choices = [forms.SelectChoice("", _("Choose a group"))] + [
        forms.SelectChoice(str(group.id), group.name) for group in groups
    ]
    if form.validate_on_submit():
        value = form.organisation.data or ""
        organisation = db.session.get(Organisation, int(value)) if value.isdigit() else None
        if organisation is None:
            form.organisation.errors.append(_("Choose the group you are linked to"))
        else:
            try:
                me = current_user._get_current_object()
                panels.add_interest(me, organisation, kind=InterestKind(form.kind.data), note=form.note.data, by=me)
            except ServiceError as error:
                db.session.rollback()
                form.organisation.errors.append(translate_message(error.message))
            else:
                name = organisation.name
                db.session.commit()
                flash(
                    _("%(group)s is in your register. You will not be asked to score its EOIs.", group=name),
                    "success",
                )
                return redirect(url_for("panel.interests"))
    return render_template(
        "panel/interests.html",
        form=form,
        search=search,
        groups=groups,
        limit=GROUPS_LISTED,
        register=panels.interests_of(current_user),
        labels=LABELS,
    )


@bp.route("/interests/<int:interest_id>/remove", methods=["POST"])
@roles_required(Role.PANEL_MEMBER)
def remove_interest(interest_id: int):
    interest = db.session.get(Interest, interest_id)
    if interest is None or interest.user_id != current_user.id:
        abort(404)
    name = interest.organisation.name
    if not forms.ActionForm().validate_on_submit():
        flash(_("The link could not be removed. Try again."), "error")
        return redirect(url_for("panel.interests"))
    carry_out(
        lambda: panels.remove_interest(interest, by=current_user),
        done=_("Your link to %(group)s has been taken out of your register.", group=name),
    )
    return redirect(url_for("panel.interests"))
