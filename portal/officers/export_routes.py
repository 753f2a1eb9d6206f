"""Exports for officers: CSV and XLSX of everything, 360Giving JSON and CSV, and the annual report PDF."""

from __future__ import annotations

import json

from flask import Response, abort, current_app, render_template
from flask_babel import get_locale

from portal.auth.access import roles_required
from portal.db import utcnow
from portal.domain.roles import Role
from portal.models import Round
from portal.officers.routes import bp, get_round
from portal.services import exports, threesixty
from portal.templating import uk_datetime

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _name(round_: Round) -> str:
    return round_.reference_prefix.strip("-") or f"round-{round_.id}"


def _download(body: str | bytes, mimetype: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"},
    )


def _package(round_: Round) -> dict:
    package = threesixty.package_json(round_, threesixty.Publisher.from_config(current_app.config))
    if not package["grants"]:
        abort(404)  # the standard needs at least one grant: the page says why there is none
    return package


@bp.route("/rounds/<int:round_id>/exports", endpoint="exports")
@roles_required(Role.OFFICER)
def exports_page(round_id: int):
    round_ = get_round(round_id)
    return render_template(
        "officers/exports.html",
        round=round_,
        tables=exports.TABLES,
        published=len(threesixty.published_awards(round_)),
    )


@bp.route("/rounds/<int:round_id>/exports/<table>.csv", endpoint="export_csv")
@roles_required(Role.OFFICER)
def export_csv(round_id: int, table: str):
    round_ = get_round(round_id)
    if table not in exports.TABLES:
        abort(404)
    return _download(exports.table_csv(round_, table), "text/csv", f"{_name(round_)}-{table}.csv")


@bp.route("/rounds/<int:round_id>/exports.xlsx", endpoint="export_xlsx")
@roles_required(Role.OFFICER)
def export_xlsx(round_id: int):
    round_ = get_round(round_id)
    return _download(exports.workbook(round_), XLSX, f"{_name(round_)}-exports.xlsx")


@bp.route("/rounds/<int:round_id>/exports/360giving.json", endpoint="export_360_json")
@roles_required(Role.OFFICER)
def export_360_json(round_id: int):
    round_ = get_round(round_id)
    body = json.dumps(_package(round_), ensure_ascii=False, indent=2)
    return _download(body, "application/json", f"{_name(round_)}-360giving.json")


@bp.route("/rounds/<int:round_id>/exports/360giving.csv", endpoint="export_360_csv")
@roles_required(Role.OFFICER)
def export_360_csv(round_id: int):
    round_ = get_round(round_id)
    return _download(threesixty.flat_csv(_package(round_)), "text/csv", f"{_name(round_)}-360giving.csv")


@bp.route("/rounds/<int:round_id>/exports/annual-report.pdf", endpoint="annual_report")
@roles_required(Role.OFFICER)
def annual_report(round_id: int):
    round_ = get_round(round_id)
    body = exports.annual_report_pdf(
        round_,
        static_root=current_app.static_folder,
        lang=str(get_locale() or "en").split("_")[0],
        generated=uk_datetime(utcnow()),
        council=current_app.config["COUNCIL_NAME"],
    )
    return _download(body, "application/pdf", f"{_name(round_)}-annual-report.pdf")
