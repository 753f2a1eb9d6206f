"""A panel member's home and review pages, and an officer's view of a review: scoring with a draft
then a submission, independence (others' scores only after submitting), 404 for anything not
theirs or taken away by a conflict, errors and edit conflicts that keep what was typed, and an
officer reopening a review."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from portal.domain.panel import CommentAudience, ConflictKind
from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus, ReviewStatus
from portal.extensions import db as _db
from portal.models import ApplicationVersion, ConflictDeclaration, FilePurpose, Review
from portal.panel import review_forms
from portal.services import applications as applications_service
from portal.services import files
from tests import factories
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import visible_text
from tests.unit import test_filetypes as samples

GUIDANCE = "Judge what the group says, not how well it is written. Many groups write in a second language"
SUMMARY = "How we reach women who are new to the city."


def eoi_with_recording(round_, *, title="Women's conversation cafe"):  # noqa: ANN001, ANN201
    """An eligible EOI whose second question is answered with a recording."""
    application = factories.make_application(round_=round_, complete=True)
    applicant = application.organisation.members[0].user
    stored = files.store_upload(
        samples.WAV,
        "our answer.wav",
        purpose=FilePurpose.RECORDING,
        organisation=application.organisation,
        by=applicant,
        max_bytes=10_000_000,
    )
    applications_service.save_answer(
        application,
        round_.criteria[1],
        text="",
        recording=stored,
        keep_recording=False,
        recording_summary=SUMMARY,
        expected_version=None,
        by=applicant,
    )
    application.title = title
    applications_service.submit_application(application, by=applicant)
    application.status = ApplicationStatus.ELIGIBLE
    _db.session.commit()
    return application, stored


make_review = factories.make_review


@pytest.fixture
def scene(client, db, login_as, make_user, make_round, make_panel):  # noqa: ANN001, ANN201
    member = login_as("panel_member", full_name="Pat Panel")
    others = [make_user(roles={Role.PANEL_MEMBER}, full_name=name) for name in ("Bea Member", "Cal Member")]
    round_ = make_round(title="Community grants 2027", reference_prefix="CIF-2027-")
    panel = make_panel(
        round_=round_,
        members=[member, *others],
        minimum_reviewers=2,
        scoring_deadline=datetime(2027, 6, 30, 16, 0, tzinfo=UTC),
    )
    application, recording = eoi_with_recording(round_)
    review = make_review(application, panel.members[0])
    return {
        "member": member,
        "others": others,
        "round": round_,
        "panel": panel,
        "application": application,
        "recording": recording,
        "review": review,
        "criteria": [c for c in round_.criteria if not c.is_archived],
        "url": f"/panel/reviews/{review.id}",
    }


def checked(html: bytes, name: str) -> list[str]:
    """The values of the checked radios called ``name``."""
    inputs = re.findall(r"<input[^>]*>", html.decode())
    return [
        re.search(r'value="([^"]*)"', tag).group(1)
        for tag in inputs
        if f'name="{name}"' in tag and re.search(r"\schecked\b", tag)
    ]


def form_data(criteria, scores, *, recommendation="", note="", comments=None, audiences=None, version, button):  # noqa: ANN001, ANN201
    data = {"recommendation_note": note, "version": str(version), button: "x"}
    if recommendation:
        data["recommendation"] = recommendation
    for index, (criterion, score) in enumerate(zip(criteria, scores, strict=True)):
        data[f"score_{criterion.id}"] = "" if score is None else str(score)
        data[f"comment_{criterion.id}"] = (comments or {}).get(index, "")
        data[f"audience_{criterion.id}"] = (audiences or {}).get(index, "panel_only")
    return data


def browser_of(app, user):  # noqa: ANN001, ANN201
    """Another person's browser, signed in."""
    browser = app.test_client()
    assert browser.submit("/sign-in", {"email": user.email, "password": DEFAULT_PASSWORD}).status_code == 302
    return browser


# --- the home page ------------------------------------------------------------------------------


def test_the_home_page_lists_the_queue_with_progress_deadline_and_links(client, scene, make_eligible_application):
    review, application = scene["review"], scene["application"]
    second = make_eligible_application(round_=scene["round"])
    second.title = "Bike repair club"
    unconfirmed = make_review(second, scene["panel"].members[0], confirmed=False)
    make_review(make_eligible_application(round_=scene["round"]), scene["panel"].members[1])  # not Pat's

    page = client.get("/panel/")
    text = visible_text(page.data)
    assert "0 of 2 scored" in text
    assert "Community grants 2027" in text
    assert "Submit your scores by 30 June 2027 at 5:00pm (UK time)" in text
    assert (
        f"{application.reference}: Women's conversation cafe {application.organisation.name} – Work stream 1 Not started"
        in text
    )
    assert f"{second.reference}: Bike repair club" in text
    assert "Confirm you have no conflict of interest first." in text
    html = page.data.decode()
    assert f'href="/panel/reviews/{review.id}"' in html
    assert f'href="/panel/reviews/{unconfirmed.id}/conflict"' in html
    assert html.count('class="govuk-task-list__item') == 2  # nobody else's EOIs
    assert f'href="/rounds/{scene["round"].id}"' in html  # the round's public page, for oversight
    assert f'href="/panel/rounds/{scene["round"].id}/moderation"' in html  # the meeting view, read only
    assert "The panel meeting for Community grants 2027: how the scores compare (read only)" in text
    assert 'href="/panel/interests"' in html


def test_the_review_page_shows_what_the_group_last_sent(client, db, scene):
    """The member scores the newest submitted version: not an earlier one, nor the group's live
    row (which can change after submission, for example when an officer returns it for changes)."""
    application = scene["application"]
    first = application.versions[0]
    db.session.add(
        ApplicationVersion(
            application=application,
            number=2,
            submitted_at=first.submitted_at,
            submitted_by_id=first.submitted_by_id,
            content={**first.content, "title": "Conversation cafe, sent again"},
            sha256="0" * 64,
        )
    )
    application.title = "Still being edited"
    db.session.commit()

    heading = re.search(r"<h1[^>]*>(.*?)</h1>", client.get(scene["url"]).data.decode(), re.S).group(1)
    assert heading.strip() == "Conversation cafe, sent again"


def test_a_form_class_is_kept_per_language_and_criteria_and_each_look_gets_its_own_form(app, db, scene):
    criteria = scene["criteria"]
    with app.test_request_context("/"):
        kept = review_forms.build_review_form(criteria)
        assert review_forms.build_review_form(criteria) is kept
        first, second = kept(), kept()
        first.score_field(criteria[0]).data = "4"
        assert second.score_field(criteria[0]).data != "4"  # one look's answers are not another's
        with force_locale("pl"):
            assert review_forms.build_review_form(criteria) is not kept  # its texts are in English
        criteria[0].title = "Reaching women new to the city"
        renamed = review_forms.build_review_form(criteria)
        assert renamed is not kept
        assert renamed().score_field(criteria[0]).label.text == "Your score for Reaching women new to the city"


def test_a_renamed_question_shows_its_new_title_on_the_review_form(client, db, scene):
    client.get(scene["url"])  # the form for the questions as they were
    scene["criteria"][0].title = "Reaching women new to the city"
    db.session.commit()
    text = visible_text(client.get(scene["url"]).data)
    assert "Your score for Reaching women new to the city" in text


def test_the_home_page_says_when_nothing_is_assigned(client, login_as):
    login_as("panel_member")
    text = visible_text(client.get("/panel/").data)
    assert "No expressions of interest have been given to you to score yet." in text
    assert "scored" not in text


# --- scoring --------------------------------------------------------------------------------------


def test_a_member_scores_with_a_draft_then_submits(client, db, scene):
    url, criteria, review = scene["url"], scene["criteria"], scene["review"]
    page = client.get(url)
    text = visible_text(page.data)
    assert GUIDANCE in text
    assert "Women's conversation cafe" in text and "Who benefits Women new to the city" in text
    assert "Amount asked for £3,000" in text and "Room hire £1,200.00" in text
    assert "We know our community well." in text  # the written answers
    assert f"What the recording says, in the group's words: {SUMMARY}" in text
    assert f'<source src="/applicant/files/{scene["recording"].id}"' in page.data.decode()
    assert "4 – Strong evidence" in text and "0 – No evidence" in text and "Not scored" in text
    assert checked(page.data, f"score_{criteria[0].id}") == [""]  # nothing is scored until chosen
    assert checked(page.data, f"audience_{criteria[0].id}") == ["panel_only"]

    draft = client.submit(
        url,
        form_data(
            criteria,
            [3, None, 1],
            comments={0: "They clearly know the women they work with."},
            audiences={0: "feedback"},
            version=review.lock_version,
            button="save_draft",
        ),
    )
    assert draft.status_code == 302 and draft.headers["Location"] == url
    after = client.get(url)
    assert "Your weighted total so far is 50.00 out of 100" in visible_text(after.data)
    assert checked(after.data, f"score_{criteria[0].id}") == ["3"]
    assert checked(after.data, f"score_{criteria[1].id}") == [""]
    review = db.session.get(Review, review.id)
    assert review.status == ReviewStatus.DRAFT
    assert [(s.score, s.audience) for s in sorted(review.scores, key=lambda s: s.criterion_id)] == [
        (3, CommentAudience.FEEDBACK),
        (None, CommentAudience.PANEL_ONLY),
        (1, CommentAudience.PANEL_ONLY),
    ]

    sent = client.submit(
        url,
        form_data(criteria, [3, None, 1], recommendation="fund", version=review.lock_version, button="submit_scores"),
    )
    assert sent.status_code == 302
    done = client.get(url)
    text = visible_text(done.data)
    assert "Your scores have been submitted." in text
    assert "Your scores for Women's conversation cafe" in text
    assert "Your score 3 – Good evidence" in text and "Your score Not scored" in text
    assert "Your recommendation Fund" in text
    assert f'href="{url}/panel-scores"' in done.data.decode()
    assert "<textarea" not in done.data.decode()  # read-only now
    assert db.session.get(Review, review.id).status == ReviewStatus.SUBMITTED
    assert "1 of 1 scored" in visible_text(client.get("/panel/").data)


def test_errors_keep_everything_typed(client, scene):
    url, criteria = scene["url"], scene["criteria"]
    refused = client.submit(
        url,
        form_data(
            criteria,
            [None, None, None],
            comments={1: "A recording full of detail."},
            audiences={1: "feedback"},
            note="Only if they find a bigger room",
            version=scene["review"].lock_version,
            button="submit_scores",
        ),
    )
    assert refused.status_code == 200
    text = visible_text(refused.data)
    assert "There is a problem Score at least one question Choose a recommendation" in text
    assert "A recording full of detail." in refused.data.decode()
    assert "Only if they find a bigger room" in refused.data.decode()
    assert checked(refused.data, f"audience_{criteria[1].id}") == ["feedback"]
    assert f'href="#score_{criteria[0].id}"' in refused.data.decode()
    assert 'href="#recommendation"' in refused.data.decode()

    bad = client.submit(
        url, {**form_data(criteria, [1, 2, 3], version=1, button="save_draft"), f"score_{criteria[0].id}": "9"}
    )
    assert "Choose a score from 0 to 4, or Not scored" in visible_text(bad.data)
    assert checked(bad.data, f"score_{criteria[1].id}") == ["2"]


def test_a_save_from_an_older_page_is_refused_and_what_was_typed_is_kept(client, app, db, scene):
    url, criteria, review = scene["url"], scene["criteria"], scene["review"]
    opened = review.lock_version
    other_tab = client.submit(url, form_data(criteria, [1, 1, 1], version=opened, button="save_draft"))
    assert other_tab.status_code == 302
    stale = client.submit(
        url,
        form_data(criteria, [4, 4, 4], comments={2: "Typed in the first tab"}, version=opened, button="save_draft"),
    )
    assert stale.status_code == 200
    text = visible_text(stale.data)
    assert "This review was saved somewhere else (perhaps in another tab) since you opened this page." in text
    assert "What is saved now Weighted total: 25.00 out of 100." in text
    assert "Typed in the first tab" in stale.data.decode()
    assert checked(stale.data, f"score_{criteria[0].id}") == ["4"]
    assert [s.score for s in db.session.get(Review, review.id).scores] == [1, 1, 1]
    # The page now carries the current version: saving again keeps what was typed.
    version = re.search(r'name="version" type="hidden" value="(\d+)"', stale.data.decode())
    assert version and int(version.group(1)) == db.session.get(Review, review.id).lock_version


def test_a_submitted_review_cannot_be_posted_to(client, db, scene):
    url, criteria = scene["url"], scene["criteria"]
    client.submit(url, form_data(criteria, [2, 2, 2], recommendation="fund", version=1, button="submit_scores"))
    version = db.session.get(Review, scene["review"].id).lock_version
    # The other tab, still showing the form (any page's token will do: it is the session's).
    response = client.submit(url, form_data(criteria, [0, 0, 0], version=version, button="save_draft"))
    assert response.status_code == 302 and response.headers["Location"] == url
    assert "You have already submitted this review. Ask an officer to reopen it." in visible_text(client.get(url).data)
    assert [s.score for s in db.session.get(Review, scene["review"].id).scores] == [2, 2, 2]


# --- independence and access ----------------------------------------------------------------------


def test_others_scores_are_hidden_until_the_member_submits_their_own(client, db, scene):
    url, criteria, application = scene["url"], scene["criteria"], scene["application"]
    bea = scene["panel"].members[1]
    make_review(
        application,
        bea,
        scores={
            c.id: (s, f"Bea on {c.title}", CommentAudience.PANEL_ONLY)
            for c, s in zip(criteria, [4, 2, None], strict=True)
        },
        submit=True,
        recommendation="do_not_fund",
    )
    before = client.get(f"{url}/panel-scores")
    assert before.status_code == 302 and before.headers["Location"] == url
    page = client.get(url)
    text = visible_text(page.data)
    assert "You can see the other panel members' scores once you have submitted yours." in text
    assert "Bea" not in text and "panel-scores" not in page.data.decode()

    client.submit(url, form_data(criteria, [2, 2, 2], recommendation="fund", version=1, button="submit_scores"))
    after = client.get(f"{url}/panel-scores")
    assert after.status_code == 200
    text = visible_text(after.data)
    assert "2 of 2 panel members have submitted their scores. Each expression of interest needs at least 2." in text
    assert "Bea Member 75.00 out of 100 Recommends: Do not fund" in text
    assert "Pat Panel (you) 50.00 out of 100 Recommends: Fund" in text
    assert "Average (mean): 62.50" in text and "Spread (highest minus lowest): 25.00" in text
    assert "Bea Member 4 – Strong evidence Bea on Criterion 1" in text
    assert "Bea Member Not scored" in text
    assert (
        "1. Criterion 1 Average (mean): 3 Middle (median): 3 Lowest: 2 Highest: 4 Spread (highest minus lowest): 2"
        in text
    )


def test_another_members_review_is_not_found(client, scene, make_eligible_application):
    bea = scene["panel"].members[1]
    theirs = make_review(scene["application"], bea, scores=[1, 1, 1], submit=True)
    for path in (f"/panel/reviews/{theirs.id}", f"/panel/reviews/{theirs.id}/panel-scores", "/panel/reviews/999999"):
        assert client.get(path).status_code == 404, path
    posted = client.submit(f"/panel/reviews/{theirs.id}", {"save_draft": "x"}, from_url=scene["url"])
    assert posted.status_code == 404
    assert [s.score for s in theirs.scores] == [1, 1, 1]


def test_an_unconfirmed_review_sends_the_member_to_the_conflict_question(client, scene, make_eligible_application):
    unconfirmed = make_review(
        make_eligible_application(round_=scene["round"]), scene["panel"].members[0], confirmed=False
    )
    page = client.get(f"/panel/reviews/{unconfirmed.id}")
    assert page.status_code == 302
    assert page.headers["Location"] == f"/panel/reviews/{unconfirmed.id}/conflict"
    scores = client.get(f"/panel/reviews/{unconfirmed.id}/panel-scores")
    assert scores.status_code == 302 and scores.headers["Location"] == f"/panel/reviews/{unconfirmed.id}"


def test_a_declared_conflict_takes_away_the_eoi_its_scores_and_its_recording(client, db, scene):
    url, review, recording = scene["url"], scene["review"], scene["recording"]
    file_url = f"/applicant/files/{recording.id}"
    assert client.get(file_url).status_code == 200  # while the EOI is theirs and confirmed
    db.session.add(
        ConflictDeclaration(
            application_id=review.application_id,
            member_id=review.member_id,
            kind=ConflictKind.PERSONAL,
            note="My sister runs it",
        )
    )
    db.session.delete(db.session.get(Review, review.id))
    db.session.commit()
    for path in (url, f"{url}/panel-scores", file_url):
        assert client.get(path).status_code == 404, path
    assert "0 of 0 scored" not in visible_text(client.get("/panel/").data)


@pytest.mark.parametrize("role", ["applicant", "officer"])
def test_people_who_are_not_panel_members_cannot_use_the_panel_pages(app, scene, make_user, role):
    browser = browser_of(app, make_user(roles={Role(role)}))
    for path in ("/panel/", scene["url"], f"{scene['url']}/panel-scores"):
        assert browser.get(path).status_code == 403, path


# --- officers -------------------------------------------------------------------------------------


def test_an_officer_reads_a_review_and_reopens_it_and_the_member_can_change_it(app, client, db, scene, make_user):
    url, criteria, review = scene["url"], scene["criteria"], scene["review"]
    client.submit(
        url,
        form_data(
            criteria,
            [3, None, 1],
            recommendation="fund_with_conditions",
            note="Ask for a safeguarding lead",
            comments={0: "Good links with the mosque", 2: "Budget is thin"},
            audiences={0: "feedback", 2: "panel_only"},
            version=review.lock_version,
            button="submit_scores",
        ),
    )
    officer = browser_of(app, make_user(roles={Role.OFFICER}, full_name="Olu Officer"))
    detail = f"/officers/reviews/{review.id}"
    page = officer.get(detail)
    text = visible_text(page.data)
    assert "Review by Pat Panel" in text and "Submitted" in text
    assert "Weighted total 50.00 out of 100" in text
    assert "Recommendation Fund with conditions Ask for a safeguarding lead" in text
    assert "Score 3 – Good evidence Comment Can be shared with the group Good links with the mosque" in text
    assert "Score 1 – Limited evidence Comment Panel only Budget is thin" in text
    assert "Score Not scored Comment No comment" in text

    refused = officer.submit(f"{detail}/reopen", {"reason": "  "}, from_url=detail)
    assert refused.status_code == 200
    assert "There is a problem Give the reason for reopening this review" in visible_text(refused.data)

    reopened = officer.submit(
        f"{detail}/reopen", {"reason": "Scored before the clarification arrived"}, from_url=detail
    )
    assert reopened.status_code == 302 and reopened.headers["Location"] == detail
    text = visible_text(officer.get(detail).data)
    assert "Review reopened. Pat Panel can change their scores and submit them again." in text
    assert "Reopened because: Scored before the clarification arrived" in text
    assert "Reopen the review" not in text

    member_page = client.get(url)
    text = visible_text(member_page.data)
    assert "An officer reopened your review: Scored before the clarification arrived" in text
    assert checked(member_page.data, f"score_{criteria[0].id}") == ["3"]
    assert "Good links with the mosque" in member_page.data.decode()
    assert "Reopened" in visible_text(client.get("/panel/").data)
    version = db.session.get(Review, review.id).lock_version
    again = client.submit(
        url, form_data(criteria, [4, 2, 1], recommendation="fund", version=version, button="submit_scores")
    )
    assert again.status_code == 302
    stored = db.session.get(Review, review.id)
    assert stored.status == ReviewStatus.SUBMITTED
    assert sorted((s.criterion_id, s.score) for s in stored.scores) == [
        (c.id, v) for c, v in zip(criteria, [4, 2, 1], strict=True)
    ]


def test_the_officer_review_page_is_for_officers_only(client, scene, app, make_user):
    detail = f"/officers/reviews/{scene['review'].id}"
    assert client.get(detail).status_code == 403  # the panel member
    officer = browser_of(app, make_user(roles={Role.OFFICER}))
    assert officer.get("/officers/reviews/999999").status_code == 404
    text = visible_text(officer.get(detail).data)
    assert "Not started" in text and "Reopen the review" not in text
    assert officer.submit(f"{detail}/reopen", {"reason": "Why"}, from_url=detail).status_code == 200


def test_a_failed_security_check_keeps_the_scores_typed(client, db, scene):
    url, criteria = scene["url"], scene["criteria"]
    client.get(url)
    data = form_data(criteria, [2, None, 4], comments={2: "Typed before lunch"}, version=1, button="save_draft")
    response = client.post(url, data={**data, "csrf_token": "stale"})
    assert response.status_code == 200
    assert "This page was open for a long time, so we could not save your answers." in visible_text(response.data)
    assert "Typed before lunch" in response.data.decode()
    assert checked(response.data, f"score_{criteria[2].id}") == ["4"]
    assert db.session.get(Review, scene["review"].id).scores == []


def test_a_criterions_title_is_shown_as_text_in_the_questions_labels(client, db, scene):
    """Officers write the criteria: a title is text, never markup, wherever the form repeats it
    (the labels were once lazy translations, which Jinja does not escape)."""
    criterion = scene["criteria"][0]
    criterion.title = 'Reach <em>"new"</em> women'
    db.session.commit()
    html = client.get(scene["url"]).get_data(as_text=True)
    assert "<em>" not in html
    assert "Your score for Reach &lt;em&gt;&#34;new&#34;&lt;/em&gt; women" in html
    assert "Your comment on Reach &lt;em&gt;&#34;new&#34;&lt;/em&gt; women (optional)" in html
