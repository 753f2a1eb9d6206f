"""The pages that list everything, on more data than fits one page: the public register, the panel
member's queue, moderation and the programme dashboard each show a bounded page (50 or so), say
how many there are in all, link to the next page with the filters kept, and show the last page
for a page number past the end. The rows are written in bulk (tests/web/test_query_budgets.py)."""

from __future__ import annotations

import re

import pytest

from tests.helpers import page_title, visible_text
from tests.web.test_query_budgets import World, build_world

from . import test_query_budgets as bulk


@pytest.fixture
def world(app) -> World:  # noqa: ANN001
    return build_world()


def _grow(add, world: World, n: int) -> None:
    """``n`` more rows of what a page lists, written in bulk and committed."""
    from portal.extensions import db

    add(world, n)
    db.session.commit()


def _names(html: str, prefix: str) -> list[str]:
    """The bulk names (``Bulk Group 00012``, ``Bulk project 7``) in the order the page shows them."""
    return re.findall(prefix + r" \d+", visible_text(html))


def _pagination_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="govuk-pagination".*?</nav>', html, re.S)
    return re.findall(r'href="([^"]+)"', nav.group(0)) if nav else []


# --- the public register ------------------------------------------------------------------------


def test_the_register_shows_fifty_newest_first_and_the_count_and_amount_of_all(client, world):
    _grow(bulk._awarded, world, 120)
    html = client.get("/awards").get_data(as_text=True)
    text = visible_text(html)
    assert page_title(html).startswith("Grants awarded (page 1 of 3)")
    assert "120 grants, £360,000 in all. Showing 1 to 50, newest first." in text
    shown = _names(html, "Bulk Group")
    assert len(shown) == 50
    assert shown == sorted(shown, reverse=True)  # the newest award first

    second = client.get("/awards?page=2").get_data(as_text=True)
    assert page_title(second).startswith("Grants awarded (page 2 of 3)")
    assert "Showing 51 to 100, newest first." in visible_text(second)
    next_names = _names(second, "Bulk Group")
    assert len(next_names) == 50 and not set(next_names) & set(shown)
    assert max(next_names) < min(shown)


def test_a_register_page_past_the_end_shows_the_last_page(client, world):
    _grow(bulk._awarded, world, 60)
    html = client.get("/awards?page=99").get_data(as_text=True)
    assert page_title(html).startswith("Grants awarded (page 2 of 2)")
    assert "Showing 51 to 60, newest first." in visible_text(html)
    assert len(_names(html, "Bulk Group")) == 10
    assert client.get("/awards?page=nonsense").status_code == 200  # read as the first page


def test_the_register_searches_by_round_and_keeps_the_search_in_the_page_links(client, world):
    _grow(bulk._awarded, world, 60)
    other = build_other_released_round(world)
    html = client.get(f"/awards?round={world.round.id}").get_data(as_text=True)
    text = visible_text(html)
    assert "60 grants, £180,000 in all." in text
    assert other not in text
    assert f'<option value="{world.round.id}" selected>Community grants 2027</option>' in html
    links = _pagination_links(html)
    assert links and all(f"round={world.round.id}" in link for link in links)
    assert any("page=2" in link for link in links)
    stream = world.round.work_streams[0].id
    both = client.get(f"/awards?round={world.round.id}&stream={stream}&page=2").get_data(as_text=True)
    assert all(f"stream={stream}" in link and f"round={world.round.id}" in link for link in _pagination_links(both))


def build_other_released_round(world: World) -> str:
    """A second round with released decisions and one award; the name of its funded group."""
    from portal.extensions import db
    from tests import factories

    round_ = factories.make_round(title="Community grants 2029", reference_prefix="CG29-")
    panel = factories.make_panel(round_=round_, members=[factories.make_user()])
    panel.decisions_released_at = bulk.NOW
    ids = bulk.add_eois(round_, 1, status=bulk.ApplicationStatus.DECIDED)
    bulk.add_awards(round_, ids)
    db.session.commit()
    return db.session.get(bulk.Application, ids[0]).organisation.name


# --- the panel member's queue -----------------------------------------------------------------------


def _scored(world: World, n: int) -> None:
    """n more EOIs the member has already scored and submitted, titled "Scored project"."""
    from sqlalchemy import update

    from portal.extensions import db

    ids = bulk.add_eois(world.round, n, status=bulk.ApplicationStatus.WITH_PANEL)
    bulk.add_reviews(ids, world.panel_member, bulk._criteria(world))
    db.session.execute(update(bulk.Application).where(bulk.Application.id.in_(ids)).values(title="Scored project"))


def test_the_queue_shows_what_still_needs_scoring_first_fifty_to_a_page(client, sign_in, world):
    _grow(_scored, world, 30)
    _grow(bulk._queue, world, 60)
    sign_in(world.member)
    html = client.get("/panel/").get_data(as_text=True)
    text = visible_text(html)
    assert page_title(html).startswith("Your panel work (page 1 of 2)")
    assert "30 of 91 scored" in text
    assert "Showing 1 to 50 of 91, those still to score first." in text
    assert html.count('class="govuk-task-list__item') == 50
    assert "Scored project" not in text  # all 61 still to score come before any scored one
    assert "Women's conversation cafe" in text  # the draft started earlier is still to score

    second = client.get("/panel/?page=2").get_data(as_text=True)
    text = visible_text(second)
    assert page_title(second).startswith("Your panel work (page 2 of 2)")
    assert "Showing 51 to 91 of 91, those still to score first." in text
    assert second.count('class="govuk-task-list__item') == 41
    assert text.count("Scored project") == 30
    assert text.index("Bulk project") < text.index("Scored project")  # the last 11 to score, then the scored


def test_a_queue_page_past_the_end_shows_the_last_and_the_round_is_kept_in_the_links(client, sign_in, world):
    _grow(bulk._queue, world, 60)
    sign_in(world.member)
    html = client.get(f"/panel/?round={world.round.id}&page=7").get_data(as_text=True)
    assert page_title(html).startswith("Your panel work (page 2 of 2)")
    assert "Showing 51 to 61 of 61" in visible_text(html)
    links = _pagination_links(html)
    assert links and all(f"round={world.round.id}" in link for link in links)
    assert any("page=1" in link for link in links)
    assert client.get(f"/panel/?round={world.open_round.id}").status_code == 404  # not a round they review for


# --- moderation ---------------------------------------------------------------------------------------


def _moderation(world: World, **args) -> str:
    query = "&".join(f"{key}={value}" for key, value in args.items())
    return f"/officers/rounds/{world.round.id}/moderation" + (f"?{query}" if query else "")


def test_moderation_lists_the_eois_needing_attention_first_a_page_at_a_time(client, sign_in, world):
    _grow(bulk._panel_eois, world, 120)  # one in ten with a conflict (so one review too few)
    sign_in(world.officer)
    html = client.get(_moderation(world)).get_data(as_text=True)
    text = visible_text(html)
    assert page_title(html).startswith("Moderation: Work stream 1 (page 1 of 7)")  # 20 EOIs to a page
    assert "121 EOIs with the panel." in text
    assert (
        "13 EOIs need attention and are listed first: 0 with scores far apart, 12 with a conflict declared, "
        "13 with too few reviews. 108 have no flags."
    ) in text
    assert "Showing 1 to 20 of 121, those needing attention first" in text
    eois = text[text.index("EOIs and their scores") : text.index("The ranking against the budget")]
    assert eois.count("1 conflict declared") == 12 and eois.count("of 3 reviews") == 13  # all 13 on page 1
    assert eois.count("Bulk project") == 19  # 12 flagged, then the world's own EOI, then 7 without flags

    second = visible_text(client.get(_moderation(world, page=2)).data)
    assert "Showing 21 to 40 of 121, those needing attention first" in second
    eois = second[second.index("EOIs and their scores") : second.index("The ranking against the budget")]
    assert "conflict declared" not in eois and eois.count("Bulk project") == 20


def test_the_ranking_is_paged_on_its_own_keeping_the_work_stream_and_the_other_page(client, sign_in, world):
    _grow(bulk._panel_eois, world, 120)
    sign_in(world.officer)
    stream = world.round.work_streams[0].id
    html = client.get(_moderation(world, stream=stream, page=2)).get_data(as_text=True)
    text = visible_text(html)
    ranking = text[text.index("The ranking against the budget of £25,000") :]
    assert "Showing ranks 1 to 50 of 121" in ranking
    assert "Budget line The money runs out here: £24,000 of £25,000" in ranking  # 8 of £3,000 fit
    assert "Go to the budget line: the money runs out after rank 8" in text
    rank_links = [link for link in _all_pagination_links(html) if "rank_page=" in link]
    assert rank_links and all(f"stream={stream}" in link and "page=2" in link for link in rank_links)
    assert all(link.endswith("#ranking") for link in rank_links)

    last = visible_text(client.get(_moderation(world, stream=stream, rank_page=3)).data)
    ranking = last[last.index("The ranking against the budget") :]
    assert "Showing ranks 101 to 121 of 121" in ranking
    assert "121 " in ranking and "Not scored" in ranking  # the world's unscored EOI ranks last
    assert "Budget line" not in ranking


def test_a_moderation_page_past_the_end_shows_the_last(client, sign_in, world):
    _grow(bulk._panel_eois, world, 60)
    sign_in(world.officer)
    html = client.get(_moderation(world, page=40, rank_page=40)).get_data(as_text=True)
    text = visible_text(html)
    assert page_title(html).startswith("Moderation: Work stream 1 (page 4 of 4)")
    assert "Showing 61 to 61 of 61, those needing attention first" in text
    assert "Showing ranks 51 to 61 of 61" in text  # the ranking: 50 to a page


def test_panel_members_read_the_same_pages_without_what_they_may_not_see(client, sign_in, world):
    _grow(bulk._panel_eois, world, 60)
    sign_in(world.member)
    html = client.get(f"/panel/rounds/{world.round.id}/moderation?page=2").get_data(as_text=True)
    text = visible_text(html)
    assert page_title(html).startswith("The panel meeting: Work stream 1 (page 2 of 4)")
    assert "Showing 21 to 40 of 61, those needing attention first" in text
    assert "more generous" not in text and "harsher" not in text  # no leniency for members
    assert all("/officers/" not in link for link in _all_pagination_links(html))


def _all_pagination_links(html: str) -> list[str]:
    navs = re.findall(r'<nav class="govuk-pagination".*?</nav>', html, re.S)
    return [link.replace("&amp;", "&") for nav in navs for link in re.findall(r'href="([^"]+)"', nav)]


# --- the programme dashboard ----------------------------------------------------------------------


def _late(world: World, n: int) -> None:
    """n more accepted awards, each with a return that was due at the start of 2026 and not sent."""
    from datetime import date

    awards = bulk._awarded(world, n)
    bulk._insert(
        bulk.OutputReturn,
        [
            {"award_id": a, "period": 1, "due_on": date(2026, 1, 1), "is_final": False,
             "status": bulk.ReturnStatus.DUE, "lock_version": 1}
            for a in awards
        ],
    )  # fmt: skip


def _awards_table(text: str) -> str:
    """The table of awards (its caption is the last mention of its heading), up to the next section."""
    start = text.rindex("Each award against its own targets")
    return text[start : text.index("Equality and reach", start)]


def _dashboard(world: World, **args) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"round": world.round.id, **args}.items())
    return f"/officers/dashboard?{query}"


def test_the_dashboard_lists_the_awards_fifty_to_a_page_with_the_totals_of_all(client, sign_in, world):
    _grow(bulk._awarded, world, 120)
    sign_in(world.officer)
    html = client.get(_dashboard(world)).get_data(as_text=True)
    text = visible_text(html)
    assert page_title(html).startswith("Programme dashboard: Community grants 2027 (page 1 of 3)")
    assert "120 funded groups, £360,000 in grants." in text
    assert "Showing awards 1 to 50 of 120, in the order they were made." in text
    awards = _awards_table(text)
    first = _names(awards, "Bulk Group")
    assert len(first) == 50
    links = _all_pagination_links(html)
    assert links and all(f"round={world.round.id}" in link and link.endswith("#awards") for link in links)

    second = visible_text(client.get(_dashboard(world, page=2)).data)
    awards = _awards_table(second)
    assert "Showing awards 51 to 100 of 120" in second
    assert len(_names(awards, "Bulk Group")) == 50 and not set(_names(awards, "Bulk Group")) & set(first)


def test_a_dashboard_page_past_the_end_shows_the_last(client, sign_in, world):
    _grow(bulk._awarded, world, 60)
    sign_in(world.officer)
    html = client.get(_dashboard(world, page=9)).get_data(as_text=True)
    assert page_title(html).startswith("Programme dashboard: Community grants 2027 (page 2 of 2)")
    assert "Showing awards 51 to 60 of 60" in visible_text(html)


def test_the_dashboard_shows_the_first_late_returns_and_how_many_in_all(client, sign_in, world):
    _grow(_late, world, 30)
    sign_in(world.officer)
    html = client.get(_dashboard(world)).get_data(as_text=True)
    text = visible_text(html)
    assert "30 returns are late" in text
    late = text[text.index("30 returns are late") : text.index("returns due in the next 30 days")]
    assert "The first 20, soonest due first. See all 30 in the list of returns" in late
    assert len(_names(late, "Bulk Group")) == 20
    assert f'href="/officers/rounds/{world.round.id}/returns?late=y"' in html


def test_panel_members_page_through_the_awards_without_links_to_officers_pages(client, sign_in, world):
    _grow(_late, world, 60)
    sign_in(world.member)
    html = client.get(f"/panel/dashboard?round={world.round.id}&page=2").get_data(as_text=True)
    text = visible_text(html)
    assert "Showing awards 51 to 60 of 60" in text
    assert "The first 20, soonest due first." in text and "See all" not in text
    assert "/officers/" not in html
