"""Pages for everyone: home with open rounds, information pages, language, health check."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select, text
from sqlalchemy.orm import selectinload

from portal import i18n
from portal.db import utcnow
from portal.domain.workflow import RoundStatus
from portal.extensions import db
from portal.models import Round
from portal.security import is_safe_next

bp = Blueprint("public", __name__)


@bp.route("/")
def home():
    rounds = db.session.scalars(
        select(Round)
        .where(Round.status == RoundStatus.OPEN, Round.closes_at > utcnow())
        .options(selectinload(Round.fund), selectinload(Round.work_streams))
        .order_by(Round.closes_at)
    ).all()
    return render_template("public/home.html", rounds=rounds)


@bp.route("/accessibility")
def accessibility():
    return render_template("public/accessibility.html")


@bp.route("/privacy")
def privacy():
    return render_template("public/privacy.html")


@bp.route("/cookies")
def cookies():
    return render_template("public/cookies.html")


@bp.route("/language/<code>")
def set_language(code: str):
    """Switch language (a plain link, so it works without JavaScript) and go back."""
    if code not in i18n.available_languages():
        abort(404)
    session["language"] = code
    if current_user.is_authenticated and current_user.preferred_language != code:
        current_user.preferred_language = code
        db.session.commit()
    target = request.args.get("next")
    return redirect(target if is_safe_next(target) else url_for("public.home"))


@bp.route("/brand.css")
def brand_css():
    """The council's colours from configuration, as CSS custom properties GOV.UK Frontend reads."""
    config = current_app.config
    css = (
        ":root{"
        f"--govuk-brand-colour:{_hex(config['BRAND_COLOUR'])};"
        f"--govuk-link-colour:{_hex(config['LINK_COLOUR'])};"
        "}"
    )
    response = Response(css, mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _hex(value: str) -> str:
    value = str(value).strip()
    if len(value) in (4, 7) and value.startswith("#") and all(c in "0123456789abcdefABCDEF" for c in value[1:]):
        return value
    return "#1d70b8"


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


# Further public pages; importing them registers their routes on ``bp``.
from portal.public import register_routes, round_routes  # noqa: E402, F401
