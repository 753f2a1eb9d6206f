"""Every form of the portal driven with arbitrary input: never a server error.

The forms are found, not listed: every page of the route table (tests/routes_table.py) is read as
the person it is for, and each `<form method="post">` gives its action and field names. Then every
POST route of the app is sent what hypothesis makes of those fields — any Unicode, control
characters, empty, huge (100,000 characters) and malformed values (numbers, dates and choices that
are not), plus fields the form does not have — with a valid CSRF token, as its own user. The test
client raises any exception the app does not handle, so a server error fails here with the
smallest input that causes it.

A few examples per form in CI (FUZZ_EXAMPLES, default 3); `benchmarks/fuzz` runs many more.
"""

from __future__ import annotations

import os
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import csrf_token_from
from tests.routes_table import ROUTES
from tests.walk import become, prepare, url_of
from tests.world import build_world

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
NOT_FUZZED = {"auth.sign_out"}  # it only ends the session (tested in tests/web/test_sessions.py)

ODD_VALUES = [
    "",
    " ",
    "\x00",
    "\u202eexe.pdf",
    "'; DROP TABLE users; --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "-1",
    "0",
    "1e309",
    "NaN",
    "9" * 400,
    "9" * 5000,  # longer than Python will turn into an int
    "²",  # a digit to str.isdigit(), not to int()
    "-0.0",
    "Infinity",
    "31/02/2027",
    "٣٤٥",
    "£5,000.999",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂",
    "a\r\nb",
]
VALUES = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.text(max_size=60),
    st.builds(lambda c, n: c * n, st.sampled_from(["x", "£", "ب", "\n"]), st.integers(5_000, 100_000)),
)
LIST_VALUES = st.lists(VALUES, max_size=3)


class _Forms(HTMLParser):
    """Collects each POST form's action and the names of its fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, set[str]]] = []
        self._current: tuple[str, set[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and (values.get("method") or "").lower() == "post":
            self._current = (values.get("action") or "", set())
            self.forms.append(self._current)
        elif tag in {"input", "textarea", "select", "button"} and self._current and values.get("name"):
            self._current[1].add(values["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def _fields_by_action(app, client, sign_in, world) -> dict[str, set[str]]:  # noqa: ANN001
    """Read every page as its viewer and gather the fields each form posts to each path."""
    fields: dict[str, set[str]] = defaultdict(set)
    by_viewer = defaultdict(list)
    for route in ROUTES:
        if route.kind == "page":
            by_viewer[route.who_sees()].append(route)
    for viewer, routes in by_viewer.items():
        become(client, sign_in, world, viewer)
        for route in routes:
            for args in route.urls(world):
                url = url_of(app, route, args)
                prepare(app, client, route, world)
                parser = _Forms()
                parser.feed(client.get(url).get_data(as_text=True))
                for action, names in parser.forms:
                    fields[urlsplit(action).path or url] |= names - {"csrf_token"}
    return fields


def test_the_crawl_finds_the_forms_it_fuzzes(app, client, sign_in):
    """The fuzzing below is only as good as the fields it finds: most POST routes have a form."""
    world = build_world()
    fields = _fields_by_action(app, client, sign_in, world)
    posts = [(r, url_of(app, r, a)) for r in ROUTES if "POST" in r.methods for a in r.urls(world)]
    found = [url for _r, url in posts if fields.get(url)]
    # Forms shown only in states the world is not in (a queried return, a finished batch…) are
    # fuzzed with made-up fields instead; most are found.
    assert len(found) >= 0.7 * len(posts), sorted(url for _r, url in posts if not fields.get(url))
    assert {"title", "summary"} <= fields[f"/applicant/applications/{world.draft}/project"]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def _never_a_server_error(client, url: str, names: set[str], token: str, data) -> None:  # noqa: ANN001
    form = {name: data.draw(st.one_of(VALUES, LIST_VALUES), label=name) for name in sorted(names)}
    extra = data.draw(st.dictionaries(st.text(min_size=1, max_size=20), VALUES, max_size=2), label="extra fields")
    response = client.post(url, data={**extra, **form, "csrf_token": token})
    assert response.status_code < 500, f"POST {url} with {form!r} answered {response.status_code}"


def test_every_form_survives_arbitrary_input(app, client, sign_in):
    world = build_world()
    fields = _fields_by_action(app, client, sign_in, world)
    by_viewer = defaultdict(list)
    for route in ROUTES:
        if "POST" in route.methods and route.endpoint not in NOT_FUZZED:
            by_viewer[route.who_sees()].append(route)
    sent = 0
    for viewer, routes in by_viewer.items():
        become(client, sign_in, world, viewer)
        token = csrf_token_from(client.get("/sign-in" if viewer == "anonymous" else "/").data)
        for route in sorted(routes, key=lambda r: r.last):
            for args in route.urls(world):
                url = url_of(app, route, args)
                _never_a_server_error(client, url, fields.get(url, set()), token)
                sent += 1
    assert sent >= 60  # every POST route of the table, not a handful
