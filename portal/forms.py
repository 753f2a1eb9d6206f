"""The base form: CSRF failures become a plain message on the form, with everything typed kept."""

from __future__ import annotations

from functools import lru_cache

from babel import support
from flask import g, has_request_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField
from wtforms.i18n import messages_path
from wtforms.validators import Optional

from portal.domain.contact import PREFER_NOT_TO_SAY, Community
from portal.domain.organisations import LegalForm
from portal.widgets import GovCheckboxesInput

CSRF_MESSAGE = _l(
    "This page was open for a long time, so we could not save your answers. "
    "They are still here: check them and try again."
)


@lru_cache(maxsize=32)
def _wtforms_catalogue(locale: str) -> support.NullTranslations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class WTFormsMessages:
    """WTForms' own messages ("This field is required.", "Not a valid choice.") in the page's
    language, as Flask-WTF gives them, but with each language's catalogue read from disk once per
    process: Flask-WTF reads it again for every request that makes a form (a tenth of a short form
    page's time)."""

    def _catalogue(self) -> support.NullTranslations | None:
        return _wtforms_catalogue(str(get_locale())) if has_request_context() else None

    def gettext(self, string: str) -> str:
        catalogue = self._catalogue()
        return string if catalogue is None else catalogue.ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        catalogue = self._catalogue()
        if catalogue is None:
            return singular if n == 1 else plural
        return catalogue.ungettext(singular, plural, n)


WTFORMS_MESSAGES = WTFormsMessages()


class PortalForm(FlaskForm):
    class Meta(FlaskForm.Meta):
        def get_translations(self, form: FlaskForm) -> WTFormsMessages:  # noqa: ARG002 - WTForms' signature
            return WTFORMS_MESSAGES

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        valid = super().validate(extra_validators=extra_validators)
        csrf_field = getattr(self, "csrf_token", None)
        if g.get("csrf_failed") or (csrf_field is not None and csrf_field.errors):
            if csrf_field is not None:
                csrf_field.errors = [CSRF_MESSAGE]
            else:
                self.form_errors.append(CSRF_MESSAGE)
            return False
        return valid

    @property
    def error_list(self) -> list[dict[str, str]]:
        """Errors for the GOV.UK error summary; a CSRF failure links to the first field."""
        errors: list[dict[str, str]] = []
        first_field = next(
            (f for f in self if f.short_name != "csrf_token" and f.type not in {"SubmitField", "HiddenField"}), None
        )
        for field in self:
            for message in field.errors:
                is_csrf = field.short_name == "csrf_token"  # a prefixed form's is "<prefix>-csrf_token"
                target = field.id if not is_csrf else (first_field.id if first_field else "main-content")
                if getattr(field, "raw_parts", None) is not None and not is_csrf:
                    target = f"{field.id}-day"  # a date in three boxes: the first box
                errors.append({"text": str(message), "href": f"#{target}"})
                break
        return errors


def keeps_input_on_csrf_failure(view):  # noqa: ANN001, ANN201
    """Mark a view whose form is shown again, with what was typed, when its CSRF token fails."""
    view.keeps_input_on_csrf_failure = True
    return view


# --- the optional monitoring questions (groups, and who took part in a funded project) -------------

COMMUNITY_LABELS = {
    Community.WOMEN.value: _l("Women"),
    Community.DISABLED_PEOPLE.value: _l("Disabled people"),
    Community.ETHNIC_MINORITIES.value: _l("People from Black, Asian and minority ethnic communities"),
    Community.REFUGEES_MIGRANTS.value: _l("Refugees, asylum seekers or migrants"),
    Community.YOUNG_PEOPLE.value: _l("Young people (under 25)"),
    Community.OLDER_PEOPLE.value: _l("Older people (over 65)"),
    Community.LGBTQ.value: _l("LGBTQ+ people"),
    Community.FAITH.value: _l("Faith communities"),
    Community.OTHER.value: _l("Other"),
    PREFER_NOT_TO_SAY: _l("Prefer not to say"),
}


def monitoring_field(label) -> SelectMultipleField:  # noqa: ANN001
    """An optional "select all that apply" question over the monitoring categories, with "prefer
    not to say"."""
    return SelectMultipleField(
        label,
        choices=[SelectChoice(code, text) for code, text in COMMUNITY_LABELS.items()],
        widget=GovCheckboxesInput(),
        description=_l("Select all that apply."),
        validators=[Optional()],
    )


# The kinds of group, as groups, the public and officers read them.
LEGAL_FORM_LABELS = {
    LegalForm.UNCONSTITUTED.value: _l("Group without a constitution, with an accountable body"),
    LegalForm.COMMUNITY_GROUP.value: _l("Constituted community or voluntary group"),
    LegalForm.CHARITY.value: _l("Registered charity or CIO"),
    LegalForm.CIC_OR_COMPANY.value: _l("Community interest company (CIC) or not-for-profit company"),
    LegalForm.FAITH.value: _l("Faith organisation"),
    LegalForm.SOCIAL_ENTERPRISE.value: _l("Social enterprise"),
}
