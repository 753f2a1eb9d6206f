"""The annual report's PDF: a plain dictionary for templates/pdf/annual_report.html, built from the
plain figures of ``services.exports.annual_summary`` (never ORM objects)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from portal.i18n import text_direction
from portal.templating import money


def _number(value: int | None) -> str:
    return f"{value:,}" if value is not None else _("None set")


def _percentage(value: Decimal | None) -> str:
    return f"{value}%" if value is not None else _("No target")


def annual_report(summary: dict[str, Any], *, lang: str, generated: str, council: str) -> dict[str, Any]:
    """The summary's figures as the words and amounts the PDF shows."""
    streams = [
        {
            "name": row["name"] or _("No work stream"),
            "awards": str(row["awards"]),
            "amount": money(row["amount"]),
        }
        for row in summary["streams"]
    ]
    localities = [
        {"name": row["name"], "awards": str(row["awards"]), "amount": money(row["amount"])}
        for row in summary["localities"]
    ]
    progress = [
        {
            "work_stream": row["work_stream"],
            "measure": f"{row['measure']} ({row['unit']})",
            "how": _("running total") if row["cumulative"] else _("added up across returns"),
            "target": _number(row["target"]),
            "agreed": _number(row["agreed"]),
            "actual": _number(row["actual"]),
            "percentage": _percentage(row["percentage"]),
        }
        for row in summary["progress"]
    ]
    stories = [
        {
            "title": story["title"],
            "body": story["body"],
            "byline": " · ".join(
                part
                for part in (
                    _("Told by %(name)s", name=story["teller"]) if story["teller"] else None,
                    story["group"],
                    story["work_stream"],
                )
                if part
            ),
        }
        for story in summary["stories"]
    ]
    return {
        "doc": {
            "lang": lang,
            "dir": text_direction(lang),
            "title": _("Annual report: %(fund)s, %(round)s", fund=summary["fund"], round=summary["round"]),
            "meta": _("%(council)s · Made %(when)s", council=council, when=generated),
            "totals": [
                (_("Grants being delivered or completed"), str(summary["awards"])),
                (_("Money awarded"), money(summary["amount"])),
                (_("Stories shared with permission"), str(len(stories))),
            ],
            "streams": streams,
            "localities": localities,
            "progress": progress,
            "stories": stories,
        }
    }
