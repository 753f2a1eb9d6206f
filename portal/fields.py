"""Form fields the GOV.UK widgets do not provide: a date in three boxes and a typed time.

Both parse with the pure rules in portal/domain/dates.py and keep exactly what was typed, so a
form shown again after an error shows the person's own input.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from wtforms import Field, StringField
from wtforms import IntegerField as _WTFormsIntegerField
from wtforms.utils import unset_value
from wtforms.validators import StopValidation

from portal.domain.dates import DateProblem, parse_date, parse_time
from portal.widgets import GovTextInput

PARTS = ("day", "month", "year")
MAX_WHOLE_NUMBER_LENGTH = 12


class IntegerField(_WTFormsIntegerField):
    """WTForms' whole-number field, refusing absurdly long numbers as "not a number" before
    WTForms' range check turns them into a float (OverflowError: a server error, found by fuzzing)."""

    def process_formdata(self, valuelist) -> None:  # noqa: ANN001
        if valuelist and len(str(valuelist[0]).strip()) > MAX_WHOLE_NUMBER_LENGTH:
            self.data = None
            raise ValueError(_l("Enter a whole number, like 25"))
        super().process_formdata(valuelist)


class DateInputField(Field):
    """Three inputs named ``<name>-day``, ``<name>-month``, ``<name>-year``; ``data`` is a date.
    Render with the ``date_input`` macro in templates/_macros/forms.html."""

    def __init__(self, label=None, validators=None, *, required_message=None, **kwargs):  # noqa: ANN001
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message
        self.raw_parts: dict[str, str] = {}

    def process(self, formdata, data=unset_value, extra_filters=None):  # noqa: ANN001, ANN201
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        self.data = data
        self.raw_data = None
        if isinstance(data, date):
            self.raw_parts = {"day": str(data.day), "month": str(data.month), "year": str(data.year)}
        if formdata is not None and any(f"{self.name}-{part}" in formdata for part in PARTS):
            self.raw_parts = {part: formdata.get(f"{self.name}-{part}", "").strip() for part in PARTS}
            self.raw_data = list(self.raw_parts.values())
            self.data = None
            if any(self.raw_parts.values()):
                try:
                    self.data = parse_date(self.raw_parts["day"], self.raw_parts["month"], self.raw_parts["year"])
                except DateProblem as problem:
                    from portal.templating import translate_message

                    self.process_errors.append(translate_message(problem.message))

    def pre_validate(self, form) -> None:  # noqa: ANN001
        if self.process_errors:
            raise StopValidation(self.process_errors[0])
        if self.data is None and self.required_message:
            raise StopValidation(self.required_message)


class TimeField(StringField):
    """A time typed as people write it ('5pm', '17:30', 'noon'); ``parsed`` is a datetime.time."""

    def __init__(self, label=None, validators=None, *, required_message=None, **kwargs):  # noqa: ANN001
        kwargs.setdefault("description", _l("For example, 5pm or 17:30"))
        kwargs.setdefault("widget", GovTextInput())
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message
        self.parsed: time | None = None

    def process_data(self, value) -> None:  # noqa: ANN001
        if isinstance(value, time):
            self.data = value.strftime("%H:%M")
        else:
            self.data = value

    def pre_validate(self, form) -> None:  # noqa: ANN001
        self.parsed = None
        if not (self.data or "").strip():
            if self.required_message:
                raise StopValidation(self.required_message)
            return
        try:
            self.parsed = parse_time(self.data)
        except DateProblem as problem:
            from portal.templating import translate_message

            raise StopValidation(translate_message(problem.message)) from problem


class MoneyField(StringField):
    """Pounds, typed with or without '£' and commas; ``decimal`` holds the amount."""

    def __init__(self, label=None, validators=None, *, required_message=None, maximum=Decimal("99999999.99"), **kwargs):  # noqa: ANN001
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message
        self.maximum = maximum
        self.decimal: Decimal | None = None

    def process_data(self, value) -> None:  # noqa: ANN001
        if isinstance(value, Decimal):
            self.data = f"{value:.2f}".removesuffix(".00")
        else:
            self.data = value

    def pre_validate(self, form) -> None:  # noqa: ANN001
        self.decimal = None
        text = (self.data or "").strip().replace("£", "").replace(",", "").strip()
        if not text:
            if self.required_message:
                raise StopValidation(self.required_message)
            return
        try:
            amount = Decimal(text)
        except InvalidOperation as exc:
            raise StopValidation(_l("Enter an amount in pounds, like 5000 or 2500.50")) from exc
        if not amount.is_finite():  # "NaN", "Infinity": Decimal reads them, nobody means them
            raise StopValidation(_l("Enter an amount in pounds, like 5000 or 2500.50"))
        if amount < 0:
            raise StopValidation(_l("The amount cannot be less than 0"))
        if amount > self.maximum:  # before quantize, which fails on numbers like 1e309
            raise StopValidation(_l("The amount is too large"))
        if amount != amount.quantize(Decimal("0.01")):
            raise StopValidation(_l("The amount can only have pence after the point, like 2500.50"))
        self.decimal = amount
