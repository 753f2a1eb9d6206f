"""A panel member's forms: their register of interests, and the conflict-of-interest question they
answer before reading an EOI. They check shape; ``portal/services/panels.py`` checks the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, StopValidation

from portal.domain.panel import LABELS, ConflictKind, InterestKind
from portal.forms import PortalForm
from portal.widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea


class ActionForm(PortalForm):
    """A button that changes something (remove): only its CSRF token."""


class InterestForm(PortalForm):
    organisation = SelectField(
        _l("Which group?"),
        widget=GovSelect(),
        validate_choice=False,
        validators=[InputRequired(_l("Choose the group you are linked to"))],
    )
    kind = RadioField(
        _l("How are you linked to it?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(kind.value, _l(LABELS[kind])) for kind in InterestKind],
        validators=[InputRequired(_l("Choose how you are linked to the group"))],
    )
    note = TextAreaField(
        _l("Anything else we should know (optional)"),
        description=_l("For example: my sister runs its youth club."),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=2000, message=_l("Keep the note to 2000 characters or fewer"))],
    )
    submit = SubmitField(_l("Add to my register"), widget=GovSubmitInput())


NO_CONFLICT = "no"
CONFLICT = "yes"


class ConflictForm(PortalForm):
    answer = RadioField(
        _l("Do you have a conflict of interest with this group?"),
        widget=GovRadioInput(),
        choices=[
            SelectChoice(NO_CONFLICT, _l("No, I have no conflict of interest")),
            SelectChoice(CONFLICT, _l("Yes, I have a conflict of interest")),
        ],
        validators=[InputRequired(_l("Choose whether you have a conflict of interest with this group"))],
    )
    kind = RadioField(
        _l("What kind of conflict is it?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(kind.value, _l(LABELS[kind])) for kind in ConflictKind],
        validate_choice=False,
    )
    note = TextAreaField(
        _l("Tell us briefly what it is"),
        description=_l("Only the grants team and the panel's records see this."),
        widget=GovTextArea(),
        validators=[Length(max=2000, message=_l("Keep this to 2000 characters or fewer"))],
    )
    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())

    @property
    def declares(self) -> bool:
        return self.answer.data == CONFLICT

    def validate_kind(self, field) -> None:  # noqa: ANN001
        if self.declares and field.data not in {kind.value for kind in ConflictKind}:
            raise StopValidation(_l("Choose what kind of conflict it is"))

    def validate_note(self, field) -> None:  # noqa: ANN001
        if self.declares and not (field.data or "").strip():
            raise StopValidation(_l("Tell us briefly what the conflict is"))
