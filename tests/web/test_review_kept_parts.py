"""The parts of the review pages kept as HTML. What the group sent (portal/panel/kept_eoi.py): every
member who reads the EOI shares it, and anything it is drawn from (the version's content, the
questions, the recordings, the language) changing shows at once; nothing personal is kept. Each
criterion's fields on the review form (portal/panel/review_fields.py): shared while they show the
same, and written again for a new value, what was typed or an error."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import update

from portal.kept_html import KeptHtml
from portal.models import ApplicationVersion, StoredFile
from tests.helpers import visible_text
from tests.web.test_review_pages import (  # noqa: F401 - scene: the fixture
    SUMMARY,
    browser_of,
    checked,
    form_data,
    make_review,
    scene,
)


def _kept(app) -> KeptHtml:  # noqa: ANN001
    return app.extensions["kept_eoi"]


def _main(page) -> str:  # noqa: ANN001
    return visible_text(page.data)


def test_every_member_reading_the_eoi_shares_one_rendering_and_nothing_personal_is_kept(app, client, scene):  # noqa: F811
    bea = scene["others"][0]
    bea_review = make_review(scene["application"], scene["panel"].members[1])
    pat_page = client.get(scene["url"])
    kept = _kept(app)
    assert len(kept) == 1
    bea_page = browser_of(app, bea).get(f"/panel/reviews/{bea_review.id}")
    assert len(kept) == 1  # Bea's page used Pat's rendering of the EOI
    for page in (pat_page, bea_page):
        text = _main(page)
        assert f"What the recording says, in the group's words: {SUMMARY}" in text
        assert scene["criteria"][0].question in text
        assert "Who benefits" in text
    # The kept part holds what the group sent, not who read it nor their form.
    (entry,) = kept._entries.values()
    html = "".join(entry)
    assert SUMMARY in html
    assert "Pat Panel" not in html and "Bea Member" not in html
    assert "csrf_token" not in html and "score_" not in html


def test_a_version_scrubbed_by_retention_is_rendered_again(app, client, db, scene):  # noqa: F811
    version = scene["application"].versions[0]
    sent = version.content["activities"]
    assert sent and sent in _main(client.get(scene["url"]))
    content = {**version.content, "who_benefits": "[removed]", "activities": "[removed]"}
    table = ApplicationVersion.__table__
    db.session.execute(update(table).where(table.c.id == version.id).values(content=content))
    db.session.commit()
    text = _main(client.get(scene["url"]))
    assert "Who benefits [removed]" in text
    assert sent not in text
    assert len(_kept(app)) == 2


def test_a_changed_question_or_weight_shows_at_once(client, db, scene):  # noqa: F811
    client.get(scene["url"])
    first, second = scene["criteria"][:2]
    first.question = "How will women new to the city hear about it?"
    db.session.commit()
    text = _main(client.get(scene["url"]))
    assert "How will women new to the city hear about it?" in text
    assert "This question's weight in the total" not in text  # every question weighs the same
    second.weight = Decimal("2")
    db.session.commit()
    text = _main(client.get(scene["url"]))
    assert "This question's weight in the total: 2" in text
    second.guidance = "Look for who the group already knows."
    db.session.commit()
    assert "What to look for Look for who the group already knows." in _main(client.get(scene["url"]))


def test_a_renamed_recording_shows_its_new_name(client, db, scene):  # noqa: F811
    assert "Download the recording (our answer.wav)" in _main(client.get(scene["url"]))
    db.session.get(StoredFile, scene["recording"].id).original_name = "cafe answer.wav"
    db.session.commit()
    assert "Download the recording (cafe answer.wav)" in _main(client.get(scene["url"]))


def test_a_recording_taken_away_is_no_longer_played(client, db, scene):  # noqa: F811
    assert "Download the recording (our answer.wav)" in _main(client.get(scene["url"]))
    for answer in scene["application"].answers:
        if answer.recording_file_id == scene["recording"].id:
            answer.recording_file_id = None
    db.session.flush()
    db.session.delete(db.session.get(StoredFile, scene["recording"].id))
    db.session.commit()
    text = _main(client.get(scene["url"]))
    assert "Download the recording" not in text
    assert "The group did not answer this question." in text


def test_each_language_gets_its_own_rendering(client, scene):  # noqa: F811
    english = _main(client.get(scene["url"]))
    assert "Who benefits" in english
    client.get("/language/pl")
    other = _main(client.get(scene["url"]))
    assert "Kto skorzysta" in other and "Who benefits" not in other
    client.get("/language/en")
    assert "Who benefits" in _main(client.get(scene["url"]))


# --- each criterion's fields --------------------------------------------------------------------


def test_fields_that_show_the_same_are_shared_by_every_review_of_the_round(app, client, scene):  # noqa: F811
    bea_review = make_review(scene["application"], scene["panel"].members[1])
    client.get(scene["url"])
    kept = len(app.extensions["kept_review_fields"])
    assert kept == len(scene["criteria"])  # one a criterion: their fields are named apart
    page = browser_of(app, scene["others"][0]).get(f"/panel/reviews/{bea_review.id}")
    assert len(app.extensions["kept_review_fields"]) == kept
    assert checked(page.data, f"score_{scene['criteria'][0].id}") == [""]


def test_a_saved_score_and_an_error_each_show_though_the_fields_were_kept(client, scene):  # noqa: F811
    url, criteria, review = scene["url"], scene["criteria"], scene["review"]
    client.get(url)  # the empty fields, kept
    refused = client.submit(
        url, form_data(criteria, [None, None, None], version=review.lock_version, button="submit_scores")
    )
    assert f'id="score_{criteria[0].id}-error"' in refused.data.decode()
    assert "Error: Score at least one question" in visible_text(refused.data)
    client.submit(url, form_data(criteria, [2, None, None], version=review.lock_version, button="save_draft"))
    after = client.get(url)
    assert checked(after.data, f"score_{criteria[0].id}") == ["2"]
    assert checked(after.data, f"score_{criteria[1].id}") == [""]
    assert f'id="score_{criteria[0].id}-error"' not in after.data.decode()


def test_an_error_shows_on_fields_kept_with_the_same_values_and_none(client, scene):  # noqa: F811
    url, criteria, review = scene["url"], scene["criteria"], scene["review"]
    stale = client.submit(
        url, form_data(criteria, [None, None, None], version=review.lock_version + 7, button="submit_scores")
    )
    assert "What you typed is below" in visible_text(stale.data)  # the same fields, typed alike, no error on them
    assert f'id="score_{criteria[0].id}-error"' not in stale.data.decode()
    refused = client.submit(
        url, form_data(criteria, [None, None, None], version=review.lock_version, button="submit_scores")
    )
    assert f'id="score_{criteria[0].id}-error"' in refused.data.decode()
