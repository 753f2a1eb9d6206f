"""A group's return pages: the list with due dates and statuses; the return form (a warning not to
identify people at risk, each agreed measure with its target and the period it is for); errors keep
what was typed; stories with consent and a photo; sending freezes a read-only version; a queried
return is answered and sent again; consent withdrawn after acceptance. Another group gets 404 on
all of it, the story's file included. An officer enters a return for a group, and the group's page
says so. ``flask send-reminders`` reminds groups from cron."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from portal.domain.returns import Consent
from portal.domain.workflow import AwardStatus, ReturnStatus
from portal.extensions import db as _db
from portal.models import Notification, OutputReturn, ReturnMessage, Story
from portal.services import returns
from tests import factories
from tests.helpers import csrf_token_from, page_title, visible_text

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


@pytest.fixture
def award(make_award):  # noqa: ANN001, ANN201
    """An accepted award with its two returns made, for a group whose member is signed in later."""
    award = make_award(status=AwardStatus.ACCEPTED)
    award.application.title = "Women's conversation cafe"
    returns.create_for_award(award, by=None)
    _db.session.commit()
    return award


@pytest.fixture
def member(award, sign_in):  # noqa: ANN001, ANN201
    user = award.application.organisation.members[0].user
    sign_in(user)
    return user


def first_return(award):  # noqa: ANN001, ANN201
    return _db.session.scalar(select(OutputReturn).where(OutputReturn.award_id == award.id, OutputReturn.period == 1))


def measure_ids(output_return):  # noqa: ANN001, ANN201
    targets = returns.agreed_targets(output_return)
    numeric = next(t.measure_id for t in targets if t.measure.kind == "numeric")
    words = next(t.measure_id for t in targets if t.measure.kind == "qualitative")
    return numeric, words


def filled(output_return, **changes):  # noqa: ANN001, ANN003, ANN201
    numeric, words = measure_ids(output_return)
    return {
        "version": str(output_return.lock_version),
        f"m{numeric}": "12",
        f"m{words}": "Five women told us about the cafe.",
        "spend_to_date": "£1,250.50",
        "went_well": "More women came than we expected.",
        "was_hard": "Finding a room on Saturdays.",
        "support_needed": "",
        **changes,
    }


def test_the_list_shows_each_return_with_its_due_date_and_status(client, award, member):
    response = client.get("/applicant/returns")
    text = visible_text(response.data)
    assert page_title(response.data).startswith("Your returns")
    assert "Return 1 for Women's conversation cafe" in text
    assert "Final return" in text
    assert "1 October 2027" in text and "28 April 2028" in text
    assert text.count("Due") >= 2


def test_the_form_says_what_each_number_is_for(client, award, member):
    output_return = first_return(award)
    text = visible_text(client.get(f"/applicant/returns/{output_return.id}").data)
    assert (
        "Do not include names or details that could identify people at risk, such as survivors of domestic abuse"
        in text
    )
    assert "number achieved between 1 April 2027 and 1 October 2027" in text
    assert "Only the people in this period, not a running total" in text
    assert "Your agreed target: 40 people. Reported in your earlier returns: 0." in text
    assert "What you agreed: Stories" in text


def test_a_cumulative_measure_asks_for_the_total_now(client, award, member):
    output_return = first_return(award)
    numeric, _words = measure_ids(output_return)
    measure = next(t.measure for t in award.targets if t.measure_id == numeric)
    measure.is_cumulative = True
    _db.session.commit()
    text = visible_text(client.get(f"/applicant/returns/{output_return.id}").data)
    assert f"{measure.name}: the total now" in text
    assert "running total of people on 1 October 2027" in text


def test_a_measures_name_and_an_agreed_target_are_shown_as_text(client, award, member):
    """Officers name the measures and groups write what they agreed: text, never markup, in the
    questions of the return (their labels and hints are lazy translations, which Jinja takes for HTML:
    portal/widgets.py renders them as text)."""
    output_return = first_return(award)
    numeric, words = measure_ids(output_return)
    targets = {t.measure_id: t for t in award.targets}
    targets[numeric].measure.name = "People <em>reached</em>"
    targets[words].description = "Stories <b>told</b>"
    _db.session.commit()
    html = client.get(f"/applicant/returns/{output_return.id}").get_data(as_text=True)
    assert "<em>" not in html and "<b>" not in html
    assert "People &lt;em&gt;reached&lt;/em&gt;: number achieved" in html
    assert "What you agreed: Stories &lt;b&gt;told&lt;/b&gt;" in html


def test_the_group_saves_a_draft_and_errors_keep_what_was_typed(client, award, member):
    output_return = first_return(award)
    url = f"/applicant/returns/{output_return.id}"
    numeric, _words = measure_ids(output_return)
    response = client.submit(url, {**filled(output_return, **{f"m{numeric}": "twelve"}), "later": "1"})
    text = visible_text(response.data)
    assert response.status_code == 200
    assert page_title(response.data).startswith("Error:")
    assert "Enter a whole number, like 25 (0 if none)" in text
    assert "More women came than we expected." in text and 'value="twelve"' in response.data.decode()
    response = client.submit(url, {**filled(output_return, spend_to_date="9000"), "later": "1"})
    assert "The amount spent cannot be more than the grant of £3,000.00" in visible_text(response.data)
    assert "Five women told us about the cafe." in visible_text(response.data)

    response = client.submit(url, {**filled(output_return), "later": "1"})
    assert response.status_code == 302
    saved = _db.session.get(OutputReturn, output_return.id)
    assert saved.status == ReturnStatus.DRAFT and str(saved.spend_to_date) == "1250.50"
    assert "Draft" in visible_text(client.get("/applicant/returns").data)
    page = client.get(url)
    assert 'value="12"' in page.data.decode() and "More women came" in visible_text(page.data)


def test_a_save_from_a_page_opened_before_another_save_is_refused_then_can_be_repeated(client, award, member):
    output_return = first_return(award)
    url = f"/applicant/returns/{output_return.id}"
    stale = filled(output_return)
    client.submit(url, {**filled(output_return, went_well="Saved in another tab."), "later": "1"})
    response = client.submit(url, {**stale, "went_well": "Typed here.", "later": "1"})
    text = visible_text(response.data)
    assert "This return was changed by someone else (or in another tab)" in text and "Typed here." in text
    assert _db.session.get(OutputReturn, output_return.id).went_well == "Saved in another tab."
    response = client.submit(
        url,
        {
            **stale,
            "version": str(_db.session.get(OutputReturn, output_return.id).lock_version),
            "went_well": "Typed here.",
            "later": "1",
        },
    )
    assert response.status_code == 302
    assert _db.session.get(OutputReturn, output_return.id).went_well == "Typed here."


def test_sending_needs_the_confirmation_then_shows_the_frozen_return(client, award, member):
    output_return = first_return(award)
    url = f"/applicant/returns/{output_return.id}"
    response = client.submit(url, {**filled(output_return), "send": "1"})
    assert "Tick the box to confirm the return is correct before you send it" in visible_text(response.data)
    assert _db.session.get(OutputReturn, output_return.id).status == ReturnStatus.DUE
    response = client.submit(url, {**filled(output_return), "confirm": "y", "send": "1"})
    assert response.status_code == 302
    sent = _db.session.get(OutputReturn, output_return.id)
    assert sent.status == ReturnStatus.SUBMITTED and len(sent.versions) == 1
    page = client.get(url)
    text = visible_text(page.data)
    assert "This is what was sent: it can no longer be changed." in text
    assert "12 people" in text and "£1,250.50" in text
    assert "Send this return" not in text
    assert "Sent" in visible_text(client.get("/applicant/returns").data)
    # Posting to a sent return changes nothing.
    client.post(url, data={"csrf_token": csrf_token_from(page.data), **filled(sent), "confirm": "y", "send": "1"})
    assert len(_db.session.get(OutputReturn, output_return.id).versions) == 1


def test_a_story_with_consent_and_a_photo(client, award, member):
    output_return = first_return(award)
    url = f"/applicant/returns/{output_return.id}/stories/new"
    form = client.get(url)
    text = visible_text(form.data)
    assert "Can be published, with the name given" in text and "Only for the council" in text
    response = client.submit(url, {"title": "", "body": "Words", "consent": "public_named", "teller_name": ""})
    text = visible_text(response.data)
    assert "Give the story a title" in text and "Enter the name they agreed we can publish" in text
    assert ">Words</textarea>" in response.data.decode()
    response = client.submit(
        url,
        {
            "title": "Rukhsana's story",
            "body": "I found my voice at the cafe.",
            "consent": "public_named",
            "teller_name": "Rukhsana",
            "media": (io.BytesIO(JPEG), "cafe.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    story = _db.session.scalar(select(Story))
    assert (story.teller_name, story.consent, story.file.original_name) == (
        "Rukhsana",
        Consent.PUBLIC_NAMED,
        "cafe.jpg",
    )
    text = visible_text(client.get(f"/applicant/returns/{output_return.id}").data)
    assert "Rukhsana's story" in text and "Can be published, with the name given" in text and "cafe.jpg" in text
    assert client.get(f"/applicant/files/{story.file_id}").status_code == 200


def test_a_story_refuses_a_file_that_is_not_a_photo_or_recording(client, award, member):
    output_return = first_return(award)
    response = client.submit(
        f"/applicant/returns/{output_return.id}/stories/new",
        {"title": "T", "body": "B", "consent": "internal", "media": (io.BytesIO(b"%PDF-1.7\n" + b"0" * 40), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert "The file must be a photo (JPG or PNG) or an audio or video recording" in visible_text(response.data)
    assert _db.session.scalar(select(Story)) is None


def test_a_queried_return_is_answered_and_sent_again(client, award, member):
    output_return = first_return(award)
    url = f"/applicant/returns/{output_return.id}"
    client.submit(url, {**filled(output_return), "confirm": "y", "send": "1"})
    queried = _db.session.get(OutputReturn, output_return.id)
    queried.status = ReturnStatus.QUERIED
    _db.session.add(ReturnMessage(output_return=queried, from_officer=True, body="Is 12 women right?"))
    _db.session.commit()
    page = client.get(url)
    text = visible_text(page.data)
    assert "Queried" in text and "Is 12 women right?" in text
    token = csrf_token_from(page.data)
    response = client.post(f"{url}/answer", data={"answer-csrf_token": token, "answer-body": "Yes, twelve."})
    assert response.status_code == 302
    assert "Yes, twelve." in visible_text(client.get(url).data)
    response = client.submit(
        url,
        {
            **filled(_db.session.get(OutputReturn, output_return.id), went_well="Even better."),
            "confirm": "y",
            "send": "1",
        },
    )
    assert response.status_code == 302
    again = _db.session.get(OutputReturn, output_return.id)
    assert again.status == ReturnStatus.SUBMITTED and [v.number for v in again.versions] == [1, 2]


def test_consent_is_withdrawn_even_after_the_return_is_accepted(client, make_return, sign_in):
    output_return = make_return(
        status=ReturnStatus.ACCEPTED,
        stories=[{"title": "Amira", "body": "My story.", "consent": Consent.PUBLIC_ANONYMOUS}],
    )
    sign_in(output_return.award.application.organisation.members[0].user)
    url = f"/applicant/returns/{output_return.id}"
    assert "Accepted" in visible_text(client.get(url).data)
    story = output_return.stories[0]
    response = client.submit(f"/applicant/stories/{story.id}/withdraw", {}, from_url=url)
    assert response.status_code == 302
    assert _db.session.get(Story, story.id).consent_withdrawn_at is not None
    assert "it will not be published" in visible_text(client.get(url).data)


def test_another_group_gets_404_on_everything(client, award, make_return, sign_in):
    output_return = first_return(award)
    story = returns.add_story(
        output_return,
        title="T",
        body="B",
        teller_name=None,
        consent=Consent.INTERNAL,
        upload=JPEG,
        upload_name="p.jpg",
        by=award.application.organisation.members[0].user,
    )
    _db.session.commit()
    other = factories.make_user(full_name="Someone Else")
    factories.make_organisation(members=[other])
    sign_in(other)
    token = csrf_token_from(client.get("/applicant/returns").data)
    assert "Return 1" not in visible_text(client.get("/applicant/returns").data)
    assert client.get(f"/applicant/returns/{output_return.id}").status_code == 404
    assert client.get(f"/applicant/returns/{output_return.id}/stories/new").status_code == 404
    assert (
        client.post(f"/applicant/returns/{output_return.id}/answer", data={"answer-csrf_token": token}).status_code
        == 404
    )
    assert client.post(f"/applicant/stories/{story.id}/withdraw", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/applicant/stories/{story.id}/remove", data={"csrf_token": token}).status_code == 404
    assert client.get(f"/applicant/files/{story.file_id}").status_code == 404
    assert client.get("/applicant/returns/999999").status_code == 404


def test_an_officer_enters_a_return_for_the_group_and_the_group_sees_who_did(client, award, login_as, sign_in):
    output_return = first_return(award)
    login_as("officer", full_name="Olu Officer")
    enter = f"/officers/returns/{output_return.id}/enter"
    assert client.get(enter).headers["Location"].endswith(f"/officers/returns/{output_return.id}/assisted")
    start = f"/officers/returns/{output_return.id}/assisted"
    response = client.submit(start, {"channel": "phone", "consent_note": ""})
    assert "Record who in the group agreed, and when" in visible_text(response.data)
    response = client.submit(start, {"channel": "phone", "consent_note": "Fatima agreed on the phone on 3 March"})
    assert response.headers["Location"].endswith(enter)
    page = client.get(enter)
    group = award.application.organisation.name
    assert f"Entered by Olu Officer on behalf of {group} by phone." in visible_text(page.data)
    response = client.submit(enter, {**filled(output_return), "confirm": "y", "send": "1"})
    assert response.status_code == 302
    sent = _db.session.get(OutputReturn, output_return.id)
    assert sent.status == ReturnStatus.SUBMITTED and sent.entered_by.full_name == "Olu Officer"
    client.post("/sign-out", data={"csrf_token": csrf_token_from(client.get(enter).data)})
    sign_in(award.application.organisation.members[0].user)
    text = visible_text(client.get(f"/applicant/returns/{output_return.id}").data)
    assert f"Entered by Olu Officer on behalf of {group} by phone." in text


def test_only_officers_reach_the_assisted_pages(client, award, member):
    output_return = first_return(award)
    assert client.get(f"/officers/returns/{output_return.id}/assisted").status_code == 403
    assert client.get(f"/officers/returns/{output_return.id}/enter").status_code == 403


def test_send_reminders_from_the_command_line(app, award, outbox):
    output_return = first_return(award)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["send-reminders", "--base-url", "https://grants.example", "--today", "2027-09-20"])
    assert result.exit_code == 0, result.output
    assert "Reminded groups about 1 return(s)." in result.output
    mail = _db.session.scalar(select(Notification).where(Notification.template == "return_due"))
    assert f"https://grants.example/applicant/returns/{output_return.id}" in mail.body_text
    assert _db.session.get(OutputReturn, output_return.id).reminded_before_at is not None
    again = runner.invoke(args=["send-reminders", "--base-url", "https://grants.example", "--today", "2027-09-21"])
    assert "Reminded groups about 0 return(s)." in again.output


def test_send_reminders_needs_a_base_url(app):
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code != 0 and "--base-url" in result.output


def test_the_group_changes_a_story_and_errors_keep_what_was_typed(client, award, member):
    output_return = first_return(award)
    story = returns.add_story(
        output_return,
        title="Rukhsana's story",
        body="I found my voice.",
        teller_name=None,
        consent=Consent.PUBLIC_ANONYMOUS,
        upload=JPEG,
        upload_name="cafe.jpg",
        by=member,
    )
    _db.session.commit()
    return_url = f"/applicant/returns/{output_return.id}"
    html = client.get(return_url).data.decode()
    assert "Change ‘Rukhsana's story’" in visible_text(html)
    assert f'href="/applicant/stories/{story.id}/edit"' in html
    url = f"/applicant/stories/{story.id}/edit"
    form = client.get(url)
    text = visible_text(form.data)
    assert page_title(form.data).startswith("Change the story – Return 1")
    assert "The recording or photo stays as it is: cafe.jpg." in text
    assert (
        'value="Rukhsana&#39;s story"' in form.data.decode() and ">I found my voice.</textarea>" in form.data.decode()
    )
    # Named without a name: refused, and what was typed stays.
    response = client.submit(
        url, {"title": "Finding my voice", "body": "New words", "consent": "public_named", "teller_name": ""}
    )
    text = visible_text(response.data)
    assert page_title(response.data).startswith("Error: ")
    assert "Enter the name they agreed we can publish" in text
    assert 'value="Finding my voice"' in response.data.decode() and ">New words</textarea>" in response.data.decode()
    assert _db.session.get(Story, story.id).title == "Rukhsana's story"
    response = client.submit(
        url,
        {"title": "Finding my voice", "body": "New words", "consent": "public_named", "teller_name": "Rukhsana"},
    )
    assert response.status_code == 302 and response.headers["Location"] == return_url
    changed = _db.session.get(Story, story.id)
    assert (changed.title, changed.body, changed.consent, changed.teller_name, changed.file.original_name) == (
        "Finding my voice",
        "New words",
        Consent.PUBLIC_NAMED,
        "Rukhsana",
        "cafe.jpg",
    )
    text = visible_text(client.get(return_url).data)
    assert "‘Finding my voice’ has been changed." in text and "Name to publish Rukhsana" in text


def test_a_story_of_a_sent_return_cannot_be_changed(client, make_return, sign_in):
    output_return = make_return(
        status=ReturnStatus.SUBMITTED,
        stories=[{"title": "Amira", "body": "My story.", "consent": Consent.PUBLIC_ANONYMOUS}],
    )
    sign_in(output_return.award.application.organisation.members[0].user)
    story = output_return.stories[0]
    assert "Change ‘Amira’" not in visible_text(client.get(f"/applicant/returns/{output_return.id}").data)
    url = f"/applicant/stories/{story.id}/edit"
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"] == f"/applicant/returns/{output_return.id}"
    response = client.submit(
        url, {"title": "Changed", "body": "B", "consent": "internal"}, from_url=f"/applicant/returns/{output_return.id}"
    )
    assert response.status_code == 302
    assert "its stories can no longer be changed" in visible_text(client.get(response.headers["Location"]).data)
    assert _db.session.get(Story, story.id).title == "Amira"


def test_another_group_cannot_change_a_story(client, award, sign_in):
    output_return = first_return(award)
    story = returns.add_story(
        output_return,
        title="T",
        body="B",
        teller_name=None,
        consent=Consent.INTERNAL,
        by=award.application.organisation.members[0].user,
    )
    _db.session.commit()
    other = factories.make_user(full_name="Someone Else")
    factories.make_organisation(members=[other])
    sign_in(other)
    token = csrf_token_from(client.get("/applicant/returns").data)
    url = f"/applicant/stories/{story.id}/edit"
    assert client.get(url).status_code == 404
    data = {"csrf_token": token, "title": "Mine now", "body": "B", "consent": "internal"}
    assert client.post(url, data=data).status_code == 404
    assert client.get("/applicant/stories/999999/edit").status_code == 404
    assert _db.session.get(Story, story.id).title == "T"
