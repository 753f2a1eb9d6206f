"""A panel member's register of interests: the organisations they are linked to, and how.

(A placeholder while this part is built: its routes are added here.)"""

from __future__ import annotations

from portal.panel.routes import bp  # noqa: F401
