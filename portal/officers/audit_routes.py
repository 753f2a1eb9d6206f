"""The audit log for officers: every recorded change, newest first, filtered by object, person and dates."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import lazy_gettext as _l
from wtforms import Form, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional, Regexp

from portal.auth.access import roles_required
from portal.domain.roles import Role
from portal.fields import DateInputField
from portal.officers.routes import bp
from portal.services import audit_log as log_service
from portal.widgets import GovSelect, GovTextInput

# Kinds of record in words, and the officer page that shows one (endpoint, its id argument).
OBJECT_LABELS = {
    "applications": _l("Application"),
    "awards": _l("Award"),
    "rounds": _l("Round"),
    "funds": _l("Fund"),
    "output_returns": _l("Return"),
    "reviews": _l("Review"),
    "users": _l("User"),
    "organisations": _l("Group"),
    "panels": _l("Panel"),
    "funding_decisions": _l("Funding decision"),
    "letters": _l("Letter"),
    "settings": _l("Settings"),
    "system": _l("The system"),
}
OBJECT_PAGES = {
    "applications": ("officers.application_detail", "application_id"),
    "awards": ("officers.award_detail", "award_id"),
    "rounds": ("officers.round_detail", "round_id"),
    "output_returns": ("officers.return_detail", "return_id"),
    "reviews": ("officers.review_detail", "review_id"),
}


class AuditFilterForm(Form):
    """A GET form, so it works without JavaScript and a filtered log can be shared as a link."""

    object_type = SelectField(_l("Type of record"), widget=GovSelect(), validate_choice=False)
    object_id = StringField(
        _l("Record number"),
        description=_l("For example, 12"),
        widget=GovTextInput(),
        validators=[Optional(), Regexp(r"^\d{1,9}$", message=_l("Enter the record number in figures, like 12"))],
    )
    user = StringField(
        _l("Who made the change (email address)"),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=254, message=_l("Email address must be 254 characters or fewer"))],
    )
    date_from = DateInputField(_l("From"))
    date_to = DateInputField(_l("To"))

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        valid = super().validate(extra_validators=extra_validators)
        if self.date_from.data and self.date_to.data and self.date_from.data > self.date_to.data:
            self.date_to.errors = [
                *self.date_to.errors,
                _l("The ‘to’ date must be the same as or after the ‘from’ date"),
            ]
            valid = False
        return valid

    @property
    def error_list(self) -> list[dict[str, str]]:
        errors = []
        for field in self:
            target = f"{field.id}-day" if isinstance(field, DateInputField) else field.id
            for message in dict.fromkeys(str(message) for message in field.errors):  # a date's problem once
                errors.append({"text": message, "href": f"#{target}"})
        return errors


@bp.route("/audit-log")
@roles_required(Role.OFFICER, Role.ADMIN)
def audit_log():
    form = AuditFilterForm(request.args)
    types = log_service.object_types()
    form.object_type.choices = [SelectChoice("", _l("Any type"))] + [
        SelectChoice(kind, OBJECT_LABELS.get(kind, kind.replace("_", " "))) for kind in types
    ]
    filters, args = log_service.AuditFilters(), {}
    submitted = any(value for value in request.args.values())
    if submitted and form.validate():
        actor = log_service.user_by_email(form.user.data) if form.user.data else None
        if form.user.data and actor is None:
            form.user.errors = [_l("There is no one with that email address")]
        else:
            filters = log_service.AuditFilters(
                object_type=form.object_type.data if form.object_type.data in types else "",
                object_id=int(form.object_id.data) if form.object_id.data else None,
                actor_id=actor.id if actor else None,
                date_from=form.date_from.data,
                date_to=form.date_to.data,
            )
            args = {key: value for key, value in request.args.items() if key != "page" and value}
    page = None
    if not form.errors:
        page = log_service.list_events(
            filters, zone=current_app.config["TIMEZONE"], page=request.args.get("page", 1, type=int)
        )
    return render_template(
        "officers/audit_log.html",
        form=form,
        page=page,
        args=args,
        filtered=bool(args),
        object_labels=OBJECT_LABELS,
        object_pages=OBJECT_PAGES,
        readable=log_service.readable,
    )
