"""A group answers a question with a recording instead of writing: it plays on every page that
shows the answer, with the group's summary beside it, and only the right people can fetch it."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from portal.domain.roles import Role
from portal.models import Application, ApplicationAnswer, StoredFile
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import visible_text
from tests.unit import test_filetypes as samples
from tests.web.test_application_journey import fill_every_section

SUMMARY = "We explain how the cafe helps women who are new to the city."


def answer_with(client, url: str, data: bytes, name: str, **fields):  # noqa: ANN001, ANN003, ANN201
    return client.submit(
        url,
        {"recording": (io.BytesIO(data), name), "recording_summary": SUMMARY, **fields},
        content_type="multipart/form-data",
    )


def browser_of(app, user):  # noqa: ANN001, ANN201
    """Another person's browser, signed in."""
    browser = app.test_client()
    assert browser.submit("/sign-in", {"email": user.email, "password": DEFAULT_PASSWORD}).status_code == 302
    return browser


def players(html: bytes) -> list[tuple[str, str, str]]:
    """(element, label, file url) of each media player on the page."""
    return re.findall(
        r'<(audio|video) class="app-recording__media" controls preload="none" aria-label="([^"]+)">\s*'
        r'<source src="([^"]+)"',
        html.decode(),
    )


def test_a_recorded_answer_plays_with_its_summary_wherever_the_answer_is_shown(
    client, app, db, applicant_with_group, make_user
):
    user, group, round_ = applicant_with_group
    base = client.submit(f"/applicant/rounds/{round_.id}/start", {"organisation": str(group.id)}).headers["Location"]
    fill_every_section(client, db, base, round_)
    criterion = round_.criteria[0]
    question = f"{base}/questions/{criterion.id}"

    # A file that is not audio or video is refused on the recording field, and the summary is kept.
    refused = answer_with(client, question, b"%PDF-1.7\n" + b"0" * 200, "answer.mp3", text="")
    page = visible_text(refused.data)
    assert refused.status_code == 200
    assert "There is a problem The file must be an audio or video recording: MP3, M4A, OGG, WAV, MP4 or WebM" in page
    assert "WebM. Error: The file must be an audio or video recording" in page  # on the recording field
    assert SUMMARY in refused.data.decode()
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0

    saved = answer_with(client, question, samples.WAV, "Our cafe (final).wav", text="")
    assert saved.status_code == 302
    answer = db.session.scalar(select(ApplicationAnswer).where(ApplicationAnswer.criterion_id == criterion.id))
    stored = answer.recording
    assert (answer.text, answer.recording_summary) == (None, SUMMARY)
    assert (stored.content_type, stored.original_name, stored.organisation_id) == (
        "audio/wav",
        "Our cafe (final).wav",
        group.id,
    )
    file_url = f"/applicant/files/{stored.id}"

    again = client.get(question)
    assert players(again.data) == [("audio", f"Audio recording: {criterion.title}", file_url)]
    assert f"What the recording says, in the group's words: {SUMMARY}" in visible_text(again.data)

    check = client.get(f"{base}/check")
    assert players(check.data) == [("audio", f"Audio recording: {criterion.question}", file_url)]

    client.submit(f"{base}/send", {}, from_url=f"{base}/check")
    application = db.session.scalar(select(Application))
    status = client.get(f"/applicant/applications/{application.id}/status")
    assert players(status.data) == [("audio", f"Audio recording: {criterion.question}", file_url)]
    assert SUMMARY in visible_text(status.data)

    played = client.get(file_url)
    assert (played.status_code, played.mimetype, played.data) == (200, "audio/wav", samples.WAV)

    officer_browser = browser_of(app, make_user(roles={Role.OFFICER}))
    officer_view = officer_browser.get(f"/officers/applications/{application.id}")
    assert players(officer_view.data) == [("audio", f"Audio recording: {criterion.question}", file_url)]
    assert officer_browser.get(file_url).data == samples.WAV

    # Someone from another group gets nothing: not the file, not the page that plays it.
    stranger = browser_of(app, make_user(roles={Role.APPLICANT}))
    assert stranger.get(file_url).status_code == 404
    assert stranger.get(f"/applicant/applications/{application.id}/status").status_code == 404


def test_a_video_answer_gets_a_video_player_and_can_be_removed(client, db, applicant_with_group):
    user, group, round_ = applicant_with_group
    base = client.submit(f"/applicant/rounds/{round_.id}/start", {"organisation": str(group.id)}).headers["Location"]
    criterion = round_.criteria[0]
    question = f"{base}/questions/{criterion.id}"
    answer_with(client, question, samples.MP4, "cafe.mp4", text="We also wrote a few words.")
    [(element, _label, _url)] = players(client.get(question).data)
    assert element == "video"

    removed = client.submit(question, {"text": "We also wrote a few words.", "remove_recording": "y"})
    assert removed.status_code == 302
    answer = db.session.scalar(select(ApplicationAnswer))
    assert (answer.recording_file_id, answer.text) == (None, "We also wrote a few words.")
    assert players(client.get(question).data) == []
