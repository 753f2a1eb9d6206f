"""Plain dictionaries for PDF templates, built from plain data (a submitted version's content)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from portal.i18n import text_direction


def _money(value: str | None) -> str:
    return f"£{float(value):,.2f}".replace(".00", "") if value else ""


def application_answers(content: dict[str, Any], *, reference: str, sent: str, lang: str) -> dict[str, Any]:
    """The answers a group sent, ready for templates/pdf/application_answers.html."""
    outputs = [
        (
            o["measure"],
            (f"{o['quantity']} {o['unit']}" if o["quantity"] is not None else (o["description"] or ""))
            if o["is_part_of_project"]
            else _("Not part of our project"),
        )
        for o in content.get("planned_outputs", [])
    ]
    answers = [
        (
            a["question"],
            a["text"] or (_("A recording") + (f": {a['recording_summary']}" if a["recording_summary"] else "")),
        )
        for a in content.get("answers", [])
    ]
    budget = [(line["description"], _money(line["amount"])) for line in content.get("budget_lines", [])]
    entered_by = content.get("entered_by")
    return {
        "doc": {
            "lang": lang,
            "dir": text_direction(lang),
            "title": _("Application %(reference)s", reference=reference),
            "organisation": content["organisation"]["name"],
            "round": content["round"]["title"],
            "sent": _("Sent %(when)s", when=sent),
            "entered_by": _("Entered by %(officer)s on behalf of the group", officer=entered_by)
            if entered_by
            else None,
            "sections": [
                {
                    "heading": _("Your project"),
                    "rows": [
                        (_("Project name"), content.get("title") or ""),
                        (_("Description"), content.get("summary") or ""),
                        (_("Theme"), (content.get("work_stream") or {}).get("name", "")),
                        (_("Who benefits"), content.get("who_benefits") or ""),
                        (_("Where"), ", ".join(content.get("localities", []) + content.get("wards", []))),
                        (_("What you will do"), content.get("activities") or ""),
                        (_("When"), content.get("timescale") or ""),
                    ],
                },
                {"heading": _("What you plan to achieve"), "rows": outputs},
                {"heading": _("Questions about your group and project"), "rows": answers},
                {
                    "heading": _("Budget and partners"),
                    "rows": [
                        (_("Amount asked for"), _money(content.get("amount_requested"))),
                        *budget,
                        (_("Partners"), content.get("partners") if content.get("has_partners") else _("No partners")),
                        (_("Declared by"), content.get("declared_by_name") or ""),
                    ],
                },
            ],
        }
    }
