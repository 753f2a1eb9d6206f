"""The group's answer to its offer: accepting (who, their role, the date, every condition ticked),
declining (an optional reason), and the bank account the grant is paid into. The forms check
shape; the acceptance service checks the rules and names the field each problem is about."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from portal.fields import DateInputField
from portal.forms import PortalForm
from portal.widgets import GovCheckboxesInput, GovSubmitInput, GovTextArea, GovTextInput

TOO_LONG = _l("Keep this to %(max)d characters or fewer")


class AgreesToConditions:
    """An acceptance's conditions, a box to tick for each (the group's own form and the officer's
    form for the group; ``agreement(title)`` words each box)."""

    def agreement(self, title: str) -> str:
        raise NotImplementedError

    def set_conditions(self, conditions) -> None:  # noqa: ANN001
        self.conditions.choices = [SelectChoice(c.id, self.agreement(c.title)) for c in conditions]

    @property
    def agreed_ids(self) -> set[int]:
        return set(self.conditions.data or [])


class AcceptForm(AgreesToConditions, PortalForm):
    name = StringField(
        _l("Your full name"),
        widget=GovTextInput(),
        validators=[Length(max=200, message=TOO_LONG)],
    )
    role = StringField(
        _l("Your role in the group"),
        description=_l("For example, chair, treasurer or secretary."),
        widget=GovTextInput(),
        validators=[Length(max=200, message=TOO_LONG)],
    )
    accepted_on = DateInputField(_l("Date"), description=_l("The date you accept the offer. For example, 27 3 2027"))
    conditions = SelectMultipleField(
        _l("Agree to the conditions"),
        description=_l("Tick each condition to confirm that your group agrees to it."),
        widget=GovCheckboxesInput(),
        coerce=int,
        validate_choice=False,
    )
    accept = SubmitField(_l("Accept the offer"), widget=GovSubmitInput())

    def agreement(self, title: str) -> str:
        return str(_l("I agree to: %(title)s", title=title))


class DeclineForm(PortalForm):
    reason = TextAreaField(
        _l("Why are you turning the offer down? (optional)"),
        description=_l("This helps us to improve the fund. You do not have to tell us."),
        widget=GovTextArea(),
        validators=[Length(max=5000, message=TOO_LONG)],
    )
    decline = SubmitField(_l("Decline the offer"), widget=GovSubmitInput())


class BankDetailsForm(PortalForm):
    """The GOV.UK "bank details" pattern: the name on the account, sort code, account number."""

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
    save = SubmitField(_l("Save bank details"), widget=GovSubmitInput())
