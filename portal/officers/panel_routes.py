"""Officers set up a round's panel (rules, members) and assign EOIs to its members.

(A placeholder while this part is built: its routes are added here.)"""

from __future__ import annotations

from portal.officers.routes import bp  # noqa: F401
