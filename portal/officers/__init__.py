"""Officer pages. Most route modules are imported by ``portal.officers.routes``; importing the
ones below registers their routes on its blueprint too."""

from portal.officers import assisted_award_routes, assisted_group_routes  # noqa: F401
