"""Jinja set-up: our templates first, then the GOV.UK Frontend macros under their prefixes;
globals every page needs; filters for UK dates and money."""

from __future__ import annotations

from datetime import datetime, tzinfo
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency, format_decimal
from flask import Flask, current_app, request
from flask_babel import format_datetime, format_time, get_locale, get_timezone
from flask_login import current_user
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from portal import i18n
from portal.domain.roles import Role, landing_role
from portal.domain.text import N_, Message
from portal.security import csp_nonce

UK_DATETIME = "d MMMM y 'at' h:mma"


def uk_datetime(value: datetime | None, fmt: str = UK_DATETIME) -> str:
    """A moment shown in the portal's time zone, e.g. '12 May 2026 at 5:00pm' (in other languages,
    the date and the locale's own short time: no English 'at')."""
    if value is None:
        return ""
    return _datetime_text(get_locale(), get_timezone(), value, fmt, with_time=True)


def uk_date(value: datetime | None) -> str:
    return _datetime_text(get_locale(), get_timezone(), value, "d MMMM y", with_time=False) if value else ""


@lru_cache(maxsize=4096)
def _datetime_text(locale: Locale | None, zone: tzinfo, value: datetime, fmt: str, *, with_time: bool) -> str:
    """Kept as ``money`` is: Babel takes some 40 µs a date, and a page of a round writes the same
    deadlines on every row. Flask-Babel's own formatting, for this language and time zone; a time
    is written "5:00pm", not "5:00 PM"."""
    if fmt == UK_DATETIME and locale is not None and locale.language != "en":
        return f"{format_datetime(value, 'd MMMM y')} {format_time(value, 'short')}"
    text = format_datetime(value, fmt)
    return text.replace("AM", "am").replace("PM", "pm") if with_time else text


def money(value: Decimal | int | None, whole: bool = True) -> str:
    if value is None:
        return ""
    return _money_text(get_locale(), Decimal(value), whole)


@lru_cache(maxsize=4096)
def _money_text(locale: Locale | None, amount: Decimal, whole: bool) -> str:
    """Kept: a long page writes the same few amounts many times, and Babel takes some 10 µs each.
    The locale's own pattern (Polish puts the symbol after: "2 500 £"), always with the pound sign
    (some locales would write "GBP"), and whole pounds without ".00"."""
    pattern = locale.currency_formats["standard"].pattern if locale is not None else "¤#,##0.00"
    if whole and amount == amount.to_integral_value():
        text = format_currency(amount, "GBP", format=pattern.replace(".00", ""), currency_digits=False, locale=locale)
    else:
        text = format_currency(amount, "GBP", format=pattern, locale=locale)
    return text.replace("GBP", "£")


def number(value: Decimal | int | float, format: str | None = None) -> str:  # noqa: A002 - Flask-Babel's name
    """Flask-Babel's ``decimalformat`` filter, its text kept as ``money``'s is (a dashboard writes
    hundreds of numbers, most of them the same few)."""
    return _number_text(get_locale(), value, format)


@lru_cache(maxsize=4096)
def _number_text(locale: Locale | None, value: Decimal | int | float, format: str | None) -> str:  # noqa: A002
    return format_decimal(value, format=format, locale=locale)


def translate_message(message: Message | str | None) -> str:
    """A domain Message translated, with its parameters filled in after translation."""
    from flask_babel import gettext

    if message is None:
        return ""
    if isinstance(message, Message):
        return gettext(message.text, **message.params)
    return str(message)


def status_label(status) -> str:  # noqa: ANN001
    """A status shown to people, translated."""
    from flask_babel import gettext

    labels = {
        "draft": gettext("Draft"),
        "open": gettext("Open"),
        "closed": gettext("Closed"),
        "in_assessment": gettext("In assessment"),
        "decided": gettext("Decided"),
        "archived": gettext("Archived"),
    }
    value = getattr(status, "value", status)
    return labels.get(value, str(value).replace("_", " ").capitalize())


def status_action(current, target) -> str:  # noqa: ANN001
    """What the button that moves a round from ``current`` to ``target`` says."""
    from flask_babel import gettext

    current, target = getattr(current, "value", current), getattr(target, "value", target)
    if current == "closed" and target == "open":
        return gettext("Reopen this round")
    actions = {
        "open": gettext("Open this round"),
        "closed": gettext("Close this round now"),
        "in_assessment": gettext("Start assessment"),
        "decided": gettext("Mark as decided"),
        "archived": gettext("Archive this round"),
    }
    return actions.get(target, status_label(target))


def role_label(role) -> str:  # noqa: ANN001
    from flask_babel import gettext

    labels = {
        "applicant": gettext("Applicant"),
        "panel_member": gettext("Panel member"),
        "officer": gettext("Officer"),
        "admin": gettext("Administrator"),
    }
    return labels.get(getattr(role, "value", role), str(role))


AUDIT_ACTIONS = {
    "fund.created": N_("Fund created"),
    "fund.updated": N_("Fund changed"),
    "round.created": N_("Round created"),
    "round.updated": N_("Details changed"),
    "round.copied": N_("Round copied"),
    "round.status_changed": N_("Status changed"),
    "round.eligibility_changed": N_("Eligibility changed"),
    "round.letter_settings_changed": N_("Letter settings changed"),
    "round.letter_logo_changed": N_("Logo changed"),
    "round.retention_applied": N_("Personal data anonymised (retention period over)"),
    "user.anonymised": N_("Person anonymised (retention period over)"),
    "user.data_exported": N_("Everything held about the person exported"),
    "work_stream.added": N_("Work stream added"),
    "work_stream.updated": N_("Work stream changed"),
    "work_stream.moved": N_("Work streams reordered"),
    "work_stream.retired": N_("Work stream retired"),
    "work_stream.reinstated": N_("Work stream reinstated"),
    "measure.added": N_("Output measure added"),
    "measure.updated": N_("Output measure changed"),
    "measure.moved": N_("Output measures reordered"),
    "measure.retired": N_("Output measure retired"),
    "measure.reinstated": N_("Output measure reinstated"),
    "condition.added": N_("Condition added"),
    "condition.updated": N_("Condition changed"),
    "condition.moved": N_("Conditions reordered"),
    "condition.archived": N_("Condition archived"),
    "condition.restored": N_("Condition restored"),
    "criterion.added": N_("Criterion added"),
    "criterion.changed": N_("Criterion changed"),
    "criterion.moved": N_("Criteria reordered"),
    "criterion.archived": N_("Criterion archived"),
    "criterion.restored": N_("Criterion restored"),
    "fund.copied": N_("Programme copied"),
    "support_request.created": N_("Call back requested"),
    "support_request.handled": N_("Call back handled"),
    "organisation.created": N_("Group created"),
    "organisation.updated": N_("Group details changed"),
    "organisation.member_invited": N_("Someone invited to join"),
    "organisation.member_joined": N_("Someone joined the group"),
    "file.uploaded": N_("File uploaded"),
    "panel.created": N_("Panel set up"),
    "panel.updated": N_("Panel rules changed"),
    "panel.member_added": N_("Panel member added"),
    "panel.member_updated": N_("Panel member's profile changed"),
    "panel.member_removed": N_("Panel member removed"),
    "interest.added": N_("Interest registered"),
    "interest.removed": N_("Interest removed"),
    "review.assigned": N_("Assigned to a panel member"),
    "review.unassigned": N_("Assignment removed"),
    "review.no_conflict_confirmed": N_("Panel member confirmed no conflict"),
    "review.conflict_declared": N_("Panel member declared a conflict"),
    "review.saved": N_("Review saved as a draft"),
    "review.submitted": N_("Review submitted"),
    "review.reopened": N_("Review reopened"),
    "application.scored": N_("Scored: enough panel reviews are in"),
    "application.scoring_finished": N_("Panel scoring finished by an officer"),
    "moderation.agreed_score_recorded": N_("Agreed panel score recorded"),
    "decision.recorded": N_("Decision recorded"),
    "decision.changed": N_("Decision changed"),
    "decisions.released": N_("Decisions released to groups"),
    "award.created": N_("Award created"),
    "award.updated": N_("Award dates or amount changed"),
    "award.conditions_changed": N_("Award conditions changed"),
    "award.schedule_changed": N_("Payment schedule changed"),
    "award.targets_changed": N_("Agreed output targets changed"),
    "award.return_dates_changed": N_("Return dates changed"),
    "award.accepted": N_("Award accepted"),
    "award.declined": N_("Award declined"),
    "award.withdrawn": N_("Award withdrawn"),
    "award.reminded": N_("Group reminded to accept"),
    "award.bank_details_given": N_("Bank details given"),
    "letter.issued": N_("Letter issued"),
    "letters.batch_started": N_("Letters being issued for the round"),
    "letters.batch_finished": N_("Letters issued for the round"),
    "return.created": N_("Return due"),
    "return.saved": N_("Return saved as a draft"),
    "return.submitted": N_("Return sent"),
    "return.accepted": N_("Return accepted"),
    "return.queried": N_("Return queried"),
    "return.answered": N_("Group answered a query"),
    "return.reminded": N_("Group reminded about a return"),
    "story.consent_withdrawn": N_("Consent for a story withdrawn"),
    "story.added": N_("Story added to a return"),
    "story.changed": N_("Story changed"),
    "story.removed": N_("Story removed from a return"),
    "return.assisted_started": N_("Officer started entering a return for the group"),
    "application.started": N_("Application started"),
    "application.submitted": N_("Application sent"),
    "application.screened_eligible": N_("Checked: eligible"),
    "application.screened_ineligible": N_("Checked: not eligible"),
    "application.withdrawn": N_("Withdrawn at the group's request"),
    "application.message_sent": N_("Message sent to the group"),
    "application.paper_form_attached": N_("Scan of the paper form attached"),
    "application.takeover_invited": N_("Group invited to take over"),
    "deadline.extended": N_("Deadline extended for a group"),
    "locality.added": N_("Area added"),
    "locality.changed": N_("Area changed"),
    "locality.archived": N_("Area archived"),
    "locality.restored": N_("Area restored"),
    "ward.added": N_("Ward added"),
    "ward.changed": N_("Ward changed"),
    "ward.archived": N_("Ward archived"),
    "ward.restored": N_("Ward restored"),
    "places.imported": N_("Areas and wards imported"),
    "setting.changed": N_("Setting changed"),
    "organisation.updated_for_group": N_("Group details changed by an officer for the group"),
    "organisation.document_added_for_group": N_("Document added by an officer for the group"),
    "user.created": N_("Account created"),
    "user.disabled": N_("Account disabled"),
    "user.password_changed": N_("Password changed"),
    "user.password_reset_requested": N_("Password reset asked for"),
    "user.roles_changed": N_("Roles changed"),
    "user.signed_in": N_("Signed in"),
    "user.signed_out": N_("Signed out"),
    "user.email_confirmed": N_("Email address confirmed"),
    "user.sign_up_repeated": N_("Account asked for again before it was confirmed"),
    "user.two_factor_enrolled": N_("Two-factor sign-in set up"),
    "user.two_factor_disabled": N_("Two-factor sign-in turned off"),
    "user.two_factor_reset": N_("Two-factor sign-in reset by an administrator"),
    "user.two_factor_resealed": N_("Two-factor secrets encrypted again after a change of encryption"),
    "user.recovery_code_used": N_("Recovery code used to sign in"),
    "user.recovery_codes_replaced": N_("New recovery codes made"),
}


def audit_action(action: str) -> str:
    """An audit event's action in words (translated); unknown actions are shown as recorded."""
    from flask_babel import gettext

    text = AUDIT_ACTIONS.get(action)
    return gettext(text) if text else action.replace("_", " ").replace(".", ": ")


def home_endpoint_for(user) -> str:  # noqa: ANN001
    role = landing_role(user.roles) if user and user.is_authenticated else None
    return {
        Role.ADMIN: "admin.home",
        Role.OFFICER: "officers.home",
        Role.PANEL_MEMBER: "panel.home",
        Role.APPLICANT: "applicants.home",
    }.get(role, "public.home")


def init_app(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(app.template_folder),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    i18n.install_gettext(app.jinja_env)  # after Flask-Babel's own (babel.init_app), which it replaces
    WTFormsHelpers(app)
    app.add_template_filter(uk_datetime)
    app.add_template_filter(uk_date)
    app.add_template_filter(money)
    app.add_template_filter(number, "decimalformat")  # in place of Flask-Babel's own (babel.init_app)
    app.add_template_filter(translate_message, "t")
    app.add_template_filter(status_label)
    app.add_template_filter(role_label)
    app.add_template_global(status_action)
    app.add_template_filter(audit_action)

    @app.context_processor
    def _globals() -> dict:
        locale = str(get_locale() or current_app.config["DEFAULT_LANGUAGE"])
        language = locale.split("_")[0]
        return {
            "config": current_app.config,
            "service_name": current_app.config["SERVICE_NAME"],
            "council_name": current_app.config["COUNCIL_NAME"],
            "current_language": language,
            "text_direction": i18n.text_direction(language),
            "language_choices": i18n.language_choices(),
            "cspNonce": csp_nonce(),
            "home_endpoint": home_endpoint_for(current_user),
            "current_path": request.full_path.rstrip("?") if request else "/",
            "Role": Role,
            **i18n.render_context(),
        }
