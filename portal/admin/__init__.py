"""Administration pages: the ``admin`` blueprint (routes.py) and the modules that add to it."""

from portal.admin import two_factor_routes  # noqa: F401 - adds its routes to the blueprint
