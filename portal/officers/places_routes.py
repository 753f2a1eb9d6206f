"""Officer pages: localities and wards (with their CSV import), and the languages the portal offers.
Routes are registered on the officers blueprint."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import i18n
from portal.auth.access import roles_required
from portal.domain.roles import Role
from portal.domain.text import Message
from portal.extensions import db
from portal.forms import keeps_input_on_csrf_failure
from portal.models import Locality, Ward
from portal.officers.places_forms import (
    ArchiveForm,
    LocalityForm,
    PlacesImportForm,
    WardForm,
    build_languages_form,
)
from portal.officers.routes import bp
from portal.services import ServiceError, places, settings
from portal.templating import translate_message


def _get_locality(locality_id: int) -> Locality:
    locality = db.session.get(Locality, locality_id, options=[selectinload(Locality.wards)])
    if locality is None:
        abort(404)
    return locality


def _get_ward(ward_id: int) -> Ward:
    ward = db.session.get(Ward, ward_id, options=[selectinload(Ward.locality)])
    if ward is None:
        abort(404)
    return ward


def _to_list(locality: Locality):  # noqa: ANN202
    return redirect(url_for("officers.localities", _anchor=f"locality-{locality.id}"))


# --- localities ----------------------------------------------------------------------------------


@bp.route("/localities")
@roles_required(Role.OFFICER, Role.ADMIN)
def localities():
    rows = db.session.scalars(
        select(Locality).options(selectinload(Locality.wards)).order_by(Locality.position, Locality.name)
    ).all()
    return render_template("officers/localities.html", localities=rows, archive_form=ArchiveForm())


@bp.route("/localities/new", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def new_locality():
    form = LocalityForm()
    if form.validate_on_submit():
        try:
            locality = places.add_locality(name=form.name.data, code=form.code.data, by=current_user)
        except places.NameTaken as error:
            db.session.rollback()
            form.name.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            flash(_("%(name)s added. You can now add its wards.", name=locality.name), "success")
            return _to_list(locality)
    return render_template("officers/locality_form.html", form=form, locality=None)


@bp.route("/localities/<int:locality_id>/edit", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def edit_locality(locality_id: int):
    locality = _get_locality(locality_id)
    form = LocalityForm(obj=locality)
    if form.validate_on_submit():
        try:
            places.update_locality(locality, name=form.name.data, code=form.code.data, by=current_user)
        except places.NameTaken as error:
            db.session.rollback()
            form.name.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            flash(_("%(name)s saved.", name=locality.name), "success")
            return _to_list(locality)
    return render_template("officers/locality_form.html", form=form, locality=locality)


@bp.route("/localities/<int:locality_id>/archive", methods=["POST"])
@roles_required(Role.OFFICER)
def archive_locality(locality_id: int):
    locality = _get_locality(locality_id)
    form = ArchiveForm()
    if not form.validate_on_submit():
        flash(_("Nothing was changed. Try again."), "error")
        return _to_list(locality)
    archiving = form.action.data == "archive"
    places.set_locality_archived(locality, archiving, by=current_user)
    db.session.commit()
    if archiving:
        flash(
            _("%(name)s is archived. Groups can no longer choose it; records that use it keep it.", name=locality.name),
            "success",
        )
    else:
        flash(_("%(name)s is restored. Groups can choose it again.", name=locality.name), "success")
    return _to_list(locality)


# --- wards ---------------------------------------------------------------------------------------


@bp.route("/localities/<int:locality_id>/wards/new", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def new_ward(locality_id: int):
    locality = _get_locality(locality_id)
    form = WardForm()
    if form.validate_on_submit():
        try:
            ward = places.add_ward(locality, name=form.name.data, code=form.code.data, by=current_user)
        except places.NameTaken as error:
            db.session.rollback()
            form.name.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            flash(_("%(ward)s ward added to %(locality)s.", ward=ward.name, locality=locality.name), "success")
            return _to_list(locality)
    return render_template("officers/ward_form.html", form=form, locality=locality, ward=None)


@bp.route("/wards/<int:ward_id>/edit", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def edit_ward(ward_id: int):
    ward = _get_ward(ward_id)
    form = WardForm(obj=ward)
    if form.validate_on_submit():
        try:
            places.update_ward(ward, name=form.name.data, code=form.code.data, by=current_user)
        except places.NameTaken as error:
            db.session.rollback()
            form.name.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            flash(_("%(ward)s ward saved.", ward=ward.name), "success")
            return _to_list(ward.locality)
    return render_template("officers/ward_form.html", form=form, locality=ward.locality, ward=ward)


@bp.route("/wards/<int:ward_id>/archive", methods=["POST"])
@roles_required(Role.OFFICER)
def archive_ward(ward_id: int):
    ward = _get_ward(ward_id)
    form = ArchiveForm()
    if not form.validate_on_submit():
        flash(_("Nothing was changed. Try again."), "error")
        return _to_list(ward.locality)
    archiving = form.action.data == "archive"
    places.set_ward_archived(ward, archiving, by=current_user)
    db.session.commit()
    if archiving:
        flash(
            _(
                "%(ward)s ward is archived. Groups can no longer choose it; records that use it keep it.",
                ward=ward.name,
            ),
            "success",
        )
    else:
        flash(_("%(ward)s ward is restored. Groups can choose it again.", ward=ward.name), "success")
    return _to_list(ward.locality)


# --- import --------------------------------------------------------------------------------------


def _import_summary(result: places.ImportResult) -> str:
    return _(
        "%(localities)s and %(wards)s added, %(updated)s updated.",
        localities=ngettext("%(num)s locality", "%(num)s localities", result.localities_added),
        wards=ngettext("%(num)s ward", "%(num)s wards", result.wards_added),
        updated=result.updated,
    )


@bp.route("/localities/import", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def import_localities():
    form = PlacesImportForm()
    problems: list[Message] = []
    if form.validate_on_submit():
        try:
            result = places.import_places(form.file.data.read(), by=current_user)
        except places.ImportRefused as error:
            db.session.rollback()
            problems = error.problems
            form.file.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            flash(_import_summary(result), "success")
            return redirect(url_for("officers.localities"))
    return render_template(
        "officers/localities_import.html", form=form, problems=[translate_message(p) for p in problems]
    )


# --- languages -----------------------------------------------------------------------------------


@bp.route("/languages", methods=["GET", "POST"])
@roles_required(Role.OFFICER)
@keeps_input_on_csrf_failure
def languages():
    always = i18n.always_offered()
    choosable = [code for code in i18n.catalogued_languages() if code not in always]
    offered = i18n.available_languages()
    form = build_languages_form(
        [(code, i18n.language_name(code)) for code in choosable],
        chosen=[code for code in offered if code in choosable],
    )
    if choosable and form.validate_on_submit():
        try:
            settings.choose_applicant_languages(
                form.languages.data, choosable=i18n.catalogued_languages(), always=always, by=current_user
            )
        except ServiceError as error:
            db.session.rollback()
            form.languages.errors.append(translate_message(error.message))
        else:
            db.session.commit()
            i18n.forget_chosen_languages()
            flash(_("Languages saved. The language switcher now offers the languages you chose."), "success")
            return redirect(url_for("officers.languages"))
    ui_language = str(get_locale() or current_app.config["DEFAULT_LANGUAGE"])
    catalogued = i18n.catalogued_languages()
    return render_template(
        "officers/languages.html",
        form=form,
        always=[(code, i18n.language_name(code), i18n.language_name(code, ui_language)) for code in always],
        choosable=[(code, i18n.language_name(code, ui_language), i18n.text_direction(code)) for code in choosable],
        untranslated=[
            i18n.language_name(code, ui_language) for code in current_app.config["LANGUAGES"] if code not in catalogued
        ],
    )
