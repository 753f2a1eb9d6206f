"""Officers set each award's terms: dates, conditions, payments, agreed output targets and return dates.

(A placeholder while this part is built: its routes are added here.)"""

from __future__ import annotations

from portal.officers.routes import bp  # noqa: F401
