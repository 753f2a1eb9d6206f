"""Officers set up a round's scoring criteria through the pages: list, add, edit, reorder, archive,
preview; refusals are explained; only officers change and only officers and admins read."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.domain.workflow import RoundStatus
from portal.models import AuditEvent, Criterion
from tests.helpers import page_title, visible_text

SCORING_STARTED = (
    "Scoring has started, so you cannot change the weight, question or score descriptions of this criterion. "
    "Archive it and add a new one instead."
)


def form_data(**overrides):  # noqa: ANN003, ANN201
    data = {
        "title": "Working in partnership",
        "question": "Which other groups will you work with?",
        "word_limit": "200",
        "guidance": "Informal partnerships count.",
        "descriptor_0": "No partners mentioned.",
        "descriptor_1": "Partners named, with no part in the work.",
        "descriptor_2": "One or two partners with a clear part.",
        "descriptor_3": "Several partners with agreed roles.",
        "descriptor_4": "Strong, tested partnerships.",
        "weight": "2",
    }
    data.update(overrides)
    return data


def edit_data(criterion: Criterion, **overrides) -> dict:  # noqa: ANN003
    """The edit form as it is shown for ``criterion``, with some boxes changed."""
    data = {
        "title": criterion.title,
        "question": criterion.question,
        "word_limit": str(criterion.word_limit or ""),
        "guidance": criterion.guidance or "",
        **{f"descriptor_{score}": text for score, text in enumerate(criterion.descriptors)},
        "weight": str(criterion.weight),
    }
    data.update(overrides)
    return data


def titles_in_order(db, round_id: int) -> list[str]:  # noqa: ANN001
    return list(
        db.session.scalars(
            select(Criterion.title).where(Criterion.round_id == round_id).order_by(Criterion.position, Criterion.id)
        )
    )


# --- the list ------------------------------------------------------------------------------------


def test_the_criteria_page_shows_each_weight_as_a_share_of_the_total(client, db, login_as, make_round):
    login_as("officer")
    round_ = make_round(title="Community grants 2026", criteria=3)
    round_.criteria[0].weight = Decimal("2")
    round_.criteria[2].is_archived = True
    db.session.commit()
    response = client.get(f"/officers/rounds/{round_.id}/criteria")
    text = visible_text(response.data)
    assert page_title(response.data).startswith("Scoring criteria – Community grants 2026")
    assert "Criterion 1 2 66.7% 250" in text
    assert "Criterion 2 1 33.3% 250" in text
    assert "Criterion 3 Archived 1 Not counted 250" in text
    assert "Total of 2 active criteria 3 100%" in text
    assert "Add a criterion" in text
    assert "cannot open" not in text


def test_the_page_warns_when_every_weight_is_0(client, db, login_as, make_round):
    login_as("officer")
    round_ = make_round(status=RoundStatus.DRAFT, criteria=2)
    for criterion in round_.criteria:
        criterion.weight = Decimal("0")
    db.session.commit()
    text = visible_text(client.get(f"/officers/rounds/{round_.id}/criteria").data)
    assert (
        "Warning The round cannot open until this is put right: At least one criterion must have a weight above 0."
        in text
    )
    assert "Criterion 1 0 Not counted" in text


def test_the_page_warns_when_no_criterion_is_active(client, login_as, make_round):
    login_as("officer")
    round_ = make_round(status=RoundStatus.DRAFT, criteria=0)
    text = visible_text(client.get(f"/officers/rounds/{round_.id}/criteria").data)
    assert "The round cannot open until this is put right: Add at least one scoring criterion." in text
    assert "This round has no scoring criteria yet." in text


# --- adding and editing --------------------------------------------------------------------------


def test_an_officer_adds_a_criterion_and_sees_it_last_in_the_list(client, db, login_as, make_round):
    officer = login_as("officer")
    round_ = make_round(criteria=2)
    form = client.get(f"/officers/rounds/{round_.id}/criteria/new")
    html = form.data.decode()
    assert "Add a criterion" in visible_text(form.data)
    # A new criterion starts with a description for every score, a word limit and a weight.
    assert "The answer gives no evidence for this." in html
    assert "The answer gives clear, specific evidence with good examples." in html
    assert 'value="250"' in html and 'value="1"' in html

    response = client.submit(f"/officers/rounds/{round_.id}/criteria/new", form_data())
    assert response.headers["Location"] == f"/officers/rounds/{round_.id}/criteria"
    text = visible_text(client.get(response.headers["Location"]).data)
    assert "Criterion added: Working in partnership" in text
    assert "Working in partnership 2 50% 200" in text
    assert titles_in_order(db, round_.id) == ["Criterion 1", "Criterion 2", "Working in partnership"]
    added = db.session.scalar(select(Criterion).where(Criterion.title == "Working in partnership"))
    assert added.descriptor_3 == "Several partners with agreed roles."
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "criterion.added"))
    assert (event.actor_id, event.round_id) == (officer.id, round_.id)


def test_an_empty_word_limit_means_no_limit(client, db, login_as, make_round):
    login_as("officer")
    round_ = make_round(criteria=0)
    client.submit(f"/officers/rounds/{round_.id}/criteria/new", form_data(word_limit=""))
    assert db.session.scalar(select(Criterion.word_limit)) is None
    assert "Working in partnership 2 100% No limit" in visible_text(
        client.get(f"/officers/rounds/{round_.id}/criteria").data
    )


def test_a_bad_form_keeps_what_was_typed_and_explains(client, db, login_as, make_round):
    login_as("officer")
    round_ = make_round(criteria=1)
    response = client.submit(
        f"/officers/rounds/{round_.id}/criteria/new",
        form_data(word_limit="lots", weight="-1", descriptor_2="", title="My new criterion"),
    )
    assert response.status_code == 200
    assert page_title(response.data).startswith("Error: Add a criterion")
    text = visible_text(response.data)
    assert "There is a problem" in text
    assert "Enter the word limit as a whole number, like 250" in text
    assert "Describe what a score of 2 means" in text
    assert "The weight cannot be less than 0" in text
    html = response.data.decode()
    assert 'value="My new criterion"' in html
    assert 'value="lots"' in html
    assert 'value="-1"' in html
    assert "Strong, tested partnerships." in html
    assert db.session.scalar(select(Criterion).where(Criterion.title == "My new criterion")) is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"weight": "10.5"}, "The weight must be 10 or less"),
        ({"weight": "1.333"}, "The weight can have up to 2 decimal places, like 1.25"),
        ({"weight": "one"}, "Enter the weight as a number, like 1 or 1.5"),
        ({"weight": ""}, "Enter a weight from 0 to 10"),
        ({"word_limit": "5"}, "The word limit must be from 10 to 2000 words, or leave it empty for no limit"),
        ({"title": ""}, "Enter a title for the criterion"),
        ({"question": " "}, "Enter the question applicants answer"),
    ],
    ids=["weight-too-big", "weight-places", "weight-words", "weight-empty", "word-limit-small", "title", "question"],
)
def test_each_shape_problem_is_explained(client, login_as, make_round, fields, message):
    login_as("officer")
    round_ = make_round(criteria=0)
    response = client.submit(f"/officers/rounds/{round_.id}/criteria/new", form_data(**fields))
    assert message in visible_text(response.data)


def test_an_officer_edits_a_criterion(client, db, login_as, make_round):
    login_as("officer")
    round_ = make_round(status=RoundStatus.DRAFT, criteria=2)
    criterion = round_.criteria[0]
    form = client.get(f"/officers/criteria/{criterion.id}/edit")
    assert 'value="Criterion 1"' in form.data.decode()
    assert 'value="1"' in form.data.decode()  # the weight 1.00, as people write it
    response = client.submit(
        f"/officers/criteria/{criterion.id}/edit",
        edit_data(criterion, title="Understanding the issues", weight="1.5", question="What do you know?"),
    )
    assert response.headers["Location"] == f"/officers/rounds/{round_.id}/criteria"
    text = visible_text(client.get(response.headers["Location"]).data)
    assert "Criterion saved: Understanding the issues" in text
    assert "Understanding the issues 1.5 60% 250" in text
    db.session.refresh(criterion)
    assert (criterion.question, criterion.weight) == ("What do you know?", Decimal("1.5"))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "criterion.changed"))
    assert event.before == {"title": "Criterion 1", "question": "Question 1?", "weight": "1.00"}
    assert event.after == {"title": "Understanding the issues", "question": "What do you know?", "weight": "1.50"}
    assert event.round_id == round_.id


def test_a_refused_change_after_scoring_started_is_explained_and_nothing_changes(client, db, login_as, make_round):
    login_as("officer")
    round_ = make_round(status=RoundStatus.IN_ASSESSMENT, criteria=1)
    criterion = round_.criteria[0]
    form = client.get(f"/officers/criteria/{criterion.id}/edit")
    assert "Scoring has started. You can correct the title and the guidance for panel members." in visible_text(
        form.data
    )
    response = client.submit(
        f"/officers/criteria/{criterion.id}/edit",
        edit_data(criterion, title="Typo fixed", weight="3", descriptor_1="Something else"),
    )
    assert response.status_code == 200
    text = visible_text(response.data)
    assert "There is a problem" in text
    assert SCORING_STARTED in text
    assert 'value="3"' in response.data.decode()  # what was typed is still there
    db.session.refresh(criterion)
    assert (criterion.title, criterion.weight, criterion.descriptor_1) == (
        "Criterion 1",
        Decimal("1.00"),
        "Limited evidence",
    )
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "criterion.changed")) is None


def test_the_title_and_guidance_can_be_corrected_after_scoring_started(client, db, login_as, make_round):
    login_as("officer")
    round_ = make_round(status=RoundStatus.DECIDED, criteria=1)
    criterion = round_.criteria[0]
    # The browser sends the text areas back with \r\n: that is not a change to the question.
    response = client.submit(
        f"/officers/criteria/{criterion.id}/edit",
        edit_data(criterion, title="Typo fixed", guidance="Look for real roles.", question="Question 1?\r\n"),
    )
    assert "Criterion saved: Typo fixed" in visible_text(client.get(response.headers["Location"]).data)
    db.session.refresh(criterion)
    assert (criterion.title, criterion.guidance) == ("Typo fixed", "Look for real roles.")


# --- ordering and archiving ----------------------------------------------------------------------


def test_an_officer_reorders_the_criteria(client, db, login_as, make_round):
    login_as("officer")
    round_ = make_round(criteria=3)
    third = round_.criteria[2]
    list_url = f"/officers/rounds/{round_.id}/criteria"
    response = client.submit(f"/officers/criteria/{third.id}/move", {"direction": "up"}, from_url=list_url)
    assert response.headers["Location"] == list_url
    text = visible_text(client.get(list_url).data)
    assert "Moved up: Criterion 3" in text
    assert text.index("Criterion 3 1") < text.index("Criterion 2 1")
    assert titles_in_order(db, round_.id) == ["Criterion 1", "Criterion 3", "Criterion 2"]
    first = round_.criteria[0]
    client.submit(f"/officers/criteria/{first.id}/move", {"direction": "down"}, from_url=list_url)
    assert titles_in_order(db, round_.id) == ["Criterion 3", "Criterion 1", "Criterion 2"]


def test_a_bad_direction_moves_nothing(client, db, login_as, make_round):
    login_as("officer")
    round_ = make_round(criteria=2)
    list_url = f"/officers/rounds/{round_.id}/criteria"
    response = client.submit(
        f"/officers/criteria/{round_.criteria[1].id}/move", {"direction": "sideways"}, from_url=list_url
    )
    assert "The criterion could not be moved. Try again." in visible_text(client.get(response.headers["Location"]).data)
    assert titles_in_order(db, round_.id) == ["Criterion 1", "Criterion 2"]


def test_the_first_cannot_move_up_and_the_last_cannot_move_down(client, login_as, make_round):
    login_as("officer")
    round_ = make_round(criteria=2)
    text = visible_text(client.get(f"/officers/rounds/{round_.id}/criteria").data)
    assert "Move up Criterion 1" not in text and "Move down Criterion 1" in text
    assert "Move up Criterion 2" in text and "Move down Criterion 2" not in text


def test_an_officer_archives_and_restores_a_criterion_even_after_scoring_started(client, db, login_as, make_round):
    login_as("officer")
    round_ = make_round(status=RoundStatus.IN_ASSESSMENT, criteria=2)
    criterion = round_.criteria[0]
    list_url = f"/officers/rounds/{round_.id}/criteria"
    client.submit(f"/officers/criteria/{criterion.id}/archive", from_url=list_url)
    text = visible_text(client.get(list_url).data)
    assert "Archived: Criterion 1. Applicants will not see it and it no longer counts towards scores." in text
    assert "Criterion 1 Archived 1 Not counted" in text
    assert "Criterion 2 1 100%" in text
    assert "Restore Criterion 1" in text
    assert db.session.get(Criterion, criterion.id).is_archived

    client.submit(f"/officers/criteria/{criterion.id}/archive", from_url=list_url)
    text = visible_text(client.get(list_url).data)
    assert "Restored: Criterion 1. It counts towards scores again." in text
    assert "Criterion 1 1 50%" in text
    assert not db.session.get(Criterion, criterion.id).is_archived
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.round_id == round_.id).order_by(AuditEvent.id)
    ).all()
    assert actions == ["criterion.archived", "criterion.restored"]


# --- the preview ---------------------------------------------------------------------------------


def test_the_preview_shows_both_sides_of_a_criterion(client, db, login_as, make_round):
    login_as("officer")
    round_ = make_round(criteria=1)
    criterion = round_.criteria[0]
    criterion.question = "Which other groups will you work with?"
    criterion.guidance = "Informal partnerships count."
    criterion.descriptor_0 = "No partners mentioned."
    criterion.descriptor_4 = "Strong, tested partnerships."
    db.session.commit()
    response = client.get(f"/officers/criteria/{criterion.id}/preview")
    text = visible_text(response.data)
    assert page_title(response.data).startswith("Preview: Criterion 1")
    assert "Preview: the applicant's question page" in text
    assert "Which other groups will you work with? You can write up to 250 words" in text
    assert "Preview: the panel's scoring page" in text
    assert "Informal partnerships count." in text
    assert "0 – No evidence: No partners mentioned." in text
    assert "2 – Adequate: Adequate evidence" in text
    assert "4 – Strong: Strong, tested partnerships." in text
    assert "Why you gave this score" in text
    html = response.data.decode()
    assert 'data-maxwords="250"' in html
    assert "<form" not in html.split('id="main-content"')[1].split("</main>")[0]  # nothing here can be sent
    assert f'href="/officers/rounds/{round_.id}/criteria"' in html


def test_the_preview_of_a_criterion_without_a_word_limit_has_no_count(client, db, login_as, make_round):
    login_as("officer")
    criterion = make_round(criteria=1).criteria[0]
    criterion.word_limit = None
    db.session.commit()
    response = client.get(f"/officers/criteria/{criterion.id}/preview")
    assert "You can write up to" not in visible_text(response.data)
    assert "data-maxwords" not in response.data.decode()


# --- who may ---------------------------------------------------------------------------------------


def pages(round_id: int, criterion_id: int) -> list[str]:
    return [
        f"/officers/rounds/{round_id}/criteria",
        f"/officers/rounds/{round_id}/criteria/new",
        f"/officers/criteria/{criterion_id}/edit",
        f"/officers/criteria/{criterion_id}/preview",
    ]


@pytest.mark.parametrize("role", ["applicant", "panel_member"])
def test_applicants_and_panel_members_cannot_reach_the_criteria_pages(client, db, login_as, make_round, role):
    user = login_as(role)
    round_ = make_round(criteria=2)
    criterion = round_.criteria[1]
    for url in pages(round_.id, criterion.id):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "You do not have permission to see this page" in visible_text(response.data)
    home = "/applicant/" if role == "applicant" else "/panel/"
    assert (
        client.submit(f"/officers/criteria/{criterion.id}/move", {"direction": "up"}, from_url=home).status_code == 403
    )
    assert client.submit(f"/officers/criteria/{criterion.id}/archive", from_url=home).status_code == 403
    assert titles_in_order(db, round_.id) == ["Criterion 1", "Criterion 2"]
    assert not db.session.get(Criterion, criterion.id).is_archived
    assert user.id is not None


def test_someone_signed_out_is_sent_to_sign_in(client, make_round):
    round_ = make_round(criteria=1)
    for url in pages(round_.id, round_.criteria[0].id):
        response = client.get(url)
        assert response.headers["Location"] == f"/sign-in?next={url}"


def test_admins_may_read_but_not_change(client, db, login_as, make_round):
    login_as("admin")
    round_ = make_round(criteria=2)
    criterion = round_.criteria[1]
    list_url = f"/officers/rounds/{round_.id}/criteria"
    text = visible_text(client.get(list_url).data)
    assert "Criterion 2 1 50% 250" in text
    assert "Add a criterion" not in text
    assert "Move up" not in text and "Archive Criterion" not in text and "Change Criterion" not in text
    assert "Preview Criterion 2" in text
    assert "0 – No evidence" in visible_text(client.get(f"/officers/criteria/{criterion.id}/preview").data)

    assert client.get(f"/officers/rounds/{round_.id}/criteria/new").status_code == 403
    assert client.get(f"/officers/criteria/{criterion.id}/edit").status_code == 403
    moved = client.submit(f"/officers/criteria/{criterion.id}/move", {"direction": "up"}, from_url=list_url)
    archived = client.submit(f"/officers/criteria/{criterion.id}/archive", from_url=list_url)
    assert (moved.status_code, archived.status_code) == (403, 403)
    assert titles_in_order(db, round_.id) == ["Criterion 1", "Criterion 2"]
    assert not db.session.get(Criterion, criterion.id).is_archived
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action.like("criterion.%"))) is None


def test_missing_criteria_and_rounds_are_404(client, login_as):
    login_as("officer")
    assert client.get("/officers/rounds/999/criteria").status_code == 404
    assert client.get("/officers/criteria/999/edit").status_code == 404
    assert client.get("/officers/criteria/999/preview").status_code == 404
