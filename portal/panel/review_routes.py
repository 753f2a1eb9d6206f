"""A panel member scores an EOI assigned to them, and afterwards sees the panel's scores for it.

(A placeholder while this part is built: its routes are added here.)"""

from __future__ import annotations

from portal.panel.routes import bp  # noqa: F401
