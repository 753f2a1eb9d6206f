"""Error pages in the service's own style, and the CSRF failure that keeps what was typed."""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.extensions import db
from portal.storage import StorageError

log = logging.getLogger(__name__)

PAGES = {
    400: (_l("Sorry, there is a problem with your request"), _l("Go back and try again.")),
    403: (_l("You do not have permission to see this page"), _l("If you think you should, contact us.")),
    404: (
        _l("Page not found"),
        _l("If you typed the web address, check it is correct. If you pasted it, check you copied all of it."),
    ),
    405: (_l("Sorry, you cannot do that here"), _l("Go back and try again.")),
    413: (_l("The file is too big"), _l("Go back and choose a smaller file.")),
    429: (_l("Too many attempts"), _l("Wait a few minutes, then try again.")),
    500: (_l("Sorry, there is a problem with the service"), _l("Try again later. What you saved before is safe.")),
}


def render_error(code: int):  # noqa: ANN201
    title, advice = PAGES.get(code, PAGES[500])
    return render_template("errors/error.html", code=code, title=title, advice=advice), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_failed(error: CSRFError):  # noqa: ANN202
        view = current_app.view_functions.get(request.endpoint or "")
        if view is not None and getattr(view, "keeps_input_on_csrf_failure", False):
            g.csrf_failed = True
            return current_app.ensure_sync(view)(**(request.view_args or {}))
        return render_error(400)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):  # noqa: ANN202
        if error.code in PAGES:
            return render_error(error.code)
        return error

    @app.errorhandler(StorageError)
    def _file_missing(error: StorageError):  # noqa: ANN202
        # A record whose file is gone from storage (lost, or removed by the retention command):
        # the person is told it is not there; operators see it in the log.
        log.error("stored file missing on %s %s: %s", request.method, request.path, error)
        db.session.rollback()
        return render_error(404)

    @app.errorhandler(Exception)
    def _server_error(error: Exception):  # noqa: ANN202
        log.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        if current_app.config.get("PROPAGATE_EXCEPTIONS_IN_TESTS"):
            raise error
        return render_error(500)
