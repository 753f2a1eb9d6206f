"""User administration."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from portal.auth.access import roles_required
from portal.domain.roles import Role
from portal.extensions import db
from portal.models import User

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@roles_required(Role.ADMIN)
def home():
    users = db.session.scalars(select(User).order_by(User.full_name)).all()
    return render_template("admin/home.html", users=users)
