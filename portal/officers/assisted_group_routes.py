"""The assisted route for a group's own record: an officer changes the group's details and adds its
documents on its behalf (the group's own pages post to ``applicants.edit_organisation`` and
``applicants.upload_document``), recorded with the officer, the group and how it reached us.

The group's page (``applicants.organisation_detail``, which officers may read) links here. The
group's forms and helpers are imported when a view runs (see assisted_group_forms.py: the
applicants' forms import the officers' package)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from portal.auth.access import roles_required
from portal.domain.filetypes import ALL_TYPES
from portal.domain.roles import Role
from portal.extensions import db
from portal.forms import keeps_input_on_csrf_failure
from portal.models import FilePurpose, Organisation
from portal.officers.routes import bp
from portal.services import ServiceError, assisted_group, files
from portal.templating import translate_message


def _get_organisation(organisation_id: int) -> Organisation:
    return db.get_or_404(
        Organisation,
        organisation_id,
        options=[selectinload(Organisation.localities), selectinload(Organisation.wards)],
    )


def _group_page(organisation: Organisation, anchor: str = "") -> str:
    return url_for("applicants.organisation_detail", organisation_id=organisation.id) + anchor


def _place(form, error: ServiceError, default: str) -> None:  # noqa: ANN001
    """The service's reasons on the fields they are about: a rule of the group's details names its
    answer (``field``), the assisted route's checks name theirs (``problems``)."""
    db.session.rollback()
    problems = getattr(error, "problems", None) or {getattr(error, "field", None) or default: error.message}
    for name, message in problems.items():
        field = getattr(form, name, None) or getattr(form, default)
        field.errors = [*field.errors, translate_message(message)]


@bp.route("/organisations/<int:organisation_id>/details", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def edit_organisation_for_group(organisation_id: int):
    from portal.applicants.organisation_routes import _details, _places
    from portal.officers import assisted_group_forms as forms

    organisation = _get_organisation(organisation_id)
    form = forms.OrganisationForGroupForm(places=_places())
    if request.method == "GET":
        form.fill(organisation)
    if form.validate_on_submit():
        try:
            changed = assisted_group.update_details_for_group(
                organisation, _details(form), channel=form.channel.data, note=form.note.data, by=current_user
            )
        except ServiceError as error:
            _place(form, error, "name")
        else:
            db.session.commit()
            if changed:
                flash(_("%(group)s's details are saved.", group=organisation.name), "success")
            else:
                flash(
                    _(
                        "Nothing changed: %(group)s's details were already as you entered them.",
                        group=organisation.name,
                    ),
                    "info",
                )
            return redirect(_group_page(organisation))
    return render_template(
        "officers/assisted_organisation_form.html",
        form=form,
        heading=_("Change the group's details for it"),
        back_url=_group_page(organisation),
        caption=organisation.name,
        organisation=organisation,
    )


@bp.route("/organisations/<int:organisation_id>/documents", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def upload_document_for_group(organisation_id: int):
    from portal.applicants.forms import DOCUMENT_LABELS
    from portal.officers import assisted_group_forms as forms

    organisation = _get_organisation(organisation_id)
    form = forms.DocumentForGroupForm()
    if request.method == "GET" and request.args.get("document") in DOCUMENT_LABELS:
        form.purpose.data = request.args["document"]
    if form.validate_on_submit():
        upload = form.document.data
        try:
            assisted_group.upload_document_for_group(
                organisation,
                upload.stream,
                upload.filename or "",
                purpose=form.purpose.data,
                channel=form.channel.data,
                note=form.note.data,
                by=current_user,
                max_bytes=int(current_app.config["MAX_UPLOAD_MB"]) * 1024 * 1024,
            )
        except ServiceError as error:
            _place(form, error, "document")
        else:
            db.session.commit()
            flash(
                _(
                    "%(document)s added for %(group)s.",
                    document=DOCUMENT_LABELS[form.purpose.data],
                    group=organisation.name,
                ),
                "success",
            )
            return redirect(_group_page(organisation, "#documents"))
    return render_template(
        "officers/assisted_document_form.html",
        organisation=organisation,
        form=form,
        documents=files.current_documents(organisation),
        document_labels={FilePurpose(value): label for value, label in DOCUMENT_LABELS.items()},
        type_labels={t.content_type: t.label for t in ALL_TYPES},
    )
