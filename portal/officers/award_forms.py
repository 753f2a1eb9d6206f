"""Officer forms for an award's terms: the amount and dates, the conditions, the payment schedule,
the agreed output targets, the return dates, and withdrawing it. The lists are rows of a page
that works without JavaScript (the rows saved, and two empty ones; an empty row is ignored).
They check shape; the awards services check the rules."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.domain.awards import LABELS, PaymentTrigger, ReturnKind
from portal.domain.measures import MeasureKind
from portal.domain.workflow import AwardStatus
from portal.fields import DateInputField, IntegerField, MoneyField
from portal.forms import PortalForm
from portal.widgets import (
    GovCheckboxInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)

EMPTY_ROWS = 2
MAX_ROWS = 60
TEXT_LIMIT = 5000
LONG = _l("Keep this to 5000 characters or fewer")

AWARD_STATUS_LABELS = {
    AwardStatus.OFFERED.value: _l("Offered"),
    AwardStatus.ACCEPTED.value: _l("Accepted"),
    AwardStatus.DECLINED.value: _l("Declined"),
    AwardStatus.ACTIVE.value: _l("Active"),
    AwardStatus.COMPLETED.value: _l("Completed"),
    AwardStatus.WITHDRAWN.value: _l("Withdrawn"),
}
AWARD_STATUS_TAGS = {
    AwardStatus.OFFERED.value: "govuk-tag--blue",
    AwardStatus.ACCEPTED.value: "govuk-tag--green",
    AwardStatus.DECLINED.value: "govuk-tag--orange",
    AwardStatus.ACTIVE.value: "govuk-tag--turquoise",
    AwardStatus.COMPLETED.value: "govuk-tag--grey",
    AwardStatus.WITHDRAWN.value: "govuk-tag--grey",
}
TRIGGER_LABELS = {trigger.value: _l(LABELS[trigger]) for trigger in PaymentTrigger}
RETURN_KIND_LABELS = {
    **{kind.value: _l(LABELS[kind]) for kind in ReturnKind},
    ReturnKind.OTHER.value: _l("Another return"),  # "Return" alone reads oddly beside the other two
}


class VersionedForm(PortalForm):
    """A form on one award: the version the page was based on."""

    version = HiddenField()

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    @property
    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class RowsForm(VersionedForm):
    """A form of rows (``rows``, a FieldList of subforms). Problems with the list as a whole go in
    ``form_errors``; the error summary links each error to its own box."""

    def rows_with_data(self) -> list[tuple[int, Form]]:
        return [(index, entry.form) for index, entry in enumerate(self.rows) if not self.is_empty(entry.form)]

    def is_empty(self, row: Form) -> bool:
        raise NotImplementedError

    def add_empty_rows(self, count: int = EMPTY_ROWS) -> None:
        for _ in range(min(count, MAX_ROWS - len(self.rows.entries))):
            self.rows.append_entry()

    @property
    def has_errors(self) -> bool:
        return bool(self.form_errors or self.csrf_token.errors or any(f.errors for row in self.rows for f in row.form))

    @property
    def error_list(self) -> list[dict[str, str]]:
        first = next(iter(self.rows), None)
        first_box = (
            next((f for f in first.form if f.type not in {"HiddenField", "CSRFTokenField"}), None) if first else None
        )
        anchor = (
            f"#{first_box.id}-day"
            if getattr(first_box, "raw_parts", None) is not None
            else f"#{first_box.id}"
            if first_box
            else "#main-content"
        )
        errors = [{"text": str(message), "href": anchor} for message in self.form_errors]
        if self.csrf_token.errors:
            errors.append({"text": str(self.csrf_token.errors[0]), "href": anchor})
        for entry in self.rows:
            for field in entry.form:
                if field.errors:
                    target = f"{field.id}-day" if getattr(field, "raw_parts", None) is not None else field.id
                    errors.append({"text": str(field.errors[0]), "href": f"#{target}"})
        return errors


# --- amount and dates ------------------------------------------------------------------------------


class AwardTermsForm(VersionedForm):
    amount = MoneyField(
        _l("Amount of the award"), widget=GovTextInput(), required_message=_l("Enter the amount of the award")
    )
    starts_on = DateInputField(_l("When the grant starts"), required_message=_l("Enter the date the grant starts"))
    ends_on = DateInputField(_l("When the grant ends"), required_message=_l("Enter the date the grant ends"))
    save = SubmitField(_l("Save the amount and dates"), widget=GovSubmitInput())


# --- conditions ------------------------------------------------------------------------------------


class ConditionRow(Form):
    """One condition (a subform: the page's own form carries the CSRF token)."""

    condition_id = HiddenField()
    order = IntegerField(
        _l("Order"),
        widget=GovTextInput(),
        validators=[
            Optional(),
            NumberRange(min=1, max=MAX_ROWS, message=_l("Enter the order as a whole number, like 2")),
        ],
    )
    title = StringField(_l("Title"), widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    body = TextAreaField(
        _l("What the group must do"),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=TEXT_LIMIT, message=LONG)],
    )
    remove = BooleanField(_l("Remove this condition"), widget=GovCheckboxInput())

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        if self.order.process_errors:
            self.order.process_errors = [_l("Enter the order as a whole number, like 2")]


class ConditionsForm(RowsForm):
    rows = FieldList(FormField(ConditionRow), max_entries=MAX_ROWS)
    add_rows = SubmitField(_l("Add more rows"), widget=GovSubmitInput())
    save = SubmitField(_l("Save the conditions"), widget=GovSubmitInput())

    def is_empty(self, row: Form) -> bool:
        return bool(row.remove.data) or not ((row.title.data or "").strip() or (row.body.data or "").strip())

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        valid = super().validate(extra_validators=extra_validators)
        for _index, row in self.rows_with_data():
            if not (row.title.data or "").strip():
                row.title.errors.append(_l("Give this condition a title"))
                valid = False
            elif not (row.body.data or "").strip():
                row.body.errors.append(_l("Write out what the group must do"))
                valid = False
        return valid

    def conditions(self) -> list[tuple[str, str, int | None]]:
        """The filled rows, by the order given (rows without a number keep their place after)."""
        filled = self.rows_with_data()
        ranked = sorted(
            filled, key=lambda item: (item[1].order.data if item[1].order.data is not None else MAX_ROWS + 1, item[0])
        )
        return [(row.title.data, row.body.data, _int_or_none(row.condition_id.data)) for _index, row in ranked]


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


# --- payments --------------------------------------------------------------------------------------


class PaymentRow(Form):
    amount = MoneyField(_l("Amount"), widget=GovTextInput())
    percentage = StringField(_l("Or a percentage of the award"), widget=GovTextInput(), validators=[Optional()])
    trigger = SelectField(
        _l("When it is paid"),
        widget=GovSelect(),
        choices=[SelectChoice(value, label) for value, label in TRIGGER_LABELS.items()],
        default=PaymentTrigger.ON_ACCEPTANCE.value,
    )
    due_on = DateInputField(_l("Date, if it is paid on a date"))

    percent: Decimal | None = None

    def validate_percentage(self, field) -> None:  # noqa: ANN001
        self.percent = None
        text = (field.data or "").strip().rstrip("%").strip()
        if not text:
            return
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value.adjusted() > 6 or value != value.quantize(Decimal("0.01")):
            field.errors.append(_l("Enter the percentage as a number, like 50 or 33.33"))
            return
        self.percent = value


class PaymentsForm(RowsForm):
    rows = FieldList(FormField(PaymentRow), max_entries=MAX_ROWS)
    add_rows = SubmitField(_l("Add more rows"), widget=GovSubmitInput())
    save = SubmitField(_l("Save the payments"), widget=GovSubmitInput())

    def is_empty(self, row: Form) -> bool:
        return not (
            (row.amount.data or "").strip() or (row.percentage.data or "").strip() or any(row.due_on.raw_parts.values())
        )

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        valid = super().validate(extra_validators=extra_validators)
        for _index, row in self.rows_with_data():
            if row.amount.errors or row.percentage.errors or row.due_on.errors:
                valid = False
                continue
            has_amount, has_percentage = row.amount.decimal is not None, row.percent is not None
            if has_amount == has_percentage:
                message = (
                    _l("Give an amount or a percentage, not both")
                    if has_amount
                    else _l("Give the amount of this payment, or a percentage of the award")
                )
                row.amount.errors.append(message)
                valid = False
            if row.trigger.data == PaymentTrigger.ON_DATE and row.due_on.data is None:
                row.due_on.errors.append(_l("Enter the date of this payment"))
                valid = False
            elif row.trigger.data != PaymentTrigger.ON_DATE and row.due_on.data is not None:
                row.due_on.errors.append(_l("Leave the date empty, or choose 'On a date'"))
                valid = False
        return valid


# --- targets ---------------------------------------------------------------------------------------


def build_targets_form(measures: list) -> type[VersionedForm]:  # noqa: ANN001
    """A box for each measure of the work stream: a whole number, or words for a measure described
    in words. An empty box means no target for that measure."""

    class TargetsForm(VersionedForm):
        save = SubmitField(_l("Save the targets"), widget=GovSubmitInput())

        def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
            super().__init__(*args, **kwargs)
            for field in self:
                if isinstance(field, IntegerField) and field.process_errors:
                    field.process_errors = [_l("Enter a whole number, like 25")]

        def targets(self) -> dict[int, tuple[int | None, str | None]]:
            return {
                measure.id: (
                    (self[f"m{measure.id}"].data, None)
                    if measure.kind == MeasureKind.NUMERIC
                    else (None, (self[f"m{measure.id}"].data or "").strip() or None)
                )
                for measure in measures
            }

    for measure in measures:
        if measure.kind == MeasureKind.NUMERIC:
            field = IntegerField(
                measure.name,
                widget=GovTextInput(),
                validators=[Optional(), NumberRange(min=0, max=1_000_000, message=_l("Enter a whole number, like 25"))],
            )
        else:
            field = TextAreaField(
                measure.name, widget=GovTextArea(), validators=[Optional(), Length(max=TEXT_LIMIT, message=LONG)]
            )
        setattr(TargetsForm, f"m{measure.id}", field)
    return TargetsForm


# --- return dates ----------------------------------------------------------------------------------


class ReturnRow(Form):
    kind = SelectField(
        _l("Which return"),
        widget=GovSelect(),
        choices=[SelectChoice(value, label) for value, label in RETURN_KIND_LABELS.items()],
        default=ReturnKind.OTHER.value,
    )
    due_on = DateInputField(_l("Due on"))


class ReturnsForm(RowsForm):
    rows = FieldList(FormField(ReturnRow), max_entries=MAX_ROWS)
    add_rows = SubmitField(_l("Add more rows"), widget=GovSubmitInput())
    save = SubmitField(_l("Save the return dates"), widget=GovSubmitInput())

    def is_empty(self, row: Form) -> bool:
        return not any(row.due_on.raw_parts.values()) and row.due_on.data is None

    def dates(self) -> list[tuple[ReturnKind, object]]:
        return [(ReturnKind(row.kind.data), row.due_on.data) for _index, row in self.rows_with_data()]


# --- withdrawing -----------------------------------------------------------------------------------


class WithdrawForm(VersionedForm):
    reason = TextAreaField(
        _l("Why are you withdrawing this award?"),
        description=_l("For the record. Tell the group yourself: it is not e-mailed to them."),
        widget=GovTextArea(),
        validators=[
            InputRequired(_l("Give the reason for withdrawing this award")),
            Length(max=TEXT_LIMIT, message=LONG),
        ],
    )
    withdraw = SubmitField(_l("Withdraw this award"), widget=GovSubmitInput())
