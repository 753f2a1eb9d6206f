"""Officer forms for funds and rounds: they check shape; services check the rules."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    HiddenField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import InputRequired, Length, Optional, Regexp

from portal.domain import filetypes
from portal.domain.dates import DateProblem, local_to_utc
from portal.fields import DateInputField, MoneyField, TimeField
from portal.forms import LEGAL_FORM_LABELS, PortalForm
from portal.templating import translate_message
from portal.widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)


def reference_prefix_field() -> StringField:
    return StringField(
        _l("Reference prefix"),
        description=_l("Put at the start of every reference in this round, for example CIF-2027-"),
        widget=GovTextInput(),
        validators=[
            InputRequired(_l("Enter a reference prefix")),
            Length(max=20, message=_l("The reference prefix must be 20 characters or fewer")),
            Regexp(r"^[A-Za-z0-9-]+$", message=_l("Use only letters, numbers and hyphens in the reference prefix")),
        ],
    )


class RoundStatusForm(PortalForm):
    status = HiddenField(validators=[InputRequired()])
    submit = SubmitField(_l("Change status"), widget=GovSubmitInput())


class CopyRoundForm(PortalForm):
    title = StringField(
        _l("Title of the new round"),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter a title for the new round")), Length(max=200)],
    )
    reference_prefix = reference_prefix_field()
    submit = SubmitField(_l("Copy round"), widget=GovSubmitInput())


class CopyFundForm(PortalForm):
    name = StringField(
        _l("Name of the new programme"),
        description=_l("For example, Stronger Communities Fund 2027"),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter a name for the new programme")), Length(max=200)],
    )
    total_budget = MoneyField(
        _l("Its total budget, in pounds"), widget=GovTextInput(), required_message=_l("Enter the total budget")
    )
    submit = SubmitField(_l("Copy programme"), widget=GovSubmitInput())


class FundForm(PortalForm):
    name = StringField(
        _l("Name of the fund"),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter the name of the fund")), Length(max=200)],
    )
    total_budget = MoneyField(
        _l("Total budget, in pounds"),
        widget=GovTextInput(),
        required_message=_l("Enter the total budget"),
    )
    description = TextAreaField(
        _l("Description (optional)"),
        description=_l("What the fund is for, in plain English."),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=5000)],
    )
    submit = SubmitField(_l("Save fund"), widget=GovSubmitInput())


class RoundForm(PortalForm):
    """A round's details. Dates are typed in UK time; ``opens_at``/``closes_at`` hold UTC after validation."""

    title = StringField(
        _l("Title of the round"),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter a title for the round")), Length(max=200)],
    )
    reference_prefix = reference_prefix_field()
    opens_on = DateInputField(
        _l("Opening date"), description=_l("For example, 1 3 2027. Leave empty to open it by hand.")
    )
    opens_time = TimeField(_l("Opening time"))
    closes_on = DateInputField(_l("Closing date"), required_message=_l("Enter the closing date"))
    closes_time = TimeField(_l("Closing time"), required_message=_l("Enter the closing time"))
    min_amount = MoneyField(
        _l("Smallest grant, in pounds"), widget=GovTextInput(), required_message=_l("Enter the smallest grant")
    )
    max_amount = MoneyField(
        _l("Largest grant, in pounds"), widget=GovTextInput(), required_message=_l("Enter the largest grant")
    )
    guidance = TextAreaField(
        _l("Guidance for applicants (optional)"),
        description=_l("Shown to groups before they apply. Use plain English; leave a blank line between paragraphs."),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=20000)],
    )
    submit = SubmitField(_l("Save round"), widget=GovSubmitInput())

    opens_at = None
    closes_at = None

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        valid = super().validate(extra_validators=extra_validators)
        zone = current_app.config["TIMEZONE"]
        self.opens_at = self.closes_at = None
        if self.opens_on.data and not self.opens_time.errors:
            if self.opens_time.parsed is None:
                self.opens_time.errors.append(_l("Enter the opening time"))
                valid = False
            else:
                valid &= self._combine(self.opens_on, self.opens_time, zone, "opens_at")
        elif self.opens_time.parsed is not None and not self.opens_on.errors:
            self.opens_on.errors.append(_l("Enter the opening date, or leave the opening time empty"))
            valid = False
        if self.closes_on.data and self.closes_time.parsed is not None:
            valid &= self._combine(self.closes_on, self.closes_time, zone, "closes_at")
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            self.closes_on.errors.append(_l("The closing date must be after the opening date"))
            valid = False
        low, high = self.min_amount.decimal, self.max_amount.decimal
        if low is not None and high is not None and high < low:
            self.max_amount.errors.append(_l("The largest grant must be at least the smallest grant"))
            valid = False
        return valid

    def _combine(self, day_field, time_field, zone: str, target: str) -> bool:  # noqa: ANN001
        from portal.templating import translate_message

        try:
            setattr(self, target, local_to_utc(day_field.data, time_field.parsed, zone))
        except DateProblem as problem:
            time_field.errors.append(translate_message(problem.message))
            return False
        return True


def legal_form_choices() -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in LEGAL_FORM_LABELS.items()]


class EligibilityForm(PortalForm):
    allowed_legal_forms = SelectMultipleField(
        _l("Which kinds of group can apply?"),
        widget=GovCheckboxesInput(),
        validators=[InputRequired(_l("Select at least one kind of group that can apply"))],
    )
    income_ceiling = MoneyField(
        _l("Largest yearly income a group can have, in pounds (optional)"),
        description=_l("Leave empty for no limit."),
        widget=GovTextInput(),
    )
    excluded_purposes = TextAreaField(
        _l("What the money cannot be used for (optional)"),
        description=_l("One on each line, for example: Religious worship, Party political activity."),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=5000)],
    )
    submit = SubmitField(_l("Save eligibility"), widget=GovSubmitInput())

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.allowed_legal_forms.choices = legal_form_choices()

    @property
    def purposes(self) -> list[str]:
        return [line.strip() for line in (self.excluded_purposes.data or "").splitlines() if line.strip()]


class LetterSettingsForm(PortalForm):
    letter_council_name = StringField(
        _l("Council name on letters (optional)"),
        description=_l("Leave empty to use the portal's council name."),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200)],
    )
    letter_address = TextAreaField(
        _l("Address on letters (optional)"),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=1000)],
    )
    letter_signatory_name = StringField(
        _l("Name of the person who signs letters"),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200)],
    )
    letter_signatory_title = StringField(
        _l("Their job title"),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200)],
    )
    submit = SubmitField(_l("Save letter settings"), widget=GovSubmitInput())


LOGO_MAX_BYTES = 1024 * 1024


class LogoForm(PortalForm):
    """A PNG or JPEG logo for letters; the type is decided by the file's content, not its name."""

    logo = FileField(
        _l("Upload a logo"),
        description=_l("A PNG or JPG image, 1 MB or smaller. It is printed at the top of letters."),
        widget=GovFileInput(),
    )
    submit = SubmitField(_l("Upload logo"), widget=GovSubmitInput())

    content: bytes = b""
    content_type: str = ""

    def validate_logo(self, field) -> None:  # noqa: ANN001
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            raise ValidationError(_l("Select a logo file"))
        data = upload.read(LOGO_MAX_BYTES + 1)
        verdict = filetypes.examine(data, upload.filename, max_bytes=LOGO_MAX_BYTES, allowed=filetypes.LOGOS)
        if not verdict.accepted:  # the same checks as every upload: names, programs, hidden content
            raise ValidationError(translate_message(verdict.message))
        self.content_type = verdict.file_type.content_type
        self.content = data
