"""The officers' audit log: newest first, paged, filtered by record, person and UK dates; secrets never shown."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portal.domain.roles import Role
from portal.extensions import db
from portal.models import AuditEvent
from tests.helpers import page_title, visible_text
from tests.query_budget import count_queries

URL = "/officers/audit-log"


def _event(action: str, *, at: datetime, actor=None, object_type="applications", object_id=12, **fields):  # noqa: ANN001, ANN003, ANN202
    event = AuditEvent(
        created_at=at, actor=actor, action=action, object_type=object_type, object_id=object_id, **fields
    )
    db.session.add(event)
    return event


@pytest.fixture
def officer(login_as):  # noqa: ANN001, ANN201
    return login_as(Role.OFFICER, email="olive.officer@council.example", full_name="Olive Officer")


@pytest.fixture
def events(app, make_user):  # noqa: ANN001, ANN201
    """Three people's changes over a UK summer day's edges (BST: UTC+1)."""
    ann = make_user(roles={Role.OFFICER}, email="ann@council.example", full_name="Ann Assessor")
    ben = make_user(roles={Role.ADMIN}, email="ben@council.example", full_name="Ben Admin")
    # 23:30 UTC on 1 July is 00:30 on 2 July in the UK.
    _event("application.submitted", at=datetime(2027, 7, 1, 23, 30, tzinfo=UTC), actor=ann, object_id=12)
    _event("application.screened", at=datetime(2027, 7, 1, 22, 30, tzinfo=UTC), actor=ben, object_id=12)
    _event(
        "round.updated",
        at=datetime(2027, 7, 3, 9, 0, tzinfo=UTC),
        actor=ben,
        object_type="rounds",
        object_id=5,
        before={"title": "Summer grants"},
        after={"title": "Summer grants 2027"},
    )
    _event(
        "award.bank_details_given",
        at=datetime(2027, 7, 4, 9, 0, tzinfo=UTC),
        actor=ann,
        object_type="awards",
        object_id=7,
        after={"account_name": "Riverside Group", "sort_code": "**-**-34", "account_number": "******78"},
    )
    _event("user.two_factor_enrolled", at=datetime(2027, 7, 5, 9, 0, tzinfo=UTC), actor=None, object_type="users",
           object_id=ann.id, after={"totp_secret": "JBSWY3DPEHPK3PXP"})  # fmt: skip
    db.session.commit()
    return {"ann": ann, "ben": ben}


def test_events_are_listed_newest_first_with_who_what_and_a_link_to_the_record(client, officer, events):
    response = client.get(URL)
    text = visible_text(response.data)
    assert page_title(response.data).startswith("Audit log – ")
    links = ("/officers/awards/7", "/officers/rounds/5", "/officers/applications/12")
    order = [response.text.index(f'href="{link}"') for link in links]
    assert text.index("Two-factor sign-in set up") < text.index("Summer grants 2027")
    assert order == sorted(order)
    assert "Details changed" in text  # round.updated in words
    assert "title: Summer grants" in text and "title: Summer grants 2027" in text
    assert 'href="/officers/applications/12"' in response.text
    assert 'href="/officers/rounds/5"' in response.text
    assert "The system" in text  # an event without an actor


def test_bank_details_and_two_factor_secrets_never_show(client, officer, events):
    text = visible_text(client.get(URL).data)
    for secret in ("JBSWY3DPEHPK3PXP", "******78", "**-**-34", "Riverside Group"):
        assert secret not in text
    assert "account number: hidden" in text and "totp secret: hidden" in text


def test_filter_by_record_type_and_number(client, officer, events):
    text = visible_text(client.get(URL, query_string={"object_type": "applications", "object_id": "12"}).data)
    assert "Showing events 1 to 2 of 2" in text
    assert "Details changed" not in text


def test_filter_by_who_made_the_change(client, officer, events):
    text = visible_text(client.get(URL, query_string={"user": "BEN@council.example"}).data)
    assert "Showing events 1 to 2 of 2" in text
    assert "Ann Assessor" not in text


def test_an_unknown_email_is_an_error_that_keeps_what_was_typed(client, officer, events):
    response = client.get(URL, query_string={"user": "nobody@council.example"})
    text = visible_text(response.data)
    assert page_title(response.data).startswith("Error: Audit log")
    assert "There is a problem" in text and "There is no one with that email address" in text
    assert 'value="nobody@council.example"' in response.text


def test_dates_are_whole_uk_days(client, officer, events):
    # 2 July in the UK runs from 23:00 UTC on 1 July: the 23:30 event is in it, the 22:30 one is not.
    query = {"date_from-day": "2", "date_from-month": "7", "date_from-year": "2027"}
    query |= {"date_to-day": "2", "date_to-month": "7", "date_to-year": "2027"}
    text = visible_text(client.get(URL, query_string=query).data)
    assert "Showing events 1 to 1 of 1" in text
    assert "Application" in text and "Details changed" not in text
    assert "Ann Assessor" in text and "Ben Admin" not in text


def test_a_date_that_is_not_real_is_an_error_that_keeps_what_was_typed(client, officer, events):
    response = client.get(URL, query_string={"date_from-day": "31", "date_from-month": "2", "date_from-year": "2027"})
    text = visible_text(response.data)
    assert "There is a problem" in text and "The date must be a real date" in text
    assert 'value="31"' in response.text
    assert response.text.count('href="#date_from-day"') == 1
    assert "Correct the filters to see the audit log." in text


def test_from_after_to_is_an_error(client, officer, events):
    query = {"date_from-day": "5", "date_from-month": "7", "date_from-year": "2027"}
    query |= {"date_to-day": "1", "date_to-month": "7", "date_to-year": "2027"}
    response = client.get(URL, query_string=query)
    text = visible_text(response.data)
    assert "The ‘to’ date must be the same as or after the ‘from’ date" in text
    assert 'href="#date_to-day"' in response.text
    assert 'value="5"' in response.text


def test_a_record_number_in_words_is_an_error(client, officer, events):
    text = visible_text(client.get(URL, query_string={"object_id": "twelve"}).data)
    assert "Enter the record number in figures, like 12" in text


def test_no_match_says_so(client, officer, events):
    text = visible_text(client.get(URL, query_string={"object_type": "rounds", "object_id": "999"}).data)
    assert "No events match these filters." in text


def test_pages_of_fifty_keep_the_filters(client, officer, events):
    ann = events["ann"]
    for n in range(120):
        _event("application.updated", at=datetime(2027, 8, 1, 9, 0, n % 60, tzinfo=UTC), actor=ann, object_id=40)
    db.session.commit()
    first = client.get(URL, query_string={"object_id": "40"})
    assert "Showing events 1 to 50 of 120" in visible_text(first.data)
    assert "page=2" in first.text and "object_id=40" in first.text
    third = client.get(URL, query_string={"object_id": "40", "page": "3"})
    assert "Showing events 101 to 120 of 120" in visible_text(third.data)
    beyond = client.get(URL, query_string={"object_id": "40", "page": "99"})
    assert "Showing events 101 to 120 of 120" in visible_text(beyond.data)


def test_the_page_runs_the_same_number_of_queries_however_many_events(client, officer, events, make_user):
    counts = []
    for extra in (0, 60):
        for _n in range(extra):
            person = make_user(roles={Role.OFFICER}, commit=False)
            _event("round.updated", at=datetime(2027, 9, 1, tzinfo=UTC), actor=person, object_type="rounds")
        db.session.commit()
        db.session.expire_all()
        with count_queries(allow_lazy=("UserSession.user",)) as log:
            response = client.get(URL)
        assert response.status_code == 200
        counts.append(log.count)
    assert counts[0] == counts[1], counts


def test_the_officers_home_links_to_it(client, officer):
    assert 'href="/officers/audit-log"' in client.get("/officers/").text


def test_admins_may_read_it(client, login_as, events):
    login_as(Role.ADMIN)
    assert "Audit log" in visible_text(client.get(URL).data)


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.PANEL_MEMBER])
def test_applicants_and_panel_members_are_refused(client, login_as, events, role):
    login_as(role)
    response = client.get(URL)
    assert response.status_code == 403
    assert "Ann Assessor" not in response.text


def test_anonymous_visitors_are_sent_to_sign_in(client, events):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
