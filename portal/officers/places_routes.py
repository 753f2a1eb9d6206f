"""Officer pages: places (routes registered on the officers blueprint)."""

from portal.officers.routes import bp  # noqa: F401
