"""Officer forms for the moderation meeting and decisions: the agreed panel score, the decision on
one EOI, finishing the panel's scoring of an EOI, and releasing the round's decisions. They check
shape; the moderation and decisions services check the rules."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, StopValidation

from portal.domain.workflow import DecisionOutcome
from portal.fields import MoneyField
from portal.forms import PortalForm
from portal.widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)

TEXT_LIMIT = 5000
LONG = _l("Keep this to 5000 characters or fewer")

OUTCOME_LABELS = {
    DecisionOutcome.FUND.value: _l("Fund"),
    DecisionOutcome.DO_NOT_FUND.value: _l("Do not fund"),
    DecisionOutcome.RESERVE.value: _l("Reserve list"),
}


class AgreedScoreForm(PortalForm):
    score = StringField(
        _l("Agreed panel score (out of 100)"),
        description=_l("The score the panel agreed at the meeting, for example 72 or 68.5."),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter the agreed score"))],
    )
    rationale = TextAreaField(
        _l("How the panel reached this score"),
        description=_l("What the panel discussed and why it settled on this score. Officers and the panel see this."),
        widget=GovTextArea(),
        validators=[InputRequired(_l("Say how the panel reached this score")), Length(max=TEXT_LIMIT, message=LONG)],
    )
    save = SubmitField(_l("Save the agreed score"), widget=GovSubmitInput())

    value: Decimal | None = None

    def validate_score(self, field) -> None:  # noqa: ANN001
        self.value = None
        try:
            self.value = Decimal((field.data or "").strip())
        except InvalidOperation as exc:
            raise StopValidation(_l("Enter the agreed score as a number from 0 to 100, like 72 or 68.5")) from exc
        if not self.value.is_finite():
            raise StopValidation(_l("Enter the agreed score as a number from 0 to 100, like 72 or 68.5"))


class DecisionForm(PortalForm):
    outcome = RadioField(
        _l("Decision"),
        widget=GovRadioInput(),
        choices=[SelectChoice(value, label) for value, label in OUTCOME_LABELS.items()],
        validators=[InputRequired(_l("Choose a decision"))],
    )
    amount = MoneyField(_l("If you fund it: the amount"), widget=GovTextInput())
    conditions = TextAreaField(
        _l("If you fund it: any conditions (optional)"),
        description=_l("For example: send us your safeguarding policy before the first payment. The group sees these."),
        widget=GovTextArea(),
        validators=[Length(max=TEXT_LIMIT, message=LONG)],
    )
    feedback = TextAreaField(
        _l("If you do not fund it: feedback for the group"),
        description=_l(
            "Filled in from the panel's comments marked for feedback to the group. Edit it into plain, kind "
            "English: the group reads it."
        ),
        widget=GovTextArea(),
        validators=[Length(max=TEXT_LIMIT, message=LONG)],
    )
    reason = TextAreaField(
        _l("Reason for this decision"),
        description=_l("For the record and the decision pack. The group does not see this."),
        widget=GovTextArea(),
        validators=[InputRequired(_l("Give the reason for this decision")), Length(max=TEXT_LIMIT, message=LONG)],
    )
    override_reason = TextAreaField(
        _l("If this decision goes against the ranking: why"),
        description=_l("Needed when you fund an EOI below the budget line, or do not fund one above it."),
        widget=GovTextArea(),
        validators=[Length(max=TEXT_LIMIT, message=LONG)],
    )
    # The EOI's lock_version when the form was loaded: a decision made meanwhile is not overwritten.
    version = HiddenField()
    save = SubmitField(_l("Save the decision"), widget=GovSubmitInput())

    @property
    def expected_version(self) -> int | None:
        value = (self.version.data or "").strip()
        return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None

    def validate_amount(self, field) -> None:  # noqa: ANN001
        if self.outcome.data == DecisionOutcome.FUND and field.decimal is None and not field.errors:
            raise StopValidation(_l("Enter the amount to fund"))

    def validate_feedback(self, field) -> None:  # noqa: ANN001
        if self.outcome.data == DecisionOutcome.DO_NOT_FUND and not (field.data or "").strip():
            raise StopValidation(_l("Write the feedback the group will be told"))


class FinishScoringForm(PortalForm):
    finish = SubmitField(_l("Finish scoring with the reviews submitted so far"), widget=GovSubmitInput())


class ReleaseForm(PortalForm):
    confirm = BooleanField(
        _l("I have checked every decision, and groups can see them now"),
        widget=GovCheckboxInput(),
        validators=[InputRequired(_l("Confirm that you have checked every decision"))],
    )
    release = SubmitField(_l("Release the decisions to groups"), widget=GovSubmitInput())
