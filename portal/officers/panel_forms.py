"""Officer forms for a round's panel: its rules, its members, and assigning EOIs to them. They check
shape; ``portal/services/panels.py`` and ``assignments.py`` check the rules."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, StopValidation

from portal.domain.dates import DateProblem, local_to_utc
from portal.domain.panel import LABELS, MemberKind
from portal.fields import DateInputField, IntegerField, TimeField
from portal.forms import PortalForm
from portal.widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput


def member_kind_choices() -> list[SelectChoice]:
    return [SelectChoice(kind.value, _l(LABELS[kind])) for kind in MemberKind]


class ActionForm(PortalForm):
    """A button that changes something (set up, remove): only its CSRF token."""


class PanelRulesForm(PortalForm):
    """The panel's rules. The deadline is typed in UK time; ``scoring_deadline`` is UTC."""

    minimum_reviewers = IntegerField(
        _l("Reviewers each EOI needs"),
        description=_l("Panel members without a conflict of interest who score each EOI. Usually 3."),
        widget=GovTextInput(),
        validators=[
            InputRequired(_l("Enter how many reviewers each EOI needs")),
            NumberRange(min=1, max=50, message=_l("Enter a whole number from 1 to 50")),
        ],
    )
    spread_threshold = StringField(
        _l("Largest spread of scores before it is discussed, in points out of 100"),
        description=_l(
            "Where the highest and lowest total scores for an EOI are further apart than this, "
            "the moderation meeting is asked to talk about it. Usually 25."
        ),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter the largest spread of scores"))],
    )
    deadline_on = DateInputField(
        _l("Scoring deadline (optional)"), description=_l("For example, 30 4 2027. Leave empty for no deadline.")
    )
    deadline_time = TimeField(_l("Time on the deadline day"))
    submit = SubmitField(_l("Save the panel's rules"), widget=GovSubmitInput())

    scoring_deadline = None
    threshold: Decimal | None = None

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        # WTForms' own "Not a valid integer value." is replaced by a plain-English one.
        self.minimum_reviewers.process_errors = [
            _l("Enter how many reviewers as a whole number, like 3") for _ in self.minimum_reviewers.process_errors
        ]

    def validate_spread_threshold(self, field) -> None:  # noqa: ANN001
        try:
            value = Decimal((field.data or "").strip())
        except InvalidOperation as exc:
            raise StopValidation(_l("Enter the spread as a number from 0 to 100, like 25")) from exc
        if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
            raise StopValidation(_l("Enter the spread as a number from 0 to 100, like 25"))
        if value != value.quantize(Decimal("0.01")):
            raise StopValidation(_l("The spread can have at most two places after the point, like 12.5"))
        self.threshold = value

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        valid = super().validate(extra_validators=extra_validators)
        self.scoring_deadline = None
        if self.deadline_on.data and not self.deadline_time.errors:
            if self.deadline_time.parsed is None:
                self.deadline_time.errors.append(_l("Enter the time on the deadline day, like 5pm"))
                return False
            from portal.templating import translate_message

            try:
                self.scoring_deadline = local_to_utc(
                    self.deadline_on.data, self.deadline_time.parsed, current_app.config["TIMEZONE"]
                )
            except DateProblem as problem:
                self.deadline_time.errors.append(translate_message(problem.message))
                return False
        elif self.deadline_time.parsed is not None and not self.deadline_on.errors:
            self.deadline_on.errors.append(_l("Enter the deadline date, or leave the time empty"))
            return False
        return valid


def _profile_field() -> TextAreaField:
    return TextAreaField(
        _l("Short profile (optional)"),
        description=_l(
            "What they bring to the panel, in a sentence or two. For example: lives in Sparkbrook, "
            "volunteers at a youth club. Other panel members and officers see it."
        ),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=2000, message=_l("Keep the profile to 2000 characters or fewer"))],
    )


def _kind_field() -> RadioField:
    return RadioField(
        _l("Sits on the panel as"),
        widget=GovRadioInput(),
        choices=member_kind_choices(),
        validators=[InputRequired(_l("Choose whether they are a resident or a voluntary-sector partner"))],
    )


class AddMemberForm(PortalForm):
    email = StringField(
        _l("Their e-mail address"),
        description=_l("They need an account on the portal. They are given the panel member's pages."),
        widget=GovTextInput(),
        validators=[
            InputRequired(_l("Enter the e-mail address of the person to add")),
            Email(message=_l("Enter an e-mail address like name@example.org")),
            Length(max=254),
        ],
    )
    kind = _kind_field()
    profile = _profile_field()
    submit = SubmitField(_l("Add to the panel"), widget=GovSubmitInput())


class MemberForm(PortalForm):
    kind = _kind_field()
    profile = _profile_field()
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


class AssignForm(PortalForm):
    """Give one EOI to one more panel member; one per EOI on the page, each with its own prefix."""

    member = SelectField(
        _l("Panel member"),
        widget=GovSelect(),
        validate_choice=False,
        validators=[InputRequired(_l("Choose a panel member"))],
    )
    submit = SubmitField(_l("Assign"), widget=GovSubmitInput())


EVERY_MEMBER = "every"
PER_EOI = "number"


class BulkAssignForm(PortalForm):
    mode = RadioField(
        _l("Who should score each EOI?"),
        widget=GovRadioInput(),
        choices=[
            SelectChoice(EVERY_MEMBER, _l("Every panel member without a conflict")),
            SelectChoice(PER_EOI, _l("A number of members per EOI, sharing the work evenly")),
        ],
        validators=[InputRequired(_l("Choose who should score each EOI"))],
    )
    per_eoi = IntegerField(
        _l("Members per EOI (for a number of members)"),
        description=_l("EOIs that already have some reviewers are topped up to this number."),
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=1, max=50, message=_l("Enter a whole number from 1 to 50"))],
    )
    submit = SubmitField(_l("Assign EOIs"), widget=GovSubmitInput())

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.per_eoi.process_errors = [
            _l("Enter the number of members as a whole number, like 3") for _ in self.per_eoi.process_errors
        ]

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        valid = super().validate(extra_validators=extra_validators)
        if self.mode.data == PER_EOI and self.per_eoi.data is None and not self.per_eoi.errors:
            self.per_eoi.errors.append(_l("Enter how many members should score each EOI"))
            valid = False
        return valid

    @property
    def number(self) -> int | None:
        return self.per_eoi.data if self.mode.data == PER_EOI else None
