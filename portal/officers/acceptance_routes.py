"""Officers follow which groups have accepted their awards, remind them, and see the bank details given.

(A placeholder while this part is built: its routes are added here.)"""

from __future__ import annotations

from portal.officers.routes import bp  # noqa: F401
