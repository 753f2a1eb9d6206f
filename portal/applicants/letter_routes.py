"""A group downloads its letters: the stored PDF exactly as issued, never a fresh render.

Only members of the letter's organisation, and only once the round's decisions are released; anyone
else gets 404 (whether the letter exists is not revealed)."""

from __future__ import annotations

from flask import Response, abort
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from portal.applicants.routes import bp
from portal.domain.awards import LetterKind
from portal.extensions import db
from portal.models import Letter
from portal.services import letters
from portal.services.decisions import released_decision


def _is_member(user, organisation_id: int) -> bool:  # noqa: ANN001
    return any(m.organisation_id == organisation_id for m in user.memberships)


@bp.route("/letters/<int:letter_id>.pdf")
@login_required
def download_letter(letter_id: int):
    letter = db.session.get(Letter, letter_id, options=[joinedload(Letter.application)])
    if letter is None or not _is_member(current_user, letter.application.organisation_id):
        abort(404)
    if released_decision(letter.application) is None:
        abort(404)
    name = "award-letter" if letter.kind == LetterKind.AWARD else "decision-letter"
    filename = f"{letter.application.reference or letter.application_id}-{name}.pdf"
    return Response(
        letters.letter_bytes(letter),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"},
    )
