"""Forms for a group's output return: the return itself (built for the award's agreed measures),
a story with its consent, and an answer to an officer's query. They check shape only; the returns
service checks the rules, the same for a group and for an officer entering a return for it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from portal.domain.returns import LABELS, Consent
from portal.fields import IntegerField, MoneyField
from portal.forms import PortalForm, monitoring_field
from portal.templating import uk_date
from portal.widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)

WHOLE_NUMBER = _l("Enter a whole number, like 25 (0 if none)")
TOO_LONG = _l("Keep this to %(max)d characters or fewer")
TOOK_PART_HINT = _l(
    "Select all that apply. We only count this in totals across all funded groups: "
    "it is never shown with your group's name."
)


class ReturnForm(PortalForm):
    """What every return asks, whatever the measures: spend, reflections and the two buttons."""

    version = HiddenField()
    spend_to_date = MoneyField(
        _l("How much of the grant have you spent so far?"),
        description=_l("The total since the grant started, in pounds. For example, 1250 or 1250.50."),
        widget=GovTextInput(),
    )
    went_well = TextAreaField(
        _l("What went well?"), widget=GovTextArea(), validators=[Optional(), Length(max=20000, message=TOO_LONG)]
    )
    was_hard = TextAreaField(
        _l("What was hard, or did not go to plan?"),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=20000, message=TOO_LONG)],
    )
    support_needed = TextAreaField(
        _l("Is there any support you need from us? (optional)"),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=20000, message=TOO_LONG)],
    )
    took_part = monitoring_field(_l("Who took part in this period? (optional)"))
    confirm = BooleanField(
        _l("I confirm that this return is correct, to the best of my knowledge"),
        description=_l("Only needed when you send the return."),
        widget=GovCheckboxInput(),
    )
    later = SubmitField(_l("Save and come back later"), widget=GovSubmitInput())
    send = SubmitField(_l("Send this return"), widget=GovSubmitInput())

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.took_part.description = TOOK_PART_HINT
        for field in self:
            if isinstance(field, IntegerField) and field.process_errors:
                field.process_errors = [WHOLE_NUMBER]

    @property
    def sending(self) -> bool:
        return bool(self.send.data)

    @property
    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None

    @property
    def measure_fields(self) -> list:
        return [field for field in self if field.short_name.startswith("m") and field.short_name[1:].isdigit()]

    def figures(self) -> dict[int, int | str | None]:
        return {int(field.short_name[1:]): field.data for field in self.measure_fields}

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        valid = super().validate(extra_validators=extra_validators)
        if self.sending and not self.confirm.data:
            self.confirm.errors.append(_l("Tick the box to confirm the return is correct before you send it"))
            valid = False
        return valid


def _between(row) -> str:  # noqa: ANN001
    if row.period_start:
        return str(_l("between %(start)s and %(end)s", start=uk_date(row.period_start), end=uk_date(row.period_end)))
    return str(_l("up to %(end)s", end=uk_date(row.period_end)))


def _target_text(row) -> str:  # noqa: ANN001
    if row.is_numeric and row.target is not None:
        return str(
            _l(
                "Your agreed target: %(target)s %(unit)s. Reported in your earlier returns: %(so_far)s.",
                target=f"{row.target:,}",
                unit=row.unit,
                so_far=f"{row.reported_so_far:,}",
            )
        )
    if row.target_description:
        return str(_l("What you agreed: %(what)s", what=row.target_description))
    return ""


def build_return_form(rows: list) -> type[ReturnForm]:  # noqa: ANN001
    """The return form for the award's agreed measures (``returns.measure_rows``): a number for the
    period (or the running total now, for a cumulative measure), or words."""

    class AwardReturnForm(ReturnForm):
        pass

    for row in rows:
        when = _between(row)
        if row.is_numeric and row.is_cumulative:
            label = _l("%(measure)s: the total now", measure=row.name)
            hint = _l(
                "Give the running total of %(unit)s on %(end)s, counting everything since the grant started. %(target)s",
                unit=row.unit,
                end=uk_date(row.period_end),
                target=_target_text(row),
            )
        elif row.is_numeric:
            label = _l("%(measure)s: number achieved %(when)s", measure=row.name, when=when)
            hint = _l(
                "Only the %(unit)s in this period, not a running total: we add the periods up. %(target)s",
                unit=row.unit,
                target=_target_text(row),
            )
        else:
            label = row.name
            hint = _l("Describe what you did %(when)s. %(target)s", when=when, target=_target_text(row))
        if row.is_numeric:
            field = IntegerField(
                label,
                description=hint,
                widget=GovTextInput(),
                validators=[Optional(), NumberRange(min=0, max=1_000_000, message=WHOLE_NUMBER)],
            )
        else:
            field = TextAreaField(
                label,
                description=hint,
                widget=GovTextArea(),
                validators=[Optional(), Length(max=20000, message=TOO_LONG)],
            )
        setattr(AwardReturnForm, f"m{row.measure_id}", field)
    return AwardReturnForm


CONSENT_HINTS = {
    Consent.INTERNAL.value: _l("We keep it to understand your work and report to councillors, without publishing it."),
    Consent.PUBLIC_ANONYMOUS.value: _l(
        "We may put it on our website or in reports, with no names or details that identify anyone."
    ),
    Consent.PUBLIC_NAMED.value: _l(
        "We may publish it with the name they gave us. Only choose this if they asked to be named."
    ),
}


class StoryForm(PortalForm):
    title = StringField(
        _l("Title"),
        description=_l("A few words, for example: Learning English gave me confidence"),
        widget=GovTextInput(),
        validators=[Length(max=200, message=TOO_LONG)],
    )
    body = TextAreaField(
        _l("The story"),
        description=_l(
            "In the person's own words if you can. Do not include anything that could identify someone at risk."
        ),
        widget=GovTextArea(),
        validators=[Length(max=20000, message=TOO_LONG)],
    )
    media = FileField(
        _l("A recording or photo (optional)"),
        description=_l("An audio or video recording (MP3, M4A, OGG, WAV, MP4 or WebM) or a photo (JPG or PNG)."),
        widget=GovFileInput(),
    )
    consent = RadioField(
        _l("What did the person agree to?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(c.value, _l(LABELS[c])) for c in Consent],
        validate_choice=False,
    )
    teller_name = StringField(
        _l("The name they agreed we can publish (only if they want to be named)"),
        description=_l("Leave this empty unless they chose to be named: we do not keep a name otherwise."),
        widget=GovTextInput(),
        validators=[Length(max=200, message=TOO_LONG)],
    )
    save = SubmitField(_l("Add the story"), widget=GovSubmitInput())


class ChangeStoryForm(StoryForm):
    """Changing a story's words or consent; its recording or photo stays as it was."""

    media = None
    save = SubmitField(_l("Save the story"), widget=GovSubmitInput())


class AnswerForm(PortalForm):
    body = TextAreaField(
        _l("Your answer"),
        description=_l("Then change the return below if you need to, and send it again."),
        widget=GovTextArea(),
        validators=[Length(max=20000, message=TOO_LONG)],
    )
    send_answer = SubmitField(_l("Send your answer"), widget=GovSubmitInput())
