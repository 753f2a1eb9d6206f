"""Applicant pages: organisation (routes registered on the applicants blueprint)."""

from portal.applicants.routes import bp  # noqa: F401
