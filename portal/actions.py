"""The one way a route carries out an action that has no form to show again (a button: withdraw,
remove, mark as handled): the service does it, and the person is told the outcome on the next page.

A refusal (``ServiceError``) rolls back and flashes the service's message as an error; success
commits and flashes ``done`` (a string, or a callable for a message that needs what the action did).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash

from portal.extensions import db
from portal.services import ServiceError
from portal.templating import translate_message


def carry_out(action: Callable[[], object], *, done: str | Callable[[], str]) -> bool:
    """Run ``action``; commit and flash ``done`` on success, roll back and flash why not on refusal.
    True when it was done."""
    try:
        action()
    except ServiceError as error:
        db.session.rollback()
        flash(translate_message(error.message), "error")
        return False
    db.session.commit()
    flash(done() if callable(done) else done, "success")
    return True
