"""Officers record funding decisions, release them to groups, and export the decision pack.

(A placeholder while this part is built: its routes are added here.)"""

from __future__ import annotations

from portal.officers.routes import bp  # noqa: F401
