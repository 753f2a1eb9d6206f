"""Every page of the portal, from the app's URL map, checked in Chromium with axe-core.

The list of pages is tests/routes_table.py, which must describe every route the app has
(tests/web/test_every_route.py fails when a route has no row): so a new page is walked here as
soon as it exists. Each page is visited as the person it is for, in the state that shows its real
content (tests/world.py), and must have no WCAG 2.2 A/AA violation, exactly one <h1>, a title that
names the page, the service and the council, and `lang` and `dir` set. The applicant-facing pages
are walked again in every language the portal offers, Arabic and Urdu right to left.
"""

from __future__ import annotations

import pytest
from flask import url_for

from portal import i18n
from portal.i18n import text_direction
from tests.browser.axe import assert_no_axe_violations, assert_page_basics
from tests.routes_table import ANONYMOUS, APPLICANT_A, APPLICANT_B, ROUTES, Route
from tests.walk import url_of, user_of
from tests.world import World, build_world

VIEWERS = sorted({route.who_sees() for route in ROUTES if route.kind == "page"})
APPLICANT_FACING = {ANONYMOUS, APPLICANT_A, APPLICANT_B}


def _prepare(app, page, route: Route, world: World) -> None:  # noqa: ANN001
    """Fill and send, in the browser, the forms that put the page in the state that shows its content."""
    for endpoint, args, data in route.preparation(world):
        with app.test_request_context():
            page.goto(url_for(endpoint, **args))
        for name, value in data.items():
            choice = page.locator(f'[name="{name}"][value="{value}"]')
            if choice.count():
                choice.check()
            else:
                page.locator(f'[name="{name}"]').fill(value)
        with page.expect_navigation():
            page.locator("#main-content form").last.locator("button[type=submit], input[type=submit]").first.click()


def _walk(app, page, world: World, viewer: str, *, language: str | None = None) -> list[str]:  # noqa: ANN001
    problems = []
    for route in sorted(ROUTES, key=lambda r: r.last):
        if route.kind != "page" or route.who_sees() != viewer:
            continue
        for args in route.urls(world):
            url = url_of(app, route, args)
            try:
                _prepare(app, page, route, world)
                response = page.goto(url)
                assert response is not None and response.status == 200, f"{url} answered {response and response.status}"
                if language:
                    assert page.get_attribute("html", "lang") == language, f"{url} is not in {language}"
                    assert page.get_attribute("body", "dir") == text_direction(language)
                assert_page_basics(page)
                assert_no_axe_violations(page)
            except AssertionError as problem:
                problems.append(f"{route.endpoint} {url}: {problem}")
    return problems


def _sign_in(page, sign_in_page, world: World, viewer: str) -> None:  # noqa: ANN001
    user = user_of(world, viewer)
    if user is not None:
        sign_in_page(page, user)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_every_page_passes_axe_for_the_person_it_is_for(app, page, sign_in_page, viewer):
    world = build_world()
    _sign_in(page, sign_in_page, world, viewer)
    problems = _walk(app, page, world, viewer)
    assert problems == [], "\n\n".join(problems)


def _other_languages(app) -> list[str]:  # noqa: ANN001
    with app.test_request_context():
        return [code for code in i18n.catalogued_languages() if code != i18n.SOURCE_LANGUAGE]


def test_the_applicant_pages_are_walked_in_every_offered_language(app):
    """Not a page check itself: the languages walked below are the ones the portal offers."""
    from flask import current_app

    offered = _other_languages(app)
    assert set(offered) <= set(current_app.config["LANGUAGES"])
    assert offered, "no language besides English has a catalogue: the language walk would check nothing"


@pytest.mark.parametrize("language", ["ar", "ur", "bn", "pl", "ro"])
def test_every_applicant_page_passes_axe_in_each_language(app, page, sign_in_page, language):
    if language not in _other_languages(app):
        pytest.fail(f"{language} is configured but has no compiled catalogue (scripts/bootstrap compiles them)")
    world = build_world()
    problems = []
    for viewer in sorted(APPLICANT_FACING & set(VIEWERS)):
        page.context.clear_cookies()
        _sign_in(page, sign_in_page, world, viewer)
        page.goto(f"/language/{language}?next=/")
        problems += _walk(app, page, world, viewer, language=language)
    assert problems == [], "\n\n".join(problems)
