"""Officer forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import HiddenField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Regexp

from portal.forms import PortalForm


class RoundStatusForm(PortalForm):
    status = HiddenField(validators=[InputRequired()])
    submit = SubmitField(_l("Change status"), widget=GovSubmitInput())


class CopyRoundForm(PortalForm):
    title = StringField(
        _l("Title of the new round"),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter a title for the new round")), Length(max=200)],
    )
    reference_prefix = StringField(
        _l("Reference prefix"),
        description=_l("Put at the start of every reference in this round, for example CIF-2027-"),
        widget=GovTextInput(),
        validators=[
            InputRequired(_l("Enter a reference prefix")),
            Length(max=20, message=_l("The reference prefix must be 20 characters or fewer")),
            Regexp(r"^[A-Za-z0-9-]+$", message=_l("Use only letters, numbers and hyphens in the reference prefix")),
        ],
    )
    submit = SubmitField(_l("Copy round"), widget=GovSubmitInput())
