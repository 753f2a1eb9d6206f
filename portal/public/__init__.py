"""Pages for everyone (the ``public`` blueprint lives in ``routes``)."""

from portal.public import glossary_routes  # noqa: F401  (registers /glossary on the blueprint)
