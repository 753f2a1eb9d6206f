"""Before a panel member reads an EOI: confirm no conflict of interest, or declare one.

(A placeholder while this part is built: its routes are added here.)"""

from __future__ import annotations

from flask import abort

from portal.auth.access import roles_required
from portal.domain.roles import Role
from portal.panel.routes import bp


@bp.route("/reviews/<int:review_id>/conflict", methods=["GET", "POST"])
@roles_required(Role.PANEL_MEMBER)
def confirm_conflict(review_id: int):
    abort(404)
