"""Panel members read the programme dashboard, for oversight.

(A placeholder while this part is built: its routes are added here.)"""

from __future__ import annotations

from portal.panel.routes import bp  # noqa: F401
