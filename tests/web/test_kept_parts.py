"""The parts of pages drawn from a whole round (portal/kept_parts.py) are rendered once and kept
until anything changes: a second look reads none of their data, a change made through the services
shows on the very next request, one made behind their back once FIGURES_CACHE_SECONDS have passed,
and nobody is shown a part kept for another language or for a reader with other rights."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from flask import template_rendered
from sqlalchemy import update

from portal.domain.panel import MemberKind
from portal.models import Organisation, Panel, PanelMember
from portal.services import awards as award_service
from portal.services import figures_cache
from tests.helpers import csrf_token_from, visible_text
from tests.query_budget import count_queries
from tests.services.test_moderation import build_meeting
from tests.services.test_monitoring import build_programme


@pytest.fixture
def programme(app):  # noqa: ANN001, ANN201
    return build_programme()


def _main(response) -> str:  # noqa: ANN001
    assert response.status_code == 200
    return response.get_data(as_text=True).split("<main")[1].split("</main>")[0]


def _sign_out(client) -> None:  # noqa: ANN001
    client.post("/sign-out", data={"csrf_token": csrf_token_from(client.get("/").data)})


@contextmanager
def _templates_rendered(app):  # noqa: ANN001, ANN202
    names: list[str] = []

    def record(_app, template, context) -> None:  # noqa: ANN001
        names.append(template.name)

    with template_rendered.connected_to(record, app):
        yield names


def _statements(client, path: str) -> tuple[int, str]:  # noqa: ANN001
    with count_queries() as log:
        main = _main(client.get(path))
    return len(log.statements), main


# --- the programme dashboard --------------------------------------------------------------------


def test_a_second_look_at_the_dashboard_reads_none_of_its_figures_and_shows_the_same(client, login_as, programme):
    login_as("officer")
    path = f"/officers/dashboard?round={programme.round.id}"
    first_count, first = _statements(client, path)
    again_count, again = _statements(client, path)
    assert again == first
    assert "Work stream 1 2 funded groups, £6,000 in grants." in visible_text(again)
    # What remains is the request's own: the session, the user, the language, the round picker,
    # the newest change. The dashboard's work streams, progress, returns and page of awards are not.
    assert again_count <= first_count - 4


def test_a_change_made_through_the_services_shows_on_the_next_look(client, login_as, db, programme):
    officer = login_as("officer")
    path = f"/officers/dashboard?round={programme.round.id}"
    assert "2 funded groups, £6,000 in grants." in visible_text(_main(client.get(path)))
    award_service.withdraw_award(programme.second, reason="The group has closed.", by=officer)
    db.session.commit()
    assert "1 funded group, £3,000 in grants." in visible_text(_main(client.get(path)))


def test_a_change_behind_the_services_back_shows_once_the_kept_part_expires(client, login_as, db, app, programme):
    login_as("officer")
    path = f"/officers/dashboard?round={programme.round.id}"
    organisation_id = programme.first.application.organisation_id
    cache = figures_cache.the_cache("parts")
    clock = [1000.0]
    cache.clock = lambda: clock[0]
    assert "Renamed Group" not in _main(client.get(path))  # kept at the clock's time
    db.session.execute(update(Organisation).where(Organisation.id == organisation_id).values(name="Renamed Group"))
    db.session.commit()  # as a script or a restore could: no audit event
    assert "Renamed Group" not in _main(client.get(path))
    clock[0] += cache.seconds
    assert "Renamed Group" in _main(client.get(path))


def test_a_panel_member_never_gets_the_officers_kept_dashboard_with_its_links(client, login_as, db, programme):
    path = f"?round={programme.round.id}"
    login_as("officer")
    assert f"/officers/awards/{programme.first.id}" in _main(client.get("/officers/dashboard" + path))
    _sign_out(client)
    member = login_as("panel_member")
    panel = db.session.scalar(db.select(Panel).where(Panel.round_id == programme.round.id))
    panel.members.append(PanelMember(user=member, kind=MemberKind.RESIDENT, profile="Lives in the area."))
    db.session.commit()
    main = _main(client.get("/panel/dashboard" + path))
    assert "2 funded groups, £6,000 in grants." in visible_text(main)
    assert "/officers/" not in main


def test_an_administrator_gets_the_figures_without_the_officers_links(client, login_as, programme):
    login_as("officer")
    path = f"/officers/dashboard?round={programme.round.id}"
    assert f"/officers/awards/{programme.first.id}" in _main(client.get(path))
    _sign_out(client)
    login_as("admin")
    main = _main(client.get(path))
    assert "2 funded groups, £6,000 in grants." in visible_text(main)
    assert f"/officers/awards/{programme.first.id}" not in main


def test_with_no_time_to_keep_them_the_parts_are_rendered_every_time(client, login_as, app, programme):
    app.config["FIGURES_CACHE_SECONDS"] = 0
    app.extensions.pop("parts_cache", None)
    login_as("officer")
    path = f"/officers/dashboard?round={programme.round.id}"
    with _templates_rendered(app) as rendered:
        _main(client.get(path))
        _main(client.get(path))
    assert rendered.count("officers/dashboard_part.html") == 2
    assert len(figures_cache.the_cache("parts")) == 0


# --- moderation -----------------------------------------------------------------------------------


@pytest.fixture
def meeting(app):  # noqa: ANN001, ANN201
    return build_meeting()


def test_a_second_look_at_moderation_renders_nothing_again_and_shows_the_same(client, sign_in, meeting):
    sign_in(meeting.officer)
    path = f"/officers/rounds/{meeting.round.id}/moderation"
    first_count, first = _statements(client, path)
    again_count, again = _statements(client, path)
    assert again == first
    assert f"{meeting.c.organisation.name}" in again
    with _templates_rendered(client.application) as rendered:
        _main(client.get(path))
    assert "officers/moderation.html" in rendered  # the page around it is rendered each time
    assert "officers/moderation_part.html" not in rendered
    assert again_count <= first_count


def test_an_agreed_score_recorded_at_the_meeting_shows_on_the_next_look(client, sign_in, meeting):
    sign_in(meeting.officer)
    path = f"/officers/rounds/{meeting.round.id}/moderation"
    assert "Agreed 90.00" not in visible_text(_main(client.get(path)))
    detail = f"/officers/applications/{meeting.c.id}/moderation"
    response = client.submit(
        f"/officers/applications/{meeting.c.id}/agreed-score",
        {"score": "90", "rationale": "The strongest case at the meeting."},
        from_url=detail,
    )
    assert response.status_code == 302
    text = visible_text(_main(client.get(path)))
    assert "Agreed 90.00" in text
    assert f"1 CIF-2027-0003 {meeting.c.organisation.name} Still with the panel 90.00 agreed" in text


# --- the public register ------------------------------------------------------------------------


def test_each_language_gets_its_own_kept_register(client, programme):
    english = visible_text(_main(client.get("/awards")))
    assert "3 grants, £9,000 in all." in english
    client.get("/language/pl")
    polish = visible_text(_main(client.get("/awards")))
    assert "łącznie" in polish
    assert "in all." not in polish
    client.get("/language/en")
    assert visible_text(_main(client.get("/awards"))) == english


def test_each_filter_and_page_of_the_register_is_kept_apart(client, programme):
    everything = visible_text(_main(client.get("/awards")))
    assert "3 grants, £9,000 in all." in everything
    stream = programme.third.application.work_stream_id
    one = visible_text(_main(client.get(f"/awards?stream={stream}")))
    assert "1 grant, £3,000 in all." in one
    assert visible_text(_main(client.get("/awards"))) == everything


def test_a_withdrawn_award_leaves_the_kept_register_at_once(client, login_as, db, programme):
    organisation = programme.second.application.organisation.name
    assert organisation in _main(client.get("/awards"))
    officer = login_as("officer")
    award_service.withdraw_award(programme.second, reason="The group has closed.", by=officer)
    db.session.commit()
    main = _main(client.get("/awards"))
    assert "2 grants, £6,000 in all." in visible_text(main)
    assert organisation not in main


# --- what a kept part may hold ------------------------------------------------------------------


def test_no_kept_part_holds_a_token_a_nonce_or_the_readers_name(client, login_as, programme):
    """Kept parts are shared by everyone who may see the page: nothing of the session or the
    reader may be in one (a CSRF token, the CSP nonce, who is signed in)."""
    import pickle  # noqa: PLC0415

    officer = login_as("officer", full_name="Odette Unique-Officer")
    round_id = programme.round.id
    for path in (f"/officers/dashboard?round={round_id}", f"/officers/rounds/{round_id}/moderation", "/awards"):
        _main(client.get(path))
    entries = figures_cache.the_cache("parts")._entries
    assert len(entries) == 3
    for _version, _at, kept in entries.values():
        html, _title = pickle.loads(kept)  # noqa: S301 - this process's own
        assert html.strip()
        assert "csrf" not in html.lower()
        assert "nonce" not in html
        assert officer.full_name not in html and officer.email not in html
