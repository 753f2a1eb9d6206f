"""The moderation meeting: each work stream's EOIs with their scores, flags, agreed scores and the ranking against the budget.

(A placeholder while this part is built: its routes are added here.)"""

from __future__ import annotations

from portal.officers.routes import bp  # noqa: F401
