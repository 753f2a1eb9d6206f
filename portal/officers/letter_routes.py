"""Officers issue letters one at a time or for a whole round (a background job with a progress page and a ZIP).

(A placeholder while this part is built: its routes are added here.)"""

from __future__ import annotations

from portal.officers.routes import bp  # noqa: F401
