"""Officer forms for work streams, output measures and standard conditions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectChoice, StringField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional

from portal.domain.measures import MeasureKind
from portal.fields import IntegerField, MoneyField
from portal.forms import PortalForm
from portal.widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput


class WorkStreamForm(PortalForm):
    name = StringField(
        _l("Name"),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter the name of the work stream")), Length(max=200)],
    )
    short_name = StringField(
        _l("Short name (optional)"),
        description=_l("Used in tables, for example GCT"),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=20)],
    )
    description = TextAreaField(
        _l("What it is about (optional)"), widget=GovTextArea(), validators=[Optional(), Length(max=5000)]
    )
    who_it_is_for = TextAreaField(
        _l("Who it is for (optional)"), widget=GovTextArea(), validators=[Optional(), Length(max=5000)]
    )
    budget = MoneyField(_l("Budget, in pounds"), widget=GovTextInput(), required_message=_l("Enter the budget"))
    submit = SubmitField(_l("Save work stream"), widget=GovSubmitInput())


class MeasureForm(PortalForm):
    name = StringField(
        _l("What is counted or described"),
        description=_l("For example, Women taking part in activities"),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter what the measure is")), Length(max=300)],
    )
    kind = RadioField(
        _l("Is it a number or described in words?"),
        choices=[
            SelectChoice(MeasureKind.NUMERIC.value, _l("A number")),
            SelectChoice(MeasureKind.QUALITATIVE.value, _l("Described in words")),
        ],
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Choose whether it is a number or described in words"))],
    )
    unit = StringField(
        _l("Unit"),
        description=_l("For example, women, stories, volunteers"),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter the unit")), Length(max=60)],
    )
    target = IntegerField(
        _l("Programme target (for numbers)"),
        description=_l("A whole number. Leave empty for a measure described in words."),
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=0, max=10_000_000, message=_l("Enter a whole number from 0 upwards"))],
    )
    help_text = TextAreaField(
        _l("Help for groups (optional)"), widget=GovTextArea(), validators=[Optional(), Length(max=2000)]
    )
    submit = SubmitField(_l("Save measure"), widget=GovSubmitInput())

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        # WTForms' own "Not a valid integer value." is replaced by a plain-English one.
        self.target.process_errors = [
            _l("Enter the target as a whole number, like 250") for _ in self.target.process_errors
        ]


class ConditionForm(PortalForm):
    title = StringField(
        _l("Title"),
        description=_l("For example, Paying the Real Living Wage"),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter a title for the condition")), Length(max=200)],
    )
    body = TextAreaField(
        _l("What the group agrees to"),
        widget=GovTextArea(),
        validators=[InputRequired(_l("Enter what the group agrees to")), Length(max=5000)],
    )
    submit = SubmitField(_l("Save condition"), widget=GovSubmitInput())


class MoveForm(PortalForm):
    direction = HiddenField(validators=[AnyOf(["up", "down"])])


class ToggleForm(PortalForm):
    """A POST button that needs nothing but its CSRF token."""
