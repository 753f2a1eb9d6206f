"""How routes tell people what a service did. ``carry_out``: an action that has no form to show
again (a button: withdraw, remove, mark as handled), the outcome told on the next page.
``show_problems``: a refused form, each of the service's reasons on its field.

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


def show_problems(form, error: ServiceError, default: str) -> None:  # noqa: ANN001
    """Roll back, and put the service's reasons on the fields they are about (``error.problems``:
    field name → message; the ``default`` field for a reason without a field, or a plain refusal)."""
    db.session.rollback()
    problems = getattr(error, "problems", None) or {default: error.message}
    for name, message in problems.items():
        field = getattr(form, name, None) or getattr(form, default)
        field.errors = [*field.errors, translate_message(message)]
