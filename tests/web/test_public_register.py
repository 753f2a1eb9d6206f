"""The public pages, without signing in: the register of awards with its filters, the programme's
progress with its chart and table, and the stories whose tellers agreed to publication. No
personal data, and nothing without consent, on any of them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portal.domain.workflow import ReturnStatus
from tests import factories
from tests.helpers import page_title, visible_text
from tests.services.test_monitoring import award_in, build_programme

PUBLIC_PAGES = ["/awards", "/progress", "/stories"]


@pytest.fixture
def programme(app, db):  # noqa: ANN001, ANN201
    programme = build_programme()
    # Personal details that must never reach a public page.
    for award in (programme.first, programme.second, programme.third):
        organisation = award.application.organisation
        organisation.address_line_1 = f"{award.id} Secret Street"
        organisation.postcode = "B11 4BS"
        organisation.contact_phone = "0121 496 0000"
    withdrawn = datetime(2027, 11, 1, tzinfo=UTC)
    factories.make_return(
        award=programme.third,
        period=2,
        status=ReturnStatus.ACCEPTED,
        stories=[
            {
                "title": "Our first walk",
                "body": "We walked the canal.",
                "teller_name": "Maryam Begum",
                "consent": "public_named",
            },
            {
                "title": "A new friend",
                "body": "I met my neighbour.",
                "teller_name": "Hidden Name",
                "consent": "public_anonymous",
            },
            {
                "title": "Only for the council",
                "body": "Private matters.",
                "teller_name": "Private Person",
                "consent": "internal",
            },
            {
                "title": "Taken back",
                "body": "Withdrawn words.",
                "teller_name": "Withdrawn Person",
                "consent": "public_named",
                "consent_withdrawn_at": withdrawn,
            },
        ],
    )
    factories.make_return(
        award=programme.first,
        period=3,
        status=ReturnStatus.SUBMITTED,
        stories=[
            {"title": "Not yet read", "body": "Unread.", "teller_name": "Unread Person", "consent": "public_named"}
        ],
    )
    db.session.commit()
    return programme


def _people(programme):  # noqa: ANN001, ANN202
    """Every person's name and e-mail, and every address, held for the funded groups."""
    secrets = []
    for award in (programme.first, programme.second, programme.third):
        organisation = award.application.organisation
        secrets += [organisation.address_line_1, organisation.postcode, organisation.contact_phone]
        for member in organisation.members:
            secrets += [member.user.full_name, member.user.email]
        secrets += [award.application.declared_by_name]
    return [s for s in secrets if s]


def test_the_register_lists_who_was_funded_what_for_where_and_how_much(client, programme):
    response = client.get("/awards")
    assert response.status_code == 200
    assert page_title(response.data).startswith("Grants awarded")
    text = visible_text(response.data)
    assert "3 grants, £9,000 in all." in text
    first = programme.first.application
    assert f"{first.organisation.name} Work stream 1 Community grants 2027 North, South" in text
    assert "£3,000.00" in text


def test_the_register_filters_by_work_stream_and_locality(client, programme):
    stream_two = programme.round.work_streams[1].id
    text = visible_text(client.get(f"/awards?stream={stream_two}").data)
    assert "1 grant, £3,000 in all." in text
    assert programme.third.application.organisation.name in text
    assert programme.first.application.organisation.name not in text
    html = client.get(f"/awards?locality={programme.north.id}").get_data(as_text=True)
    assert "2 grants, £6,000 in all." in visible_text(html)
    assert f'<option value="{programme.north.id}" selected>North</option>' in html
    text = visible_text(client.get(f"/awards?stream={stream_two}&locality={programme.north.id}").data)
    assert "No grants match what you chose." in text


def test_the_progress_page_shows_the_chart_and_the_same_numbers_in_a_table(client, programme):
    html = client.get("/progress").get_data(as_text=True)
    text = visible_text(html)
    assert page_title(html).startswith("What the funded groups have achieved")
    assert (
        "Measure Programme target Achieved so far Of the programme target "
        "People involved in stream 1 (people) 100 30 30.0%"
    ) in text
    assert 'role="img"' in html and "aria-labelledby=" in html
    assert "Agreed with groups" not in text  # groups' own targets are not published


def test_stories_with_consent_appear_and_the_name_only_with_consent_to_name(client, programme):
    text = visible_text(client.get("/stories").data)
    assert "Our first walk" in text and "Told by Maryam Begum" in text
    assert "A new friend" in text and "Hidden Name" not in text
    assert f"From {programme.third.application.organisation.name}, Work stream 2" in text


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_public_page_shows_a_story_without_public_consent_or_with_it_withdrawn(client, programme, path):
    text = visible_text(client.get(path).data)
    for never in (
        "Only for the council",
        "Private matters",
        "Private Person",
        "Taken back",
        "Withdrawn words",
        "Withdrawn Person",
        "Not yet read",
        "Unread Person",
        "Hidden Name",
    ):
        assert never not in text


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_no_public_page_shows_personal_data(client, programme, path):
    html = client.get(path).get_data(as_text=True)
    for secret in _people(programme):
        assert secret not in html


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_need_no_sign_in_and_say_when_there_is_nothing_yet(client, app, path):
    award_in(factories.make_round(), released=False)  # decisions not released: nothing public
    response = client.get(path)
    assert response.status_code == 200
    text = visible_text(response.data)
    assert any(
        words in text
        for words in ("No grants have been awarded yet.", "There is nothing to show yet.", "There are no stories")
    )


def test_a_round_not_released_is_not_found_on_the_progress_page(client, programme):
    hidden = factories.make_round(title="Secret round")
    award_in(hidden, released=False)
    assert client.get(f"/progress?round={hidden.id}").status_code == 404
    assert "Secret round" not in visible_text(client.get("/awards").data)
