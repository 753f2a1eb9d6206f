"""Walking the route table (tests/routes_table.py) over the world (tests/world.py) with the test
client: URLs, and a client signed in as any actor."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask, url_for

from portal.extensions import db, limiter
from portal.models import User
from tests.routes_table import ANONYMOUS, ROUTES, Route
from tests.world import World


def url_of(app: Flask, route: Route, args: dict) -> str:
    with app.test_request_context():
        return url_for(route.endpoint, **args)


def urls(app: Flask, world: World, *, kinds: set[str] | None = None) -> Iterator[tuple[Route, str]]:
    """Every URL of the table (each variant), optionally only routes of some kinds."""
    for route in ROUTES:
        if kinds is None or route.kind in kinds:
            for args in route.urls(world):
                yield route, url_of(app, route, args)


def user_of(world: World, actor: str) -> User | None:
    return None if actor == ANONYMOUS else db.session.get(User, getattr(world, actor))


def become(client, sign_in, world: World, actor: str) -> None:  # noqa: ANN001
    """Forget whoever the client was signed in as, then sign in as ``actor`` (unless anonymous).
    The walks send many forms from one address (the fuzzing sends the sign-in form itself), so the
    rate limits start afresh here; tests/web/test_rate_limits.py is where they are tested."""
    limiter.reset()
    client.delete_cookie(client.application.config.get("SESSION_COOKIE_NAME", "session"))
    user = user_of(world, actor)
    if user is not None:
        sign_in(user)


def prepare(app: Flask, client, route: Route, world: World) -> None:  # noqa: ANN001
    """Send the forms that put the page in the state that shows its content."""
    steps = route.preparation(world)
    client.stop_at_second_step = True  # each step is exactly the form it names (tests/conftest.py)
    try:
        for endpoint, args, data in steps:
            with app.test_request_context():
                url = url_for(endpoint, **args)
            response = client.submit(url, data)
            assert response.status_code == 302, f"preparing {route.endpoint}: {url} answered {response.status_code}"
    finally:
        client.stop_at_second_step = False
