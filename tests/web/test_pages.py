"""Public pages, error pages, security headers, the health check and the officers' round pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from portal.domain.workflow import RoundStatus
from portal.models import AuditEvent, Round
from tests.helpers import page_title, visible_text


def test_home_lists_open_rounds_with_their_deadline_in_uk_time(client, make_round):
    make_round(title="Summer small grants", closes_at=datetime(2030, 7, 1, 11, 0, tzinfo=UTC))  # noon BST
    make_round(title="Hidden draft", status=RoundStatus.DRAFT)
    make_round(title="Already closed", closes_at=datetime.now(UTC) - timedelta(hours=1))
    text = visible_text(client.get("/").data)
    assert "Summer small grants" in text
    assert "1 July 2030 at 12:00pm (UK time)" in text
    assert "£500 to £5,000" in text
    assert "Work stream 1" in text
    assert "Hidden draft" not in text
    assert "Already closed" not in text


def test_home_says_so_when_nothing_is_open(client):
    assert "There are no funding rounds open at the moment" in visible_text(client.get("/").data)


def test_every_page_names_the_page_the_service_and_the_council(client):
    title = page_title(client.get("/accessibility").data)
    assert title == "Accessibility statement – Apply for a community grant – Testshire Council"


def test_the_council_and_not_gov_uk_is_in_the_header_and_footer(client):
    html = client.get("/").data.decode()
    assert "Testshire Council" in html
    assert "govuk-header__logotype" not in html  # no crown
    assert "GDS Transport" not in html
    assert "Accessibility statement" in html and "Cookies" in html and "Privacy" in html
    assert "Skip to main content" in html


def test_not_found_page(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert page_title(response.data).startswith("Error: Page not found")
    assert "check it is correct" in visible_text(response.data)


def test_server_errors_show_a_friendly_page(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS_IN_TESTS=False)

    @app.route("/boom")
    def boom():  # noqa: ANN202
        raise RuntimeError("kaboom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert page_title(response.data).startswith("Error: Sorry, there is a problem with the service")
    assert "kaboom" not in response.data.decode()


def test_security_headers_on_every_response(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # only in production
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.data.decode()  # the template's one inline script carries it


def test_hsts_in_production(make_app):
    app = make_app(ENV="production", SECRET_KEY="p" * 40)
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/missing/dir/x.db")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_brand_colour_comes_from_configuration(make_app):
    app = make_app(BRAND_COLOUR="#8a1538")
    css = app.test_client().get("/brand.css").data.decode()
    assert "--govuk-brand-colour:#8a1538" in css


def test_a_bad_brand_colour_cannot_inject_css(make_app):
    app = make_app(BRAND_COLOUR="red;}body{display:none")
    css = app.test_client().get("/brand.css").data.decode()
    assert "display:none" not in css


def test_officer_sees_the_programme_and_a_round_with_its_targets(client, login_as, make_round):
    login_as("officer")
    round_ = make_round(title="Community grants 2026")
    assert "Community grants 2026" in visible_text(client.get("/officers/").data)
    text = visible_text(client.get(f"/officers/rounds/{round_.id}").data)
    assert "People involved in stream 1 100 people" in text
    assert "Stories in stream 1 Described in words" in text
    assert "Criterion 1" in text


def test_officer_closes_a_round_and_it_is_audited(client, db, login_as, make_round):
    officer = login_as("officer")
    round_ = make_round()
    response = client.submit(
        f"/officers/rounds/{round_.id}/status", {"status": "closed"}, from_url=f"/officers/rounds/{round_.id}"
    )
    assert response.headers["Location"] == f"/officers/rounds/{round_.id}"
    assert "The round is now Closed." in visible_text(client.get(response.headers["Location"]).data)
    assert db.session.get(Round, round_.id).status == RoundStatus.CLOSED
    assert (
        db.session.scalar(select(AuditEvent.actor_id).where(AuditEvent.action == "round.status_changed")) == officer.id
    )


def test_a_refused_status_change_is_explained(client, db, login_as, make_round):
    login_as("officer")
    round_ = make_round(status=RoundStatus.DRAFT, work_streams=0)
    response = client.submit(
        f"/officers/rounds/{round_.id}/status", {"status": "open"}, from_url=f"/officers/rounds/{round_.id}"
    )
    assert "Add at least one work stream." in visible_text(client.get(response.headers["Location"]).data)
    assert db.session.get(Round, round_.id).status == RoundStatus.DRAFT


def test_officer_copies_a_round(client, db, login_as, make_round):
    login_as("officer")
    round_ = make_round(title="2026 round")
    bad = client.submit(f"/officers/rounds/{round_.id}/copy", {"title": "2027 round", "reference_prefix": "CIF 2027"})
    assert "Use only letters, numbers and hyphens" in visible_text(bad.data)
    assert 'value="2027 round"' in bad.data.decode()
    response = client.submit(
        f"/officers/rounds/{round_.id}/copy", {"title": "2027 round", "reference_prefix": "CIF-2027-"}
    )
    copy = db.session.scalar(select(Round).where(Round.title == "2027 round"))
    assert response.headers["Location"] == f"/officers/rounds/{copy.id}"
    assert copy.status == RoundStatus.DRAFT
    assert len(copy.work_streams) == 2


def test_missing_rounds_are_404(client, login_as):
    login_as("officer")
    assert client.get("/officers/rounds/999").status_code == 404


def test_admin_sees_users_and_their_roles(client, login_as, make_user):
    login_as("admin", full_name="Ada Admin")
    make_user(roles={"officer", "panel_member"}, full_name="Olu Officer")
    text = visible_text(client.get("/admin/").data)
    assert "Olu Officer" in text
    assert "Officer, Panel member" in text
