"""The authorisation matrix: every route and method of the app, as every kind of actor, on their own
and on others' records, against the expected outcome kept beside it in tests/routes_table.py.

    anonymous, outside a route's roles  → sent to sign in
    signed in, outside a route's roles  → 403
    inside the roles, not an owner      → 404 (someone else's record is "not found"; one exception,
                                          an invitation link opened by the wrong person, says so: 403)
    an owner                            → let in (a page, a download, a redirect, or a form problem)

A route with no row in the table fails tests/web/test_every_route.py, so a new route cannot ship
without saying who it is for. Refused requests must change nothing: the audit trail, which every
service writes to, is the same after them.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent
from tests.helpers import csrf_token_from
from tests.routes_table import ACTORS, ANONYMOUS, PUBLIC, ROUTES, SIGN_IN, Route
from tests.walk import become, url_of
from tests.world import build_world

LET_IN, FORBIDDEN, NOT_FOUND = "let in", "403", "404"


def expected(route: Route, actor: str) -> str:
    if route.roles != PUBLIC and actor not in route.roles:
        return SIGN_IN if actor == ANONYMOUS else FORBIDDEN
    if route.owners is not None and actor not in route.owners:
        return route.refused
    return LET_IN


def observed(response) -> str:  # noqa: ANN001
    if response.status_code == 302 and response.headers["Location"].startswith("/sign-in"):
        return SIGN_IN
    if response.status_code in {401, 403}:
        return str(response.status_code)
    if response.status_code == 404:
        return NOT_FOUND
    if response.status_code in {200, 201, 204, 302, 303} or response.status_code in {400, 409, 422}:
        return LET_IN
    return f"status {response.status_code}"


def _audit_count() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)))


def _requests(app, world, actor: str):  # noqa: ANN001, ANN202
    """(route, method, url) for every row, refused ones first; rows marked ``last`` (they remove
    their record or change who is signed in) after the others, and sign-out at the very end."""
    found = []
    for route in ROUTES:
        for args in route.urls(world):
            url = url_of(app, route, args)
            for method in sorted(route.methods):
                found.append((route, method, url))
    last = {"auth.sign_out", "auth.confirm_email"}  # both change who the client is signed in as
    return sorted(
        found,
        key=lambda item: (
            item[0].endpoint in last,
            item[0].last,
            expected(item[0], actor) == LET_IN,
            item[1] == "POST",
        ),
    )


@pytest.mark.parametrize("actor", ACTORS)
def test_every_route_and_method_answers_each_actor_as_the_table_says(app, client, sign_in, actor):
    world = build_world()
    become(client, sign_in, world, actor)
    token = csrf_token_from(client.get("/sign-in" if actor == ANONYMOUS else "/").data)
    before = _audit_count()
    mismatches = []
    refused_done = False
    for route, method, url in _requests(app, world, actor):
        want = expected(route, actor)
        if want == LET_IN and not refused_done:
            refused_done = True
            assert _audit_count() == before, f"a refused request by {actor} changed something"
        response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
        got = observed(response)
        if got != want:
            mismatches.append(f"{method} {url} ({route.endpoint}) as {actor}: {got}, expected {want}")
    assert mismatches == [], "\n".join(mismatches)
