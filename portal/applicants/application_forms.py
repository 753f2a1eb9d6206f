"""Forms for the sections of an expression of interest. They check shape only; the applications
service checks the rules (word limits, budgets, the deadline) for every route into it."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.fields import IntegerField, MoneyField
from portal.forms import PortalForm
from portal.widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)

BUDGET_ROWS = 8


class SectionForm(PortalForm):
    """Every section: the version the page was based on, and two ways to save."""

    version = HiddenField()
    save = SubmitField(_l("Save and continue"), widget=GovSubmitInput())
    later = SubmitField(_l("Save and come back later"), widget=GovSubmitInput())

    @property
    def finishing(self) -> bool:
        """'Save and continue' means the person has finished the section."""
        return self.later is None or not self.later.data

    @property
    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


def words_field(label, *, description=None, limit: int | None = None, required: str | None = None):  # noqa: ANN001, ANN201
    validators = [InputRequired(required)] if required else [Optional()]
    validators.append(Length(max=20000))
    return TextAreaField(
        label, description=description, widget=GovCharacterCount() if limit else GovTextArea(), validators=validators
    )


class ProjectForm(SectionForm):
    title = StringField(
        _l("What is your project called?"),
        description=_l("A short name, for example Women's Conversation Cafe"),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200)],
    )
    summary = words_field(
        _l("Describe your project in a few sentences"),
        description=_l("What you want to do and why. You can write up to 150 words."),
        limit=150,
    )


class WorkStreamForm(SectionForm):
    work_stream = RadioField(
        _l("Which theme is your project part of?"),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Choose the theme your project is part of"))],
    )


class BeneficiariesForm(SectionForm):
    who_benefits = words_field(
        _l("Who will take part and benefit?"),
        description=_l(
            "For example: women who have recently arrived in the city and are "
            "learning English. You can write up to 150 words."
        ),
        limit=150,
    )
    localities = SelectMultipleField(
        _l("Where will your project happen?"),
        widget=GovCheckboxesInput(),
        description=_l("Select all that apply."),
        validators=[Optional()],
        coerce=int,
    )
    wards = SelectMultipleField(
        _l("Which wards or neighbourhoods? (optional)"),
        widget=GovCheckboxesInput(),
        validators=[Optional()],
        coerce=int,
    )


class ActivitiesForm(SectionForm):
    activities = words_field(
        _l("What will you do?"),
        description=_l("The activities, how often, and where. You can write up to 250 words."),
        limit=250,
    )
    timescale = words_field(
        _l("When will it happen?"), description=_l("For example: every Tuesday from April to September."), limit=100
    )


class AnswerForm(SectionForm):
    text = TextAreaField(_l("Your answer"), widget=GovCharacterCount(), validators=[Optional(), Length(max=20000)])
    recording = FileField(
        _l("Or send a short recording instead (optional)"),
        description=_l("An audio or video file: MP3, M4A, OGG, WAV, MP4 or WebM."),
        widget=GovFileInput(),
    )
    recording_summary = TextAreaField(
        _l("A few words about what the recording says (optional)"),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=5000)],
    )
    remove_recording = BooleanField(_l("Remove the recording"), widget=GovCheckboxInput())


class PartnersForm(SectionForm):
    has_partners = RadioField(
        _l("Will you work with other groups or organisations on this project?"),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        widget=GovRadioInput(),
        validators=[Optional()],
    )
    partners = words_field(
        _l("If yes, who are they and what will they do?"), description=_l("You can write up to 150 words."), limit=150
    )


class DeclarationForm(SectionForm):
    confirm_true = BooleanField(
        _l("The information in this application is true, as far as I know"),
        widget=GovCheckboxInput(),
        validators=[InputRequired(_l("Confirm that the information is true"))],
    )
    confirm_allowed = BooleanField(
        _l("I am allowed to apply for my group"),
        widget=GovCheckboxInput(),
        validators=[InputRequired(_l("Confirm that you are allowed to apply for your group"))],
    )
    full_name = StringField(
        _l("Your full name"),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter your full name")), Length(max=200)],
    )
    later = None  # nothing to come back to: confirming is the whole section


class SubmitForm(PortalForm):
    submit = SubmitField(_l("Send application"), widget=GovSubmitInput())


class StartForm(PortalForm):
    organisation = RadioField(
        _l("Which group are you applying for?"),
        widget=GovRadioInput(),
        coerce=int,
        validators=[InputRequired(_l("Choose the group you are applying for"))],
    )
    submit = SubmitField(_l("Start application"), widget=GovSubmitInput())


class BudgetLineForm(Form):
    """One line of a budget (a subform: the page's own form carries the CSRF token)."""

    description = StringField(
        _l("What you will spend it on"), widget=GovTextInput(), validators=[Optional(), Length(max=200)]
    )
    amount = MoneyField(_l("Amount"), widget=GovTextInput())


class BudgetForm(SectionForm):
    amount = MoneyField(_l("How much are you asking for?"), widget=GovTextInput())
    lines = FieldList(FormField(BudgetLineForm), min_entries=BUDGET_ROWS, max_entries=BUDGET_ROWS)

    def filled_lines(self) -> list[tuple[str, Decimal]]:
        return [
            (line.form.description.data or "", line.form.amount.decimal)
            for line in self.lines
            if (line.form.description.data or "").strip() and line.form.amount.decimal is not None
        ]

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        valid = super().validate(extra_validators=extra_validators)
        for line in self.lines:
            has_text = bool((line.form.description.data or "").strip())
            has_amount = bool((line.form.amount.data or "").strip())
            if has_text and not has_amount:
                line.form.amount.errors.append(_l("Enter the amount for this line"))
                valid = False
            elif has_amount and not has_text:
                line.form.description.errors.append(_l("Say what this amount is for"))
                valid = False
        return valid


def build_outputs_form(measures: list) -> type[SectionForm]:  # noqa: ANN001
    """A form with, for each measure, a number (or words) and a 'not part of our project' box."""

    class OutputsForm(SectionForm):
        def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
            super().__init__(*args, **kwargs)
            for field in self:
                if isinstance(field, IntegerField) and field.process_errors:
                    field.process_errors = [_l("Enter a whole number, like 25")]

    for measure in measures:
        if measure.target is not None or measure.kind == "numeric":
            field = IntegerField(
                measure.name,
                description=_l(
                    "How many %(unit)s? The programme as a whole aims for %(target)s.",
                    unit=measure.unit,
                    target=f"{measure.target:,}" if measure.target else "—",
                ),
                widget=GovTextInput(),
                validators=[Optional(), NumberRange(min=0, max=1_000_000, message=_l("Enter a whole number, like 25"))],
            )
        else:
            field = TextAreaField(
                measure.name,
                description=measure.help_text or _l("Describe it in a few words."),
                widget=GovTextArea(),
                validators=[Optional(), Length(max=5000)],
            )
        setattr(OutputsForm, f"m{measure.id}", field)
        setattr(
            OutputsForm,
            f"m{measure.id}_not_part",
            BooleanField(_l("This is not part of our project"), widget=GovCheckboxInput()),
        )
    return OutputsForm
