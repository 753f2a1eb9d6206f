"""Forms about a group: its details, its documents, inviting people and joining. They check the
shape of each answer so every problem is shown at once; the organisations service checks the
rules again for every route into it (the assisted route too)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import EmailField, RadioField, SelectChoice, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Email, InputRequired, Length, Optional

from portal.domain.contact import monitoring_problem, normalise_phone, normalise_postcode
from portal.domain.organisations import IncomeBand, LegalForm, is_valid_charity_number, is_valid_company_number
from portal.forms import PortalForm, monitoring_field
from portal.models import FilePurpose, Locality, Organisation
from portal.officers.forms import LEGAL_FORM_LABELS
from portal.widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)

CITY_WIDE = "all"

INCOME_BAND_LABELS = {
    IncomeBand.UNDER_10K.value: _l("Less than £10,000"),
    IncomeBand.FROM_10K_TO_50K.value: _l("£10,000 to £50,000"),
    IncomeBand.FROM_50K_TO_100K.value: _l("£50,000 to £100,000"),
    IncomeBand.FROM_100K_TO_250K.value: _l("£100,000 to £250,000"),
    IncomeBand.OVER_250K.value: _l("More than £250,000"),
}


DOCUMENT_LABELS = {
    FilePurpose.CONSTITUTION.value: _l("Constitution or set of rules"),
    FilePurpose.SAFEGUARDING_POLICY.value: _l("Safeguarding policy"),
}

EMAIL_FORMAT = _l("Enter an email address in the correct format, like name@example.com")


def _text(label, *, required: str | None = None, hint=None, max_length: int = 200) -> StringField:  # noqa: ANN001
    validators = [InputRequired(required)] if required else [Optional()]
    return StringField(
        label,
        description=hint,
        widget=GovTextInput(),
        validators=[*validators, Length(max=max_length, message=_l("This must be %(max)d characters or fewer"))],
    )


class OrganisationForm(PortalForm):
    name = _text(_l("Name of your group"), required=_l("Enter the name of your group"))
    legal_form = RadioField(
        _l("What kind of group are you?"),
        choices=[SelectChoice(value, label) for value, label in LEGAL_FORM_LABELS.items()],
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select what kind of group you are"))],
    )
    charity_number = _text(
        _l("Charity number"),
        hint=_l("Only if you are a registered charity or CIO. For example, 1012345"),
        max_length=20,
    )
    company_number = _text(
        _l("Company number"),
        hint=_l("Only if you are a CIC or company. It is 8 characters, for example 01234567"),
        max_length=20,
    )
    accountable_body_name = _text(
        _l("Name of your accountable body"),
        hint=_l(
            "Only if your group does not have a constitution. An accountable body is an organisation, "
            "such as a local charity, that agrees to receive the grant for you and account for how it is spent."
        ),
    )
    accountable_body_contact = EmailField(
        _l("Email address of someone at the accountable body"),
        description=_l("Only if your group does not have a constitution."),
        widget=GovTextInput(),
        validators=[Optional(), Email(EMAIL_FORMAT, check_deliverability=False), Length(max=254)],
    )
    income_band = RadioField(
        _l("What is your group's yearly income?"),
        description=_l("All the money your group receives in a year, from any source."),
        choices=[SelectChoice(value, label) for value, label in INCOME_BAND_LABELS.items()],
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select your group's yearly income"))],
    )
    address_line_1 = _text(_l("Address line 1"), required=_l("Enter the first line of the address"))
    address_line_2 = _text(_l("Address line 2 (optional)"))
    town = _text(_l("Town or city"), required=_l("Enter the town or city"), max_length=100)
    postcode = _text(_l("Postcode"), required=_l("Enter the postcode"), max_length=10)
    contact_phone = _text(
        _l("Phone number (optional)"),
        hint=_l("So we can call you about your application, for example 0121 496 0000 or 07700 900982."),
        max_length=40,
    )
    localities = SelectMultipleField(
        _l("Where does your group work?"),
        description=_l("Select all the areas that apply. You can also choose wards within an area."),
        widget=GovCheckboxesInput(),
        validators=[Optional()],
    )
    wards = SelectMultipleField(_l("Wards"), widget=GovCheckboxesInput(), validators=[Optional()], coerce=int)
    led_by = monitoring_field(_l("Who leads your group? (optional)"))
    works_with = monitoring_field(_l("Who do you mainly work with? (optional)"))
    submit = SubmitField(_l("Save your group's details"), widget=GovSubmitInput())

    def __init__(self, *args, places: list[Locality] = (), **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.places = list(places)
        self.localities.choices = [SelectChoice(str(loc.id), loc.name) for loc in self.places] + [
            SelectChoice(CITY_WIDE, _l("Across the whole city"))
        ]
        self.wards.choices = [
            SelectChoice(ward.id, ward.name) for loc in self.places for ward in loc.wards if not ward.is_archived
        ]

    def fill(self, organisation: Organisation) -> None:
        """Show a group's saved details (on the first visit to the edit page)."""
        for name in (
            "name",
            "charity_number",
            "company_number",
            "accountable_body_name",
            "accountable_body_contact",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "contact_phone",
        ):
            getattr(self, name).data = getattr(organisation, name) or ""
        self.legal_form.data = organisation.legal_form.value if organisation.legal_form else None
        self.income_band.data = organisation.income_band.value if organisation.income_band else None
        active = {loc.id for loc in self.places}
        held = {loc.id for loc in organisation.localities}
        if active and active <= held and not organisation.wards:
            self.localities.data = [CITY_WIDE]
        else:
            self.localities.data = [str(i) for i in sorted(held & active)]
        self.wards.data = [ward.id for ward in organisation.wards]
        self.led_by.data = list(organisation.led_by or [])
        self.works_with.data = list(organisation.works_with or [])

    @property
    def city_wide(self) -> bool:
        return CITY_WIDE in (self.localities.data or [])

    @property
    def chosen_localities(self) -> list[Locality]:
        chosen = set(self.localities.data or [])
        return [loc for loc in self.places if str(loc.id) in chosen]

    @property
    def chosen_wards(self) -> list:
        chosen = set(self.wards.data or [])
        return [ward for loc in self.places for ward in loc.wards if ward.id in chosen]

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        valid = super().validate(extra_validators=extra_validators)
        checks = [
            (self.postcode, lambda v: normalise_postcode(v) is not None, _l("Enter a full UK postcode, like B11 4BS")),
            (
                self.contact_phone,
                lambda v: normalise_phone(v) is not None,
                _l("Enter a telephone number, like 0121 496 0000 or 07700 900982"),
            ),
        ]
        form = self.legal_form.data
        if form == LegalForm.CHARITY:
            checks.append(
                (
                    self.charity_number,
                    is_valid_charity_number,
                    _l("Enter a charity number in the correct format, like 1012345"),
                    _l("Enter your charity number"),
                )
            )
        elif form == LegalForm.CIC_OR_COMPANY:
            checks.append(
                (
                    self.company_number,
                    is_valid_company_number,
                    _l("Enter a company number in the correct format, like 01234567"),
                    _l("Enter your company number"),
                )
            )
        elif form == LegalForm.UNCONSTITUTED:
            checks += [
                (
                    self.accountable_body_name,
                    bool,
                    None,
                    _l("Enter the name of your accountable body: a group without a constitution needs one to apply"),
                ),
                (
                    self.accountable_body_contact,
                    bool,
                    None,
                    _l("Enter the email address of someone at your accountable body"),
                ),
            ]
        for field, ok, wrong, *missing in checks:
            if field.errors:
                continue
            value = (field.data or "").strip()
            if not value:
                if missing:
                    field.errors.append(missing[0])
                    valid = False
            elif not ok(value):
                field.errors.append(wrong)
                valid = False
        if not self.localities.data:
            self.localities.errors.append(_l("Select the areas your group works in, or 'Across the whole city'"))
            valid = False
        for field in (self.led_by, self.works_with):
            problem = monitoring_problem(field.data or [])
            if problem is not None and not field.errors:
                from portal.templating import translate_message

                field.errors.append(translate_message(problem))
                valid = False
        return valid


class DocumentForm(PortalForm):
    purpose = RadioField(
        _l("Which document is it?"),
        choices=[SelectChoice(value, label) for value, label in DOCUMENT_LABELS.items()],
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select which document you are uploading"))],
    )
    document = FileField(
        _l("Upload the document"),
        description=_l("A PDF, a Word document, or a clear photo of each page."),
        widget=GovFileInput(),
    )
    submit = SubmitField(_l("Upload document"), widget=GovSubmitInput())

    def validate_document(self, field) -> None:  # noqa: ANN001
        from wtforms import ValidationError

        if field.data is None or not getattr(field.data, "filename", ""):
            raise ValidationError(_l("Select a file to upload"))


class InviteForm(PortalForm):
    email = EmailField(
        _l("Their email address"),
        description=_l("We will email them a link to join. The link works for 14 days."),
        widget=GovTextInput(),
        validators=[
            InputRequired(_l("Enter their email address")),
            Email(EMAIL_FORMAT, check_deliverability=False),
            Length(max=254),
        ],
    )
    submit = SubmitField(_l("Send invitation"), widget=GovSubmitInput())


class JoinForm(PortalForm):
    submit = SubmitField(_l("Join"), widget=GovSubmitInput())
