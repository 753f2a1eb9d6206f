"""The benchmark data sets: a database each, migrated and seeded through the portal's own commands
(``flask db upgrade``, ``flask seed-large``), and what the pages benchmark needs from them."""

from __future__ import annotations

import time
from pathlib import Path

from benchmarks.server import Databases


def seed(databases: Databases, name: str, size: str, storage: Path) -> dict:
    """A fresh database ``name``, migrated to head, with the demo data and ``seed-large`` at ``size``
    (in this process: the same code as ``flask db upgrade`` and ``flask seed-large --size <size>``)."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.db import refresh_statistics
    from portal.extensions import db
    from portal.seed_large import PRESETS, seed_large

    url = databases.recreate(name)
    app = create_app({"DATABASE_URL": url, "STORAGE_PATH": str(storage), "ENV": "development"})
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        counts = seed_large(PRESETS[size])
        db.session.commit()
        refresh_statistics(db.engine)  # as `flask seed-large` does: the planner's view of the new rows
        db.session.remove()
        db.engine.dispose()
    seconds = time.perf_counter() - started
    return {"database_url": url, "size": size, "seed_seconds": round(seconds, 1), "counts": counts}


def page_targets(database_url: str, storage: Path) -> dict:
    """The pages to load (paths with real ids) and the accounts that see them. Officers and panel
    members who must use two-factor sign-in get a secret here, so the benchmark can give codes."""
    import pyotp
    from sqlalchemy import func, select

    from portal import create_app, demo
    from portal.db import utcnow
    from portal.domain.roles import Role
    from portal.domain.workflow import ApplicationStatus, ReviewStatus, RoundStatus
    from portal.extensions import db
    from portal.models import Application, OrganisationMember, PanelMember, Review, Round, User

    app = create_app({"DATABASE_URL": database_url, "STORAGE_PATH": str(storage), "ENV": "development"})
    accounts = {}
    with app.app_context():
        required = app.config.get("TWO_FACTOR_REQUIRED") or frozenset()
        for _label, email, _name, role, password in demo.ACCOUNTS:
            key = {Role.APPLICANT: "applicant", Role.PANEL_MEMBER: "panel", Role.OFFICER: "officer"}.get(role)
            if key is None:
                continue
            user = db.session.scalar(select(User).where(User.email == email))
            account = {"email": email, "password": password}
            if getattr(user, "two_factor_secret", None) is None and role in required:
                user.two_factor_secret = pyotp.random_base32()
                user.two_factor_enabled_at = utcnow()
            if getattr(user, "two_factor_secret", None):
                account["totp"] = pyotp.TOTP(user.two_factor_secret).now
            accounts[key] = account
        db.session.commit()
        applicant = db.session.scalar(select(User).where(User.email == accounts["applicant"]["email"]))
        panel_user = db.session.scalar(select(User).where(User.email == accounts["panel"]["email"]))
        draft = db.session.scalar(
            select(Application.id)
            .join(OrganisationMember, OrganisationMember.organisation_id == Application.organisation_id)
            .join(Round, Round.id == Application.round_id)
            .where(
                OrganisationMember.user_id == applicant.id,
                Application.status == ApplicationStatus.DRAFT,
                Application.work_stream_id.is_not(None),
                Round.status == RoundStatus.OPEN,
            )
            .order_by(Application.id.desc())
        )
        in_assessment = db.session.scalar(
            select(Round.id)
            .join(Application, Application.round_id == Round.id)
            .where(Round.status == RoundStatus.IN_ASSESSMENT)
            .group_by(Round.id)
            .order_by(func.count(Application.id).desc())
        )
        review = db.session.scalar(
            select(Review.id)
            .join(PanelMember, PanelMember.id == Review.member_id)
            .join(Application, Application.id == Review.application_id)
            .where(
                PanelMember.user_id == panel_user.id,
                Application.round_id == in_assessment,
                Review.status == ReviewStatus.DRAFT,
                Review.no_conflict_confirmed_at.is_not(None),
            )
            .order_by(Review.id)
        )
        eois_in_round = db.session.scalar(
            select(func.count(Application.id)).where(Application.round_id == in_assessment)
        )
        db.session.remove()
        db.engine.dispose()
    return {
        "accounts": accounts,
        "paths": {
            "applicant_home": "/applicant/",
            "eoi_section": f"/applicant/applications/{draft}/outputs",
            "panel_queue": "/panel/",
            "review_form": f"/panel/reviews/{review}",
            "moderation": f"/officers/rounds/{in_assessment}/moderation",
            "programme_dashboard": "/officers/dashboard",
            "public_register": "/awards",
        },
        "moderation_eois": eois_in_round,
    }
