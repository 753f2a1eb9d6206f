"""An officer enters a return on a group's behalf (the assisted route, recorded as such).

(A placeholder while this part is built: its routes are added here.)"""

from __future__ import annotations

from portal.officers.routes import bp  # noqa: F401
