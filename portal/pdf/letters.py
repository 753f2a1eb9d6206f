"""Award and decline letters: plain dictionaries for templates/pdf/award_letter.html and
templates/pdf/decline_letter.html, built from plain facts (``services.letters.letter_facts``: strings,
numbers as strings, ISO dates, lists of dicts — never ORM objects).

The context holds every word the letter shows, already translated and formatted, so a letter can be
rendered again from its stored context alone, byte for byte, whatever the language of the request.
It is stored as JSON with the letter (``Letter.context``): only strings, numbers, booleans, lists and
dicts. Raw values (ISO dates, amounts) are kept beside the display strings where they are useful.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import force_locale, format_date, format_decimal
from flask_babel import gettext as _

from portal.domain.awards import pounds_in_words
from portal.i18n import SOURCE_LANGUAGE, text_direction
from portal.templating import money

AWARD_TEMPLATE = "award_letter.html"
DECLINE_TEMPLATE = "decline_letter.html"


def _day(iso: str | None) -> str:
    """'2027-04-01' → '1 April 2027' (in the letter's language); '' for no date."""
    return format_date(date.fromisoformat(iso), "d MMMM y") if iso else ""


def _pounds(amount: str | None) -> str:
    return money(Decimal(amount), whole=True) if amount else ""


def _trigger(trigger: str, due_on: str | None) -> str:
    return {
        "on_date": _("On %(date)s", date=_day(due_on)),
        "on_acceptance": _("When you accept this offer"),
        "on_midpoint_return": _("When we accept your mid-point return"),
        "on_final_return": _("When we accept your final return"),
    }.get(trigger, trigger)


def _return_kind(kind: str) -> str:
    return {"midpoint": _("Mid-point return"), "final": _("Final return")}.get(kind, _("Return"))


def _paragraphs(text: str | None) -> list[str]:
    """Text typed by an officer, split into paragraphs at blank lines (single line breaks kept)."""
    return [part.strip() for part in (text or "").replace("\r\n", "\n").split("\n\n") if part.strip()]


def _letterhead(facts: dict[str, Any]) -> dict[str, Any]:
    head = facts["letterhead"]
    return {
        "council_name": head["council_name"],
        "address_lines": list(head.get("address_lines") or []),
        "logo": head.get("logo_data_uri"),
        "logo_alt": _("%(council)s logo", council=head["council_name"]),
    }


def _recipient(facts: dict[str, Any]) -> dict[str, Any]:
    organisation = facts["organisation"]
    body = organisation.get("accountable_body")
    return {
        "name": organisation["name"],
        "address_lines": list(organisation.get("address_lines") or []),
        "accountable_body": body,
        "accountable_body_line": _("Accountable body: %(body)s", body=body) if body else None,
    }


def _contact(facts: dict[str, Any]) -> dict[str, Any]:
    contact = facts["contact"]
    lines = [_("Email: %(email)s", email=contact["email"])] if contact.get("email") else []
    if contact.get("phone"):
        lines.append(_("Phone: %(phone)s", phone=contact["phone"]))
    return {
        "heading": _("Who to contact"),
        "lines": lines,
        "email": contact.get("email"),
        "phone": contact.get("phone"),
    }


def _sign_off(facts: dict[str, Any]) -> dict[str, Any]:
    head = facts["letterhead"]
    name = head.get("signatory_name")
    return {
        "closing": _("Yours sincerely,"),
        "name": name or _("The community grants team"),
        "title": head.get("signatory_title") if name else None,
        "council_name": head["council_name"],
    }


def _common(facts: dict[str, Any], title: str) -> dict[str, Any]:
    lang = facts.get("language") or "en"
    organisation = facts["organisation"]["name"]
    return {
        "lang": lang,
        "dir": text_direction(lang),
        "title": title,
        "kind": facts["kind"],
        "letterhead": _letterhead(facts),
        "date": _day(facts["issued_on"]),
        "date_iso": facts["issued_on"],
        "reference": facts["reference"],
        "reference_line": _("Our reference: %(reference)s", reference=facts["reference"]),
        "date_line": _("Date: %(date)s", date=_day(facts["issued_on"])),
        "recipient": _recipient(facts),
        "greeting": _("Dear members of %(group)s,", group=organisation),
        "contact": _contact(facts),
        "sign_off": _sign_off(facts),
    }


def award_letter_context(facts: dict[str, Any]) -> dict[str, Any]:
    """The words of an award letter (an offer of a grant), for templates/pdf/award_letter.html."""
    award = facts["award"]
    reference = facts["reference"]
    figures = _pounds(award["amount"])
    words = pounds_in_words(Decimal(award["amount"]))
    doc = _common(facts, _("Offer of a grant: %(reference)s", reference=reference))
    project = facts.get("project_title") or ""
    doc.update(
        {
            "heading": _("We are offering you a grant of %(amount)s", amount=figures),
            "opening": [
                _(
                    "Thank you for applying to %(round)s. We are pleased to offer %(group)s a grant of "
                    "%(amount)s (%(words)s) for your project “%(project)s”.",
                    round=facts["round_title"],
                    group=facts["organisation"]["name"],
                    amount=figures,
                    words=words,
                    project=project,
                ),
                _(
                    "This letter sets out what the grant is for, when we will pay it and what we ask of you "
                    "in return. Please keep it: your bank and your committee or trustees may ask to see it."
                ),
            ],
            "amount": {"figures": figures, "words": words, "raw": award["amount"]},
            "summary": {
                "heading": _("Your grant"),
                "rows": [
                    [_("Reference"), reference],
                    [_("Group"), facts["organisation"]["name"]],
                    *(
                        [[_("Accountable body"), doc["recipient"]["accountable_body"]]]
                        if doc["recipient"]["accountable_body"]
                        else []
                    ),
                    [_("Project"), project],
                    [_("Amount"), figures],
                    [_("Amount in words"), words],
                    [_("Theme (work stream)"), award.get("work_stream") or ""],
                    [_("Starts"), _day(award.get("starts_on"))],
                    [_("Ends"), _day(award.get("ends_on"))],
                ],
            },
            "dates": {"starts_on": award.get("starts_on"), "ends_on": award.get("ends_on")},
            "conditions": {
                "heading": _("Conditions of the grant"),
                "intro": _("By accepting the grant, you agree to these conditions:"),
                "list": [
                    {"title": c["title"], "paragraphs": _paragraphs(c["body"])} for c in award.get("conditions", [])
                ],
                "none": _("There are no extra conditions."),
            },
            "payments": {
                "heading": _("When we will pay you"),
                "caption": _("Payment schedule"),
                "headers": [_("Payment"), _("Amount"), _("When")],
                "rows": [
                    [
                        str(number),
                        _pounds(i["amount"])
                        + (f" ({Decimal(i['percentage']).normalize():f}%)" if i.get("percentage") else ""),
                        _trigger(i["trigger"], i.get("due_on")),
                    ]
                    for number, i in enumerate(award.get("instalments", []), start=1)
                ],
                "note": _("We pay into the bank account you give us after you accept this offer."),
            },
            "targets": {
                "heading": _("What you agreed to achieve"),
                "caption": _("Output targets"),
                "headers": [_("Measure"), _("Your target")],
                "rows": [
                    [
                        t["measure"],
                        f"{format_decimal(t['quantity'])} {t['unit']}".strip()
                        if t.get("quantity") is not None
                        else (t.get("description") or ""),
                    ]
                    for t in award.get("targets", [])
                ],
                "none": _("No output targets were agreed."),
            },
            "returns": {
                "heading": _("Telling us how it went"),
                "intro": _(
                    "Send us a short return by each of these dates, saying what you have done and what "
                    "you have spent. We will remind you before each one."
                ),
                "caption": _("Return dates"),
                "headers": [_("Return"), _("Send it by")],
                "rows": [[_return_kind(r["kind"]), _day(r["due_on"])] for r in award.get("return_dates", [])],
                "dates_iso": [r["due_on"] for r in award.get("return_dates", [])],
            },
            "accept": {
                "heading": _("How to accept"),
                "paragraphs": [
                    _(
                        "Sign in and open your offer. Read the conditions, tick each one, give the name and "
                        "role of the person accepting for the group, then accept. After that, give us the "
                        "bank details to pay the grant into."
                    ),
                    _("If you do not want the grant, you can decline it on the same page."),
                ],
                "link_text": _("Open your offer:"),
                "link": facts["links"].get("offer") or "",
            },
        }
    )
    return {"doc": doc}


def decline_letter_context(facts: dict[str, Any]) -> dict[str, Any]:
    """The words of a decline letter (with the panel's feedback), for templates/pdf/decline_letter.html."""
    reference = facts["reference"]
    doc = _common(facts, _("Decision on your application %(reference)s", reference=reference))
    contact = doc["contact"]
    how = contact["email"] or ""
    if contact["phone"]:
        how = _("%(email)s or %(phone)s", email=how, phone=contact["phone"]) if how else contact["phone"]
    doc.update(
        {
            "heading": _("We cannot fund your project this time"),
            "opening": [
                _(
                    "Thank you for applying to %(round)s for your project “%(project)s”.",
                    round=facts["round_title"],
                    project=facts.get("project_title") or "",
                ),
                _(
                    "We are sorry to tell you that we cannot offer %(group)s a grant this time. We had more "
                    "good applications than money to fund them.",
                    group=facts["organisation"]["name"],
                ),
            ],
            "decision": {"heading": _("Our decision"), "text": _("Not funded")},
            "feedback": {
                "heading": _("Feedback from the panel"),
                "intro": _("The panel read your application carefully. This is what they said, to help you next time:"),
                "paragraphs": _paragraphs((facts.get("decision") or {}).get("feedback")),
                "none": _("The panel did not leave any feedback."),
            },
            "next_steps": {
                "heading": _("What you can do next"),
                "list": [
                    _(
                        "Talk to us about this decision: we are happy to have a conversation. Contact us at %(how)s.",
                        how=how,
                    ),
                    _(
                        "Look at other funding: we can point you to other grants that may suit your project, "
                        "including funds run by local charities and national funders."
                    ),
                    _("Apply again: you can apply to a future round. The panel's feedback may help you."),
                ],
            },
        }
    )
    return {"doc": doc}


BUILDERS = {"award": (AWARD_TEMPLATE, award_letter_context), "decline": (DECLINE_TEMPLATE, decline_letter_context)}


def letter_context(kind: str, facts: dict[str, Any]) -> dict[str, Any]:
    """A letter's context in the group's language (``facts["language"]``).

    A letter in a language other than English is bilingual: ``doc`` is the letter in the group's
    language, with a note at the top saying the English text follows, and ``english`` is the same
    letter in English, which the templates print after it (from a new page, marked ``lang="en"``):
    the translations are machine-assisted, and the English text is the one that counts. A letter in
    English has ``doc`` alone.
    """
    _template, build = BUILDERS[kind]
    language = facts.get("language") or SOURCE_LANGUAGE
    with force_locale(language):
        context = build(facts)
    if language == SOURCE_LANGUAGE:
        return context
    with force_locale(language):
        context["doc"]["bilingual_note"] = _(
            "The same letter in English follows this one. If the two differ, the English text is the one that counts."
        )
    with force_locale(SOURCE_LANGUAGE):
        english = build({**facts, "language": SOURCE_LANGUAGE})["doc"]
        english["part_heading"] = _("The same letter in English")
    context["english"] = english
    return context
