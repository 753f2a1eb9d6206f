"""The programme dashboard: progress against targets by work stream, measure and locality; returns due, late and queried; equality and reach.

(A placeholder while this part is built: its routes are added here.)"""

from __future__ import annotations

from portal.officers.routes import bp  # noqa: F401
