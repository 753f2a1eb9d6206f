"""A group writes and sends an expression of interest through the pages, section by section."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.domain.workflow import ApplicationStatus
from portal.models import Application, ApplicationVersion, Locality
from tests.helpers import csrf_token_from, page_title, visible_text


def fill_every_section(client, db, base: str, round_) -> None:  # noqa: ANN001
    locality = db.session.scalar(select(Locality))
    stream = round_.work_streams[0]
    numeric, words = stream.measures
    client.submit(f"{base}/project", {"title": "Conversation cafe", "summary": "A weekly cafe to practise English."})
    client.submit(f"{base}/work_stream", {"work_stream": str(stream.id)})
    client.submit(f"{base}/beneficiaries", {"who_benefits": "Women new to the city", "localities": str(locality.id)})
    client.submit(f"{base}/activities", {"activities": "We meet every Tuesday.", "timescale": "April to September"})
    client.submit(f"{base}/outputs", {f"m{numeric.id}": "40", f"m{words.id}": "Stories in their own words"})
    for criterion in round_.criteria:
        client.submit(f"{base}/questions/{criterion.id}", {"text": "We have run the cafe for two years."})
    client.submit(
        f"{base}/budget",
        {
            "amount": "3000",
            "lines-0-description": "Room hire",
            "lines-0-amount": "1200",
            "lines-1-description": "Volunteer travel",
            "lines-1-amount": "1800",
        },
    )
    client.submit(f"{base}/partners", {"has_partners": "yes", "partners": "The library lends us a room."})
    client.submit(f"{base}/declarations", {"confirm_true": "y", "confirm_allowed": "y", "full_name": "Amina Khan"})


def test_a_constituted_group_writes_and_sends_its_application(client, db, outbox, applicant_with_group):
    user, group, round_ = applicant_with_group
    start = client.submit(f"/applicant/rounds/{round_.id}/start", {"organisation": str(group.id)})
    base = start.headers["Location"]
    tasks = visible_text(client.get(base).data)
    assert "You have completed 0 of 9 sections." in tasks
    assert "Your project Not started" in tasks

    fill_every_section(client, db, base, round_)
    assert "You have completed 9 of 9 sections." in visible_text(client.get(base).data)

    check = visible_text(client.get(f"{base}/check").data)
    assert "Conversation cafe" in check
    assert "People involved in stream 1 40 people" in check
    assert "Room hire £1,200.00" in check

    sent = client.submit(f"{base}/send", {}, from_url=f"{base}/check")
    assert sent.headers["Location"] == f"{base}/sent"
    confirmation = client.get(sent.headers["Location"])
    assert "Application sent Your reference number CIF-2027-0001" in visible_text(confirmation.data)
    assert [m["to"] for m in outbox] == [user.email]
    assert "Reference: CIF-2027-0001" in outbox[0]["body"]

    status = visible_text(client.get(f"{base}/status").data)
    assert "Being checked Now" in status
    assert "The library lends us a room." in status
    application = db.session.scalar(select(Application))
    assert application.status == ApplicationStatus.SUBMITTED


def test_sending_twice_makes_one_submission(client, db, applicant_with_group):
    _, group, round_ = applicant_with_group
    base = client.submit(f"/applicant/rounds/{round_.id}/start", {"organisation": str(group.id)}).headers["Location"]
    fill_every_section(client, db, base, round_)
    token = csrf_token_from(client.get(f"{base}/check").data)
    first = client.post(f"{base}/send", data={"csrf_token": token})
    second = client.post(f"{base}/send", data={"csrf_token": token})  # a double click or a retry
    assert first.headers["Location"] == second.headers["Location"] == f"{base}/sent"
    assert db.session.scalar(select(func.count(ApplicationVersion.id))) == 1


def test_a_too_long_answer_is_explained_and_kept(client, db, applicant_with_group):
    _, group, round_ = applicant_with_group
    base = client.submit(f"/applicant/rounds/{round_.id}/start", {"organisation": str(group.id)}).headers["Location"]
    criterion = round_.criteria[0]
    criterion.word_limit = 10
    db.session.commit()
    long_answer = "word " * 12
    response = client.submit(f"{base}/questions/{criterion.id}", {"text": long_answer})
    assert "Your answer has 12 words. Shorten it to 10 words or fewer." in visible_text(response.data)
    assert long_answer.strip() in response.data.decode()
    assert page_title(response.data).startswith("Error: ")


def test_a_budget_that_does_not_add_up_keeps_every_line(client, db, applicant_with_group):
    _, group, round_ = applicant_with_group
    base = client.submit(f"/applicant/rounds/{round_.id}/start", {"organisation": str(group.id)}).headers["Location"]
    response = client.submit(
        f"{base}/budget", {"amount": "3000", "lines-0-description": "Room hire", "lines-0-amount": "1000"}
    )
    html = response.data.decode()
    assert "Your budget lines add up to £1,000, but you are asking for £3,000" in visible_text(html)
    assert 'value="Room hire"' in html and 'value="1000"' in html


def test_two_tabs_never_silently_overwrite_each_other(client, db, applicant_with_group):
    _, group, round_ = applicant_with_group
    base = client.submit(f"/applicant/rounds/{round_.id}/start", {"organisation": str(group.id)}).headers["Location"]
    tab_one = client.get(f"{base}/project").data
    tab_two = client.get(f"{base}/project").data
    version = re.search(r'name="version" type="hidden" value="(\d+)"', tab_one.decode()).group(1)
    client.post(
        f"{base}/project",
        data={
            "csrf_token": csrf_token_from(tab_one),
            "version": version,
            "title": "From tab one",
            "summary": "",
            "later": "y",
        },
    )
    response = client.post(
        f"{base}/project",
        data={
            "csrf_token": csrf_token_from(tab_two),
            "version": version,
            "title": "From tab two",
            "summary": "",
            "later": "y",
        },
    )
    text = visible_text(response.data)
    assert "changed by someone else (or in another tab)" in text
    assert "What is saved now From tab one" in text
    assert 'value="From tab two"' in response.data.decode()  # what this tab typed is still there
    assert db.session.scalar(select(Application.title)) == "From tab one"
    # Saving again, knowingly, keeps the second tab's answer.
    again = client.post(
        f"{base}/project",
        data={
            "csrf_token": csrf_token_from(response.data),
            "version": re.search(r'name="version" type="hidden" value="(\d+)"', response.data.decode()).group(1),
            "title": "From tab two",
            "summary": "",
            "later": "y",
        },
    )
    assert again.status_code == 302
    assert db.session.scalar(select(Application.title)) == "From tab two"


def test_another_group_gets_404_on_every_page_of_an_application(client, db, applicant_with_group, make_application):
    other = make_application(complete=True)
    base = f"/applicant/applications/{other.id}"
    for path in (
        base,
        f"{base}/project",
        f"{base}/questions",
        f"{base}/questions/{other.round.criteria[0].id}",
        f"{base}/check",
        f"{base}/status",
        f"{base}/sent",
    ):
        assert client.get(path).status_code == 404, path
    token = csrf_token_from(client.get("/applicant/").data)
    assert client.post(f"{base}/send", data={"csrf_token": token}).status_code == 404
    assert db.session.get(Application, other.id).status == ApplicationStatus.DRAFT


def test_the_group_downloads_its_answers_as_a_pdf(client, db, applicant_with_group, make_application):
    import io

    from pypdf import PdfReader

    user, group, round_ = applicant_with_group
    application = make_application(round_=round_, organisation=group, applicant=user, submit=True)
    response = client.get(f"/applicant/applications/{application.id}/answers.pdf")
    assert response.mimetype == "application/pdf"
    assert f'filename="{application.reference}.pdf"' in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert f"Application {application.reference}" in text
    assert "Women's conversation cafe" in text
    assert reader.metadata.title == f"Application {application.reference}"
    other = make_application(submit=True)
    assert client.get(f"/applicant/applications/{other.id}/answers.pdf").status_code == 404


def test_typing_survives_a_session_that_ended_while_the_page_was_open(client, db, monkeypatch, applicant_with_group):
    from datetime import timedelta
    from urllib.parse import urlsplit

    from portal.db import utcnow

    user, group, round_ = applicant_with_group
    base = client.submit(f"/applicant/rounds/{round_.id}/start", {"organisation": str(group.id)}).headers["Location"]
    page = client.get(f"{base}/activities").data
    later = utcnow() + timedelta(hours=2)
    monkeypatch.setattr("portal.web_sessions.utcnow", lambda: later)  # the page was left open for two hours
    typed = {
        "csrf_token": csrf_token_from(page),
        "version": "1",
        "activities": "Sewing circle on Thursdays",
        "timescale": "All year",
    }
    response = client.post(f"{base}/activities", data=typed)
    location = response.headers["Location"]
    assert location.startswith("/sign-in?expired=1&next=")
    assert db.session.scalar(select(Application.activities)) is None  # not saved: the person was signed out

    monkeypatch.undo()
    next_url = location.split("next=", 1)[1]
    signed_in = client.submit(
        f"/sign-in?next={next_url}",
        {"email": user.email, "password": "correct horse battery staple"},
        from_url="/sign-in",
    )
    back = signed_in.headers["Location"]
    assert urlsplit(back).path == f"{base}/activities"
    restored = client.get(back)
    text = visible_text(restored.data)
    assert "You were signed out before your answers were saved" in text
    assert "Sewing circle on Thursdays" in restored.data.decode()
    # It is given back once, and only to the same person.
    assert "Sewing circle" not in client.get(back).data.decode()


@pytest.mark.parametrize(
    ("legal_form", "extra"),
    [
        ("unconstituted", {"accountable_body_name": "Balsall Heath Community Trust"}),
        ("faith", {}),
        ("charity", {"charity_number": "1012345"}),
    ],
)
def test_other_kinds_of_group_send_the_same_application(
    client, db, login_as, make_organisation, make_round, legal_form, extra
):
    user = login_as("applicant")
    group = make_organisation(members=[user], legal_form=legal_form, **extra)
    round_ = make_round()
    db.session.add(Locality(name="Ladywood"))
    db.session.commit()
    base = client.submit(f"/applicant/rounds/{round_.id}/start", {"organisation": str(group.id)}).headers["Location"]
    fill_every_section(client, db, base, round_)
    sent = client.submit(f"{base}/send", {}, from_url=f"{base}/check")
    assert sent.headers["Location"] == f"{base}/sent"
    assert db.session.scalar(select(Application.status)) == ApplicationStatus.SUBMITTED


def test_an_expired_form_token_on_a_section_keeps_the_answer(client, db, monkeypatch, applicant_with_group):
    import itsdangerous.timed

    _, group, round_ = applicant_with_group
    base = client.submit(f"/applicant/rounds/{round_.id}/start", {"organisation": str(group.id)}).headers["Location"]
    page = client.get(f"{base}/activities").data
    real_time = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() + 9 * 3600)
    response = client.post(
        f"{base}/activities",
        data={
            "csrf_token": csrf_token_from(page),
            "version": "1",
            "activities": "Walks along the canal",
            "timescale": "",
        },
    )
    assert "This page was open for a long time" in visible_text(response.data)
    assert "Walks along the canal" in response.data.decode()
    assert db.session.scalar(select(Application.activities)) is None
