"""Public pages: a round's details, the eligibility check and asking for help (routes on the public blueprint)."""

from portal.public.routes import bp  # noqa: F401
