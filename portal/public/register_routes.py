"""Public pages: the register of awards, programme progress and the stories whose tellers agreed to publication.

(A placeholder while this part is built: its routes are added here.)"""

from __future__ import annotations

from portal.public.routes import bp  # noqa: F401
