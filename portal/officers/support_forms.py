"""Officer form for support requests ('ask us to call you back')."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.forms import PortalForm
from portal.widgets import GovSubmitInput, GovTextArea


class HandledForm(PortalForm):
    note = TextAreaField(
        _l("What did you do?"),
        description=_l("A short note for colleagues, for example: Called back, will help with the application."),
        widget=GovTextArea(),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired(_l("Write a short note about what you did")),
            Length(max=500, message=_l("Keep the note to 500 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Mark as handled"), widget=GovSubmitInput())
