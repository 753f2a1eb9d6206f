"""The eligibility check's view of a round: its settings and the council's active localities."""

from __future__ import annotations

from sqlalchemy import select

from portal.domain.eligibility import RoundRules
from portal.extensions import db
from portal.models import Locality, Round


def round_rules(round_: Round) -> RoundRules:
    """The rules the check applies to ``round_`` (reads the localities; changes nothing)."""
    localities = db.session.execute(
        select(Locality.id, Locality.name)
        .where(Locality.is_archived.is_(False))
        .order_by(Locality.position, Locality.name)
    ).all()
    return RoundRules(
        allowed_legal_forms=frozenset(round_.allowed_legal_forms or ()),
        income_ceiling=round_.income_ceiling,
        excluded_purposes=tuple(p.strip() for p in round_.excluded_purposes or () if p and p.strip()),
        localities=tuple((row.id, row.name) for row in localities),
    )
