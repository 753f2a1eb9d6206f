"""A funded group writes its output returns: figures per agreed measure, stories with consent, spend and reflections; answers a query and sends again.

(A placeholder while this part is built: its routes are added here.)"""

from __future__ import annotations

from portal.applicants.routes import bp  # noqa: F401
