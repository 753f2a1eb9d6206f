"""Exports for officers: CSV and XLSX of everything, 360Giving JSON and CSV, and the annual report PDF.

(A placeholder while this part is built: its routes are added here.)"""

from __future__ import annotations

from portal.officers.routes import bp  # noqa: F401
