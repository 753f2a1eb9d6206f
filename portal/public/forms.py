"""Public forms: the eligibility check's questions (one to a page) and 'ask us to call you back'.
They check shape; the rules are in portal/domain/eligibility.py."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, Length, Optional, StopValidation

from portal.domain.eligibility import NONE_OF_THESE, OUTSIDE_AREA, RoundRules, Step, WorksWith, purpose_key
from portal.domain.organisations import IncomeBand, LegalForm
from portal.forms import LEGAL_FORM_LABELS, PortalForm
from portal.widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)

LEGAL_FORM_HINTS = {
    LegalForm.UNCONSTITUTED.value: _l(
        "For example, a few neighbours or a residents' group with no written rules. Another organisation "
        "receives the money for you."
    ),
    LegalForm.COMMUNITY_GROUP.value: _l("Your group has written rules (a constitution) and a committee."),
    LegalForm.CHARITY.value: _l("Registered with the Charity Commission, or a charitable incorporated organisation."),
    LegalForm.FAITH.value: _l("For example, a church, mosque, gurdwara, synagogue or temple group."),
}

INCOME_BAND_LABELS = {
    IncomeBand.UNDER_10K.value: _l("Less than £10,000"),
    IncomeBand.FROM_10K_TO_50K.value: _l("£10,000 to £50,000"),
    IncomeBand.FROM_50K_TO_100K.value: _l("£50,001 to £100,000"),
    IncomeBand.FROM_100K_TO_250K.value: _l("£100,001 to £250,000"),
    IncomeBand.OVER_250K.value: _l("More than £250,000"),
}

WORKS_WITH_LABELS = {
    WorksWith.YES.value: _l("Yes"),
    WorksWith.PLANNED.value: _l("Not yet, but we plan to"),
    WorksWith.NO.value: _l("No"),
}

# Each question in a few words, for the check-your-answers page.
STEP_SUMMARIES = {
    Step.GROUP: _l("Kind of group"),
    Step.AREA: _l("Where your group works"),
    Step.INCOME: _l("Yearly income"),
    Step.PURPOSE: _l("What the money is for"),
    Step.PEOPLE: _l("Works with the people this fund is for"),
}


def at_least_one(message):  # noqa: ANN001, ANN201
    def _check(form, field) -> None:  # noqa: ANN001
        if not field.data:
            raise StopValidation(message)

    return _check


class StepForm(PortalForm):
    """One question of the eligibility check; its answer is in ``answer``."""

    submit = SubmitField(_l("Continue"), widget=GovSubmitInput())
    exclusive: str | None = None  # the option that means "none of the others", after an "or"
    hints: dict = {}  # a hint under an option, by its value

    def set_choices(self, rules: RoundRules) -> None:
        raise NotImplementedError


class GroupQuestion(StepForm):
    answer = RadioField(
        _l("What kind of group are you?"),
        widget=GovRadioInput(),
        invalid_choice_message=_l("Select what kind of group you are"),
    )
    exclusive = NONE_OF_THESE
    hints = LEGAL_FORM_HINTS

    def set_choices(self, rules: RoundRules) -> None:
        self.answer.choices = [*LEGAL_FORM_LABELS.items(), (NONE_OF_THESE, _l("None of these"))]


class AreaQuestion(StepForm):
    answer = SelectMultipleField(
        _l("Where does your group work?"),
        description=_l("Select all that apply."),
        widget=GovCheckboxesInput(),
        validators=[at_least_one(_l("Select where your group works, or select 'Outside these areas'"))],
    )

    def set_choices(self, rules: RoundRules) -> None:
        self.answer.choices = [(str(i), name) for i, name in rules.localities] + [
            (OUTSIDE_AREA, _l("Outside these areas"))
        ]


class IncomeQuestion(StepForm):
    answer = RadioField(
        _l("What is your group's yearly income?"),
        description=_l("All the money your group receives in a year, from grants, donations, fees and sales."),
        widget=GovRadioInput(),
        invalid_choice_message=_l("Select your group's yearly income"),
    )

    def set_choices(self, rules: RoundRules) -> None:
        self.answer.choices = list(INCOME_BAND_LABELS.items())


class PurposeQuestion(StepForm):
    answer = SelectMultipleField(
        _l("Will you use the money for any of these?"),
        description=_l("Select all that apply."),
        widget=GovCheckboxesInput(),
        validators=[at_least_one(_l("Select what the money is for, or select 'No, none of these'"))],
    )
    exclusive = NONE_OF_THESE

    def set_choices(self, rules: RoundRules) -> None:
        self.answer.choices = [(purpose_key(p), p) for p in rules.excluded_purposes] + [
            (NONE_OF_THESE, _l("No, none of these"))
        ]

    def validate_answer(self, field) -> None:  # noqa: ANN001
        if NONE_OF_THESE in (field.data or []) and len(field.data) > 1:
            raise ValidationError(_l("Select what the money is for, or select 'No, none of these', not both"))


class PeopleQuestion(StepForm):
    answer = RadioField(
        _l("Does your group work with these people?"),
        widget=GovRadioInput(),
        invalid_choice_message=_l("Select whether your group works with the people this fund is for"),
    )

    def set_choices(self, rules: RoundRules) -> None:
        self.answer.choices = list(WORKS_WITH_LABELS.items())


STEP_FORMS: dict[Step, type[StepForm]] = {
    Step.GROUP: GroupQuestion,
    Step.AREA: AreaQuestion,
    Step.INCOME: IncomeQuestion,
    Step.PURPOSE: PurposeQuestion,
    Step.PEOPLE: PeopleQuestion,
}


def build_step_form(step: Step, rules: RoundRules, saved: object = None) -> StepForm:
    """The form for ``step``, showing the saved answer until the person posts a new one."""
    form = STEP_FORMS[step](data={"answer": saved} if saved is not None else None)
    form.set_choices(rules)
    return form


# --- ask us to call you back ---------------------------------------------------------------------


def strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


_PHONE_CHARACTERS = re.compile(r"^[0-9\s+()\-]+$")
PHONE_EXAMPLE = _l("Enter a phone number, like 01632 960 001 or +44 7700 900 982")


class CallBackForm(PortalForm):
    name = StringField(
        _l("Your name"),
        widget=GovTextInput(),
        filters=[strip],
        validators=[DataRequired(_l("Enter your name")), Length(max=200, message=_l("Your name is too long"))],
    )
    phone = StringField(
        _l("Phone number"),
        description=_l("We will call you on this number. A mobile or a landline is fine."),
        widget=GovTextInput(),
        filters=[strip],
        validators=[DataRequired(_l("Enter a phone number we can call you on"))],
    )
    best_time = StringField(
        _l("Best time to call you (optional)"),
        description=_l("For example, weekday mornings, or after 4pm"),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200, message=_l("Keep the best time to call to 200 characters or fewer"))],
    )
    language = StringField(
        _l("Language you would like us to speak (optional)"),
        description=_l("We will try to speak to you in this language, or arrange an interpreter."),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=100, message=_l("Keep the language to 100 characters or fewer"))],
    )
    message = TextAreaField(
        _l("What do you need help with? (optional)"),
        description=_l("For example, filling in the application, or whether your group can apply."),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=2000, message=_l("Keep this to 2,000 characters or fewer"))],
    )
    submit = SubmitField(_l("Ask for a call back"), widget=GovSubmitInput())

    def validate_phone(self, field) -> None:  # noqa: ANN001
        number = (field.data or "").strip()
        digits = sum(ch.isdigit() for ch in number)
        if not _PHONE_CHARACTERS.match(number) or not 10 <= digits <= 15:
            raise ValidationError(PHONE_EXAMPLE)
