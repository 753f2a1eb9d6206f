"""The decision pack's PDF summary: a plain dictionary for templates/pdf/decision_pack.html, built
from the plain figures of ``services.decision_pack.summary`` (never ORM objects)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from portal.i18n import text_direction
from portal.templating import money, uk_datetime


def _outcome(value: str | None) -> str:
    return {
        "fund": _("Fund"),
        "do_not_fund": _("Do not fund"),
        "reserve": _("Reserve list"),
    }.get(value or "", _("No decision yet"))


def _score(value: Decimal | None) -> str:
    return f"{value:.2f}" if value is not None else _("Not scored")


def _place(rank: int | None, within: bool | None) -> str:
    if rank is None:
        return _("Not ranked")
    line = _("above the budget line") if within else _("below the budget line")
    return _("Ranked %(rank)d, %(line)s", rank=rank, line=line)


def decision_pack(summary: dict[str, Any], *, lang: str, generated: str) -> dict[str, Any]:
    """The summary's figures as the words and amounts the PDF shows."""
    streams = []
    for stream in summary["streams"]:
        ranking = [
            {
                "rank": row["rank"],
                "reference": row["reference"],
                "group": row["group"],
                "score": _score(row["score"]) + (" " + _("(agreed)") if row["agreed"] else ""),
                "amount": money(row["amount"]),
                "running_total": money(row["running_total"]),
                "first_below_line": row["first_below_line"],
                "decision": _outcome(row["outcome"])
                + (f" {money(row['decided_amount'])}" if row["decided_amount"] is not None else ""),
            }
            for row in stream["ranking"]
        ]
        streams.append(
            {
                "name": stream["name"],
                "facts": [
                    (_("EOIs with the panel"), str(stream["eois"])),
                    (_("Funded"), str(stream["funded"])),
                    (_("Not funded"), str(stream["not_funded"])),
                    (_("On the reserve list"), str(stream["reserve"])),
                    (_("No decision yet"), str(stream["undecided"])),
                    (
                        _("Money funded"),
                        _(
                            "%(funded)s of a budget of %(budget)s",
                            funded=money(stream["funded_amount"]),
                            budget=money(stream["budget"]),
                        ),
                    ),
                    (_("Conflicts declared"), str(stream["conflicts"])),
                ],
                "ranking": ranking,
            }
        )
    overrides = [
        {
            "heading": f"{item['reference']} – {item['group']}",
            "rows": [
                (_("Decision"), _outcome(item["outcome"])),
                (_("Place in the ranking when decided"), _place(item["rank"], item["within_budget"])),
                (_("Reason"), item["reason"]),
                (_("Why it goes against the ranking"), item["override_reason"]),
            ],
        }
        for item in summary["overrides"]
    ]
    released = summary["released_at"]
    return {
        "doc": {
            "lang": lang,
            "dir": text_direction(lang),
            "title": _("Decision pack: %(round)s", round=summary["round"]),
            "meta": _("Made %(when)s", when=generated),
            "released": _("Decisions released to groups on %(when)s", when=uk_datetime(released))
            if released
            else _("Decisions not yet released to groups"),
            "totals": [
                (_("Decisions recorded"), str(summary["decisions"])),
                (_("Conflicts declared"), str(summary["conflicts"])),
                (_("Decisions that go against the ranking"), str(len(overrides))),
            ],
            "streams": streams,
            "overrides": overrides,
        }
    }
