"""An officer's view of one panel member's review, and reopening a submitted review.

(A placeholder while this part is built: its routes are added here.)"""

from __future__ import annotations

from flask import abort

from portal.auth.access import roles_required
from portal.domain.roles import Role
from portal.officers.routes import bp


@bp.route("/reviews/<int:review_id>")
@roles_required(Role.OFFICER)
def review_detail(review_id: int):
    abort(404)
