"""Officer forms for what comes in to a round: filters, screening, withdrawing, messages, more
time for one group, and starting an application on a group's behalf. They check shape; the
screening, intake and applications services check the rules."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import Form, RadioField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional

from portal.domain.applications import Channel
from portal.domain.dates import DateProblem, local_to_utc
from portal.domain.organisations import LegalForm
from portal.fields import DateInputField, TimeField
from portal.forms import LEGAL_FORM_LABELS, PortalForm
from portal.widgets import (
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)

CHANNEL_LABELS = {
    Channel.ONLINE.value: _l("online"),
    Channel.PHONE.value: _l("phone"),
    Channel.PAPER.value: _l("paper form"),
    Channel.IN_PERSON.value: _l("in person"),
    Channel.VIDEO_CALL.value: _l("video call"),
}

# "Entered by <officer> on behalf of <group> <how>".
CHANNEL_PHRASES = {
    Channel.ONLINE.value: _l("online"),
    Channel.PHONE.value: _l("by phone"),
    Channel.PAPER.value: _l("on a paper form"),
    Channel.IN_PERSON.value: _l("in person"),
    Channel.VIDEO_CALL.value: _l("by video call"),
}

STATUS_LABELS = {
    "draft": _l("Started but not sent"),
    "submitted": _l("Sent, to be checked"),
    "eligible": _l("Eligible"),
    "ineligible": _l("Not eligible"),
    "with_panel": _l("With the panel"),
    "scored": _l("Scored"),
    "decided": _l("Decided"),
    "withdrawn": _l("Withdrawn"),
}


class FilterForm(Form):
    """The list's filters: a GET form, so it works without JavaScript and links can be shared."""

    q = StringField(
        _l("Reference or group name"),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=100)],
    )
    status = SelectField(_l("Status"), widget=GovSelect(), validate_choice=False)
    work_stream = SelectField(_l("Work stream"), widget=GovSelect(), validate_choice=False)
    locality = SelectField(_l("Locality"), widget=GovSelect(), validate_choice=False)
    assisted = SelectField(
        _l("How it was sent"),
        widget=GovSelect(),
        validate_choice=False,
        choices=[
            SelectChoice("", _l("Any way")),
            SelectChoice("yes", _l("Entered by an officer")),
            SelectChoice("no", _l("Sent online by the group")),
        ],
    )


class ScreeningForm(PortalForm):
    outcome = RadioField(
        _l("Can this group be funded in this round?"),
        widget=GovRadioInput(),
        choices=[
            SelectChoice("eligible", _l("Yes, it is eligible")),
            SelectChoice("ineligible", _l("No, it is not eligible")),
        ],
        validators=[InputRequired(_l("Choose whether the application is eligible"))],
    )
    reason = TextAreaField(
        _l("If it is not eligible, why not?"),
        description=_l("The group is told this, by e-mail and on its status page. Use plain English."),
        widget=GovTextArea(),
        # No Optional(): it would stop the chain before validate_reason asks for a reason.
        validators=[Length(max=5000, message=_l("Keep the reason to 5000 characters or fewer"))],
    )
    screen = SubmitField(_l("Save the check"), widget=GovSubmitInput())

    def validate_reason(self, field) -> None:  # noqa: ANN001
        from wtforms.validators import StopValidation

        if self.outcome.data == "ineligible" and not (field.data or "").strip():
            raise StopValidation(_l("Give the reason the group will be told"))


class WithdrawForm(PortalForm):
    withdraw_reason = TextAreaField(
        _l("Why did the group ask to withdraw?"),
        description=_l("Who asked, when and how. The group gets a copy."),
        widget=GovTextArea(),
        validators=[
            InputRequired(_l("Say why the group asked to withdraw")),
            Length(max=5000, message=_l("Keep the reason to 5000 characters or fewer")),
        ],
    )
    withdraw = SubmitField(_l("Withdraw at the group's request"), widget=GovSubmitInput())


class MessageForm(PortalForm):
    body = TextAreaField(
        _l("Message to the group"),
        description=_l("Shown on the group's status page and e-mailed to its members."),
        widget=GovTextArea(),
        validators=[
            InputRequired(_l("Write your message")),
            Length(max=5000, message=_l("Keep the message to 5000 characters or fewer")),
        ],
    )
    send = SubmitField(_l("Send message"), widget=GovSubmitInput())


class InviteForm(PortalForm):
    email = StringField(
        _l("E-mail address of someone in the group"),
        description=_l("They get a link to create their account and take the application over."),
        widget=GovTextInput(),
        validators=[
            InputRequired(_l("Enter an e-mail address")),
            Email(message=_l("Enter an e-mail address like name@example.org")),
            Length(max=254),
        ],
    )
    invite = SubmitField(_l("Send the invitation"), widget=GovSubmitInput())


class ExtensionForm(PortalForm):
    """A new closing date and time for one group, typed in UK time; ``closes_at`` is UTC."""

    closes_on = DateInputField(_l("New closing date"), required_message=_l("Enter the new closing date"))
    closes_time = TimeField(_l("New closing time"), required_message=_l("Enter the new closing time"))
    reason = TextAreaField(
        _l("Why is this group getting more time?"),
        description=_l("For example: the group's treasurer was in hospital in the week before the deadline."),
        widget=GovTextArea(),
        validators=[
            InputRequired(_l("Say why this group is getting more time")),
            Length(max=5000, message=_l("Keep the reason to 5000 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Give more time"), widget=GovSubmitInput())

    closes_at = None

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        valid = super().validate(extra_validators=extra_validators)
        self.closes_at = None
        if self.closes_on.data and self.closes_time.parsed is not None:
            from portal.templating import translate_message

            try:
                self.closes_at = local_to_utc(
                    self.closes_on.data, self.closes_time.parsed, current_app.config["TIMEZONE"]
                )
            except DateProblem as problem:
                self.closes_time.errors.append(translate_message(problem.message))
                return False
        return valid


NEW_GROUP = "new"


class AssistedStartForm(PortalForm):
    """Start an application on a group's behalf: which group, how it reached us, its consent."""

    organisation = SelectField(
        _l("Which group?"),
        description=_l("Choose the group, or a new group if it is not on the portal yet."),
        widget=GovSelect(),
        validate_choice=False,
        validators=[InputRequired(_l("Choose the group, or a new group"))],
    )
    name = StringField(_l("Name of the new group"), widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    legal_form = SelectField(
        _l("What kind of group is it?"),
        widget=GovSelect(),
        validate_choice=False,
        choices=[SelectChoice("", _l("Choose the kind of group"))]
        + [SelectChoice(value, label) for value, label in LEGAL_FORM_LABELS.items()],
    )
    accountable_body_name = StringField(
        _l("Accountable body (for a group without a constitution)"),
        description=_l("The organisation that will receive the money and account for it."),
        widget=GovTextInput(),
        validators=[Optional(), Length(max=200)],
    )
    channel = RadioField(
        _l("How did the group reach us?"),
        widget=GovRadioInput(),
        choices=[
            SelectChoice(channel.value, CHANNEL_LABELS[channel.value].capitalize())
            for channel in Channel
            if channel != Channel.ONLINE
        ],
        validators=[InputRequired(_l("Choose how the group reached us"))],
    )
    consent_note = TextAreaField(
        _l("The group's agreement"),
        description=_l(
            "Who in the group agreed to us entering the application for them, and when. "
            "For example: Fatima Begum, the group's secretary, agreed on the phone on 3 March."
        ),
        widget=GovTextArea(),
        validators=[
            InputRequired(_l("Record who in the group agreed, and when")),
            Length(max=2000, message=_l("Keep this to 2000 characters or fewer")),
        ],
    )
    scan = FileField(
        _l("A scan or photo of the paper form (optional)"),
        description=_l("A PDF or Word document, or a photo (JPG or PNG)."),
        widget=GovFileInput(),
    )
    submit = SubmitField(_l("Start the application"), widget=GovSubmitInput())

    @property
    def is_new_group(self) -> bool:
        return self.organisation.data == NEW_GROUP

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        valid = super().validate(extra_validators=extra_validators)
        if not self.is_new_group:
            return valid
        if not (self.name.data or "").strip():
            self.name.errors.append(_l("Enter the group's name"))
            valid = False
        if self.legal_form.data not in {form.value for form in LegalForm}:
            self.legal_form.errors.append(_l("Choose the kind of group"))
            valid = False
        elif self.legal_form.data == LegalForm.UNCONSTITUTED and not (self.accountable_body_name.data or "").strip():
            self.accountable_body_name.errors.append(
                _l("Enter the accountable body that will receive the money for this group")
            )
            valid = False
        return valid
