"""Officer forms for places (localities and wards, their CSV import) and the languages on offer."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import HiddenField, SelectChoice, SelectMultipleField, StringField, SubmitField
from wtforms.validators import AnyOf, InputRequired, Length, Optional, Regexp

from portal.domain.places_csv import CODE_PATTERN, MAX_CODE_LENGTH, MAX_FILE_BYTES, MAX_NAME_LENGTH, clean_name
from portal.forms import PortalForm
from portal.widgets import GovCheckboxesInput, GovFileInput, GovSubmitInput, GovTextInput


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _name_field(label: str, required: str, too_long: str) -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        filters=[lambda value: clean_name(value) if isinstance(value, str) else value],
        validators=[InputRequired(required), Length(max=MAX_NAME_LENGTH, message=too_long)],
    )


def _code_field(label: str, hint: str) -> StringField:
    return StringField(
        label,
        description=hint,
        widget=GovTextInput(),
        filters=[_strip],
        validators=[
            Optional(),
            Regexp(CODE_PATTERN, message=_l("The code must be letters and numbers only, with no spaces")),
            Length(max=MAX_CODE_LENGTH, message=_l("The code must be 20 characters or fewer")),
        ],
    )


class LocalityForm(PortalForm):
    name = _name_field(
        _l("Name of the locality"),
        _l("Enter the name of the locality"),
        _l("The name must be 120 characters or fewer"),
    )
    code = _code_field(
        _l("Code (optional)"),
        _l("Letters and numbers only, for example an ONS code such as E08000025. Used in published data."),
    )
    submit = SubmitField(_l("Save locality"), widget=GovSubmitInput())


class WardForm(PortalForm):
    name = _name_field(
        _l("Name of the ward"),
        _l("Enter the name of the ward"),
        _l("The name must be 120 characters or fewer"),
    )
    code = _code_field(
        _l("Code (optional)"),
        _l("Letters and numbers only, for example an ONS ward code such as E05011118. Used in published data."),
    )
    submit = SubmitField(_l("Save ward"), widget=GovSubmitInput())


class ArchiveForm(PortalForm):
    """Archive or restore: the button says which, so pressing it twice does not undo it."""

    action = HiddenField(validators=[InputRequired(), AnyOf(["archive", "restore"])])


class PlacesImportForm(PortalForm):
    file = FileField(
        _l("Upload a CSV file"),
        description=_l("Saved as 'CSV UTF-8', smaller than 1 MB."),
        widget=GovFileInput(),
        validators=[
            FileRequired(_l("Choose a CSV file to upload")),
            FileSize(max_size=MAX_FILE_BYTES, message=_l("The file must be smaller than 1 MB")),
        ],
    )
    submit = SubmitField(_l("Import"), widget=GovSubmitInput())


class LanguagesForm(PortalForm):
    languages = SelectMultipleField(
        _l("Other languages the applicant pages offer"),
        description=_l("Select all that apply."),
        widget=GovCheckboxesInput(),
        choices=[],
        invalid_choice_message=_l("The portal has no translation for '%(value)s', so it cannot be offered"),
    )
    submit = SubmitField(_l("Save languages"), widget=GovSubmitInput())


def build_languages_form(choices: list[tuple[str, str]], chosen: list[str] | None = None) -> LanguagesForm:
    """The languages form with ``choices`` (code, name) ticked as ``chosen`` when first shown."""
    form = LanguagesForm(data={"languages": chosen} if chosen is not None else None)
    form.languages.choices = [SelectChoice(code, name) for code, name in choices]
    return form
