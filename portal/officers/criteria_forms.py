"""Forms for scoring criteria. They check shape; ranges come from portal/domain/criteria.py so the
form and the service give the same messages, and the service checks the rules again."""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, StopValidation, ValidationError

from portal.domain import criteria as rules
from portal.forms import PortalForm
from portal.widgets import GovSubmitInput, GovTextArea, GovTextInput

_WHOLE_NUMBER = re.compile(r"^-?[0-9]{1,9}$")
_DECIMAL = re.compile(r"^-?([0-9]{1,9}(\.[0-9]{0,6})?|\.[0-9]{1,6})$")


def _translated(message) -> str:  # noqa: ANN001 - a domain Message
    from portal.templating import translate_message

    return translate_message(message)


class WholeNumberField(StringField):
    """A whole number typed in a text box (GOV.UK advise against type=number). ``data`` keeps what
    was typed; ``number`` is the int, or None when the box was left empty."""

    def __init__(self, label=None, validators=None, *, invalid_message=None, **kwargs):  # noqa: ANN001
        super().__init__(label, validators, **kwargs)
        self.invalid_message = invalid_message
        self.number: int | None = None

    def process_data(self, value) -> None:  # noqa: ANN001
        self.data = "" if value is None else str(value)

    def pre_validate(self, form) -> None:  # noqa: ANN001
        self.number = None
        text = (self.data or "").strip().replace(",", "")
        if not text:
            return
        if not _WHOLE_NUMBER.match(text):
            raise StopValidation(self.invalid_message)
        self.number = int(text)


class WeightField(StringField):
    """A decimal number typed in a text box; ``decimal`` holds it once valid."""

    def __init__(self, label=None, validators=None, *, required_message=None, invalid_message=None, **kwargs):  # noqa: ANN001
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message
        self.invalid_message = invalid_message
        self.decimal: Decimal | None = None

    def process_data(self, value) -> None:  # noqa: ANN001
        self.data = format(value.normalize(), "f") if isinstance(value, Decimal) else value

    def pre_validate(self, form) -> None:  # noqa: ANN001
        self.decimal = None
        text = (self.data or "").strip()
        if not text:
            raise StopValidation(self.required_message)
        if not _DECIMAL.match(text):
            raise StopValidation(self.invalid_message)
        self.decimal = Decimal(text)


def _descriptor_field(score: int) -> TextAreaField:
    return TextAreaField(
        _l("Score %(score)s: %(name)s", score=score, name=_l(rules.SCORE_NAMES[score])),
        widget=GovTextArea(),
        validators=[
            InputRequired(_l("Describe what a score of %(score)s means", score=score)),
            Length(max=2000, message=_l("Each score description must be 2,000 characters or fewer")),
        ],
    )


class CriterionForm(PortalForm):
    title = StringField(
        _l("Title"),
        description=_l("A short name panel members and officers see, for example Working in partnership"),
        widget=GovTextInput(),
        validators=[
            InputRequired(_l("Enter a title for the criterion")),
            Length(max=200, message=_l("The title must be 200 characters or fewer")),
        ],
    )
    question = TextAreaField(
        _l("Question applicants answer"),
        description=_l("Use plain words. Applicants see this on their form."),
        widget=GovTextArea(),
        validators=[
            InputRequired(_l("Enter the question applicants answer")),
            Length(max=5000, message=_l("The question must be 5,000 characters or fewer")),
        ],
    )
    word_limit = WholeNumberField(
        _l("Word limit for the answer (optional)"),
        description=_l("A whole number from 10 to 2000. Leave it empty for no limit."),
        widget=GovTextInput(),
        invalid_message=_l("Enter the word limit as a whole number, like 250"),
    )
    guidance = TextAreaField(
        _l("Guidance for panel members (optional)"),
        description=_l("What to look for when scoring. Applicants do not see this."),
        widget=GovTextArea(),
        validators=[Length(max=5000, message=_l("The guidance must be 5,000 characters or fewer"))],
    )
    descriptor_0 = _descriptor_field(0)
    descriptor_1 = _descriptor_field(1)
    descriptor_2 = _descriptor_field(2)
    descriptor_3 = _descriptor_field(3)
    descriptor_4 = _descriptor_field(4)
    weight = WeightField(
        _l("Weight"),
        description=_l(
            "A number from 0 to 10, with up to 2 decimal places. A criterion with weight 2 counts twice as "
            "much as one with weight 1."
        ),
        widget=GovTextInput(),
        required_message=_l("Enter a weight from 0 to 10"),
        invalid_message=_l("Enter the weight as a number, like 1 or 1.5"),
    )
    submit = SubmitField(_l("Save criterion"), widget=GovSubmitInput())

    def validate_word_limit(self, field: WholeNumberField) -> None:
        if problem := rules.word_limit_problem(field.number):
            raise ValidationError(_translated(problem))

    def validate_weight(self, field: WeightField) -> None:
        if field.decimal is not None and (problem := rules.weight_problem(field.decimal)):
            raise ValidationError(_translated(problem))

    def details(self) -> rules.CriterionDetails:
        return rules.CriterionDetails(
            title=self.title.data,
            question=self.question.data,
            word_limit=self.word_limit.number,
            guidance=self.guidance.data,
            descriptors=tuple(self[name].data for name in rules.DESCRIPTOR_FIELDS),
            weight=self.weight.decimal,
        )

    def show_refusal(self, message: str, fields: tuple[str, ...] = ()) -> None:
        """Show a refusal from the service at the first field it names (else at the title)."""
        target = next((self[name] for name in rules.EDITABLE_FIELDS if name in fields), self.title)
        target.errors = [*target.errors, message]


class MoveCriterionForm(PortalForm):
    direction = StringField(validators=[InputRequired(), AnyOf(["up", "down"])])


class CriterionActionForm(PortalForm):
    """A button that changes a criterion (archive or restore): only the CSRF token."""
