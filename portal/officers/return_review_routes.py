"""Officers review returns: the list with late ones flagged, accept, or query with a message.

(A placeholder while this part is built: its routes are added here.)"""

from __future__ import annotations

from portal.officers.routes import bp  # noqa: F401
