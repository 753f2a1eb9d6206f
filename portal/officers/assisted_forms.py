"""The officer's forms for acting on a group's behalf: recording its answer to the offer and taking
its bank details (assisted_group_forms.py: its details and documents). Each asks how the group
reached us and who in it told us; the forms check shape, the services (assisted_award.py,
assisted_group.py) check the rules, which are the group's own."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.applicants.award_forms import AgreesToConditions
from portal.domain.applications import Channel
from portal.fields import DateInputField
from portal.forms import PortalForm
from portal.officers.intake_forms import CHANNEL_LABELS
from portal.widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)

TOO_LONG = _l("Keep this to %(max)d characters or fewer")


def channel_field() -> RadioField:
    return RadioField(
        _l("How did the group reach us?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(c.value, CHANNEL_LABELS[c.value].capitalize()) for c in Channel if c != Channel.ONLINE],
        validators=[InputRequired(_l("Choose how the group reached us"))],
    )


def note_field(label, description, required) -> TextAreaField:  # noqa: ANN001
    return TextAreaField(
        label,
        description=description,
        widget=GovTextArea(),
        validators=[InputRequired(required), Length(max=2000, message=TOO_LONG)],
    )


def _name_field(label, required, description=None) -> StringField:  # noqa: ANN001
    return StringField(
        label,
        description=description,
        widget=GovTextInput(),
        validators=[InputRequired(required), Length(max=200, message=TOO_LONG)],
    )


class AcceptForGroupForm(AgreesToConditions, PortalForm):
    channel = channel_field()
    name = _name_field(
        _l("Full name of the person accepting for the group"),
        _l("Enter the name of the person in the group who accepts the offer"),
    )
    role = _name_field(
        _l("Their role in the group"),
        _l("Enter their role in the group, for example treasurer"),
        _l("For example, chair, treasurer or secretary. They must be able to act for the group."),
    )
    accepted_on = DateInputField(
        _l("The date they accepted"),
        description=_l("For example, 27 3 2027"),
        required_message=_l("Enter the date the group accepted the offer"),
    )
    conditions = SelectMultipleField(
        _l("The conditions the group agrees to"),
        description=_l("Read each condition to them. Tick each one they agree to: they must agree to all of them."),
        widget=GovCheckboxesInput(),
        coerce=int,
        validate_choice=False,
    )
    accept = SubmitField(_l("Record the group's acceptance"), widget=GovSubmitInput())

    def agreement(self, title: str) -> str:
        return str(_l("The group agrees to: %(title)s", title=title))


class DeclineForGroupForm(PortalForm):
    channel = channel_field()
    note = note_field(
        _l("Who in the group told you, and when"),
        _l("For example: Fatima Begum, the group's chair, rang on 3 March to say the group cannot take the grant."),
        _l("Record who in the group told you, and when"),
    )
    reason = TextAreaField(
        _l("The group's reason (optional)"),
        description=_l("In the group's words, if it gave one. The group does not have to give a reason."),
        widget=GovTextArea(),
        validators=[Length(max=5000, message=TOO_LONG)],
    )
    decline = SubmitField(_l("Record that the group declines the offer"), widget=GovSubmitInput())


class BankDetailsForGroupForm(PortalForm):
    channel = channel_field()
    given_by = _name_field(
        _l("Name of the person in the group who gave you the details"),
        _l("Enter the name of the person in the group who gave you the details"),
        _l("We e-mail everyone in the group with an account to say who gave them."),
    )
    note = note_field(
        _l("How and when they gave you the details"),
        _l(
            "And how you checked them. For example: Fatima Begum, the treasurer, brought the group's bank "
            "statement to the drop-in on 3 March."
        ),
        _l("Record how and when they gave you the details"),
    )
    account_name = StringField(_l("Name on the account"), widget=GovTextInput())
    sort_code = StringField(
        _l("Sort code"),
        description=_l("Must be 6 digits long"),
        widget=GovTextInput(),
        validators=[Length(max=20, message=_l("Enter a valid sort code like 309430"))],
    )
    account_number = StringField(
        _l("Account number"),
        description=_l("Must be 8 digits long"),
        widget=GovTextInput(),
        validators=[Length(max=20, message=_l("Enter a valid account number like 00733445"))],
    )
    save = SubmitField(_l("Save the group's bank details"), widget=GovSubmitInput())
