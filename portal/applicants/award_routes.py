"""A group reads its offer, accepts or declines it, gives its bank details and downloads its letters.

(A placeholder while this part is built: its routes are added here.)"""

from __future__ import annotations

from portal.applicants.routes import bp  # noqa: F401
