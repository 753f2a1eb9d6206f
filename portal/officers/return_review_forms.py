"""Officer forms for reviewing returns: the list's filters, accepting a return and asking the group
about it. They check shape; the return_review service checks the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Form, SelectChoice, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.domain.workflow import ReturnStatus
from portal.forms import PortalForm
from portal.services.return_review import MESSAGE_LIMIT
from portal.widgets import GovCheckboxInput, GovSelect, GovSubmitInput, GovTextArea

STATUS_LABELS = {
    ReturnStatus.DUE.value: _l("Not started"),
    ReturnStatus.DRAFT.value: _l("Started, not sent"),
    ReturnStatus.SUBMITTED.value: _l("Sent, to review"),
    ReturnStatus.QUERIED.value: _l("Queried, with the group"),
    ReturnStatus.ACCEPTED.value: _l("Accepted"),
}

STATUS_TAGS = {
    ReturnStatus.DUE.value: "govuk-tag--grey",
    ReturnStatus.DRAFT.value: "govuk-tag--light-blue",
    ReturnStatus.SUBMITTED.value: "govuk-tag--blue",
    ReturnStatus.QUERIED.value: "govuk-tag--yellow",
    ReturnStatus.ACCEPTED.value: "govuk-tag--green",
}


class ReturnFilterForm(Form):
    """The list's filters: a GET form, so it works without JavaScript and links can be shared."""

    status = SelectField(
        _l("Status"),
        widget=GovSelect(),
        validate_choice=False,
        choices=[SelectChoice("", _l("Any status"))]
        + [SelectChoice(value, label) for value, label in STATUS_LABELS.items()],
    )
    late = BooleanField(_l("Only late returns"), widget=GovCheckboxInput())

    @property
    def chosen_status(self) -> ReturnStatus | None:
        return ReturnStatus(self.status.data) if self.status.data in STATUS_LABELS else None

    @property
    def late_only(self) -> bool:
        return bool(self.late.data)


class AcceptReturnForm(PortalForm):
    """The Accept button: nothing to fill in, only the CSRF token."""

    accept = SubmitField(_l("Accept this return"), widget=GovSubmitInput())


class QueryReturnForm(PortalForm):
    message = TextAreaField(
        _l("Your question for the group"),
        description=_l(
            "Say what looks wrong or what is missing. The group gets it by e-mail, answers it and sends the return again."
        ),
        widget=GovTextArea(),
        validators=[
            InputRequired(_l("Write your question for the group")),
            Length(
                max=MESSAGE_LIMIT,
                message=_l("Keep the message to %(limit)d characters or fewer", limit=MESSAGE_LIMIT),
            ),
        ],
    )
    send = SubmitField(_l("Ask the group about this return"), widget=GovSubmitInput())
