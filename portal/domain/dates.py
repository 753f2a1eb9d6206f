"""Dates and times as people type them, in the portal's time zone (Europe/London by default).

People enter a closing date and a time such as "5pm", "17:00" or "12 noon". We store the moment
in UTC. Around the clocks changing, some local times do not exist (01:30 on the last Sunday of
March) and some happen twice (01:30 on the last Sunday of October): the first is refused with a
reason; for the second the caller chooses, and by default gets the later moment (for a deadline,
the one that gives applicants longer).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from portal.domain.text import N_, Message

_TIME = re.compile(
    r"^\s*(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<suffix>am|pm|a\.m\.|p\.m\.)?\s*$", re.IGNORECASE
)
_WORDS = {
    "midday": time(12, 0),
    "noon": time(12, 0),
    "12 noon": time(12, 0),
    "12 midday": time(12, 0),
    "midnight": time(0, 0),
    "12 midnight": time(0, 0),
}


class DateProblem(ValueError):
    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


def parse_time(text: str) -> time:
    """'5pm', '5:30pm', '17:00', '17.00', '9', 'noon' → a time; anything else raises DateProblem."""
    cleaned = (text or "").strip().lower()
    if cleaned in _WORDS:
        return _WORDS[cleaned]
    match = _TIME.match(cleaned)
    if not match:
        raise DateProblem(Message(N_("Enter a time like 5pm, 5:30pm or 17:30")))
    hour = int(match["hour"])
    minute = int(match["minute"] or 0)
    suffix = (match["suffix"] or "").replace(".", "")
    if suffix:
        if not 1 <= hour <= 12:
            raise DateProblem(Message(N_("Enter a time like 5pm, 5:30pm or 17:30")))
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        raise DateProblem(Message(N_("Enter a real time, like 5pm or 17:30")))
    return time(hour, minute)


def parse_date(day: str, month: str, year: str) -> date:
    """Three boxes as people fill them in; names the part that is missing or wrong."""
    parts = {"day": (day or "").strip(), "month": (month or "").strip(), "year": (year or "").strip()}
    missing = [name for name, value in parts.items() if not value]
    if len(missing) == 3:
        raise DateProblem(Message(N_("Enter a date")))
    if missing:
        raise DateProblem(Message(N_("The date must include a %(part)s"), {"part": missing[0]}))
    if not all(value.isdigit() for value in parts.values()):
        raise DateProblem(Message(N_("The date must be a real date, written in numbers")))
    if len(parts["year"]) != 4:
        raise DateProblem(Message(N_("The year must include 4 numbers")))
    try:
        return date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError as exc:
        raise DateProblem(Message(N_("The date must be a real date"))) from exc


def local_to_utc(day: date, at: time, zone: str, *, later_if_repeated: bool = True) -> datetime:
    """The UTC moment of a wall-clock time in ``zone``.

    A time that does not exist (the clocks jump over it) raises DateProblem. A time that happens
    twice resolves to the later moment by default (for deadlines: the more generous one)."""
    tz = ZoneInfo(zone)
    naive = datetime.combine(day, at)
    candidate = naive.replace(tzinfo=tz, fold=1 if later_if_repeated else 0)
    # A non-existent wall time does not survive a round trip through UTC.
    if candidate.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise DateProblem(
            Message(N_("That time does not exist on that day because the clocks go forward. Choose another time."))
        )
    return candidate.astimezone(UTC)


def utc_to_local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))
