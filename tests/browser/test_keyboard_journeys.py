"""The three journeys groups and panel members make, with the keyboard alone (issue #7, item 2;
WCAG 2.1.1 keyboard, 2.4.3 focus order, 2.4.7 focus visible):

- an applicant writes and sends a whole expression of interest, from their home page to "sent";
- a panel member confirms they have no conflict, scores, comments, recommends and submits;
- a grantee writes a return (figures, a story with consent, spend) and sends it.

Only ``page.keyboard`` moves and types: Tab, Shift+Tab, Enter, Space, the arrow keys and typing.
At every Tab the focused element must show a focus indicator, and on every page the elements the
Tab key reaches inside ``<main>`` must follow the page's visual order: none may sit wholly above
the one focused before it.

The scenes are plain functions (``eoi_scene``, ``review_scene``, ``return_scene``) so the no-JS
and reflow tests build the same states.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Page

from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus, AwardStatus, ReturnStatus, ReviewStatus
from portal.extensions import db
from portal.models import Application, Locality, OutputReturn, Review
from portal.services import returns
from tests import factories
from tests.conftest import phone_code
from tests.factories import DEFAULT_PASSWORD

MAX_TABS = 120

# What the focused element is, where it is and whether it shows that it has focus. GOV.UK Frontend
# shows focus on the element itself (outline, box-shadow: links, buttons, inputs) or, for radios and
# checkboxes whose input is visually hidden, on the label's ::before ring.
DESCRIBE_FOCUS = r"""() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const seen = (colour) => colour && colour !== 'transparent' && !/rgba\([^)]*,\s*0\)$/.test(colour);
    const shows = (style) => style && style.opacity !== '0' && (
        (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 && seen(style.outlineColor))
        || (style.boxShadow && style.boxShadow !== 'none' && seen(style.boxShadow.match(/rgba?\([^)]*\)/)?.[0])));
    // A radio or a checkbox is an invisible input: its focus ring is drawn on its label.
    const ringed = /^(radio|checkbox)$/.test(el.type) && el.labels && el.labels.length;
    const visible = ringed
        ? shows(getComputedStyle(el.labels[0], '::before'))
        : shows(getComputedStyle(el));
    const box = (el.matches('input[type=radio], input[type=checkbox]') && el.labels && el.labels.length
        ? el.labels[0] : el).getBoundingClientRect();
    return {
        tag: el.tagName.toLowerCase(), type: el.getAttribute('type'), id: el.id, name: el.getAttribute('name'),
        value: el.value === undefined ? null : el.value, checked: !!el.checked,
        inputmode: el.getAttribute('inputmode'),
        text: (el.innerText || '').trim().replace(/\s+/g, ' '),
        inMain: !!el.closest('main'), visible: visible,
        top: box.top + window.scrollY, bottom: box.bottom + window.scrollY, left: box.left,
    };
}"""


Matcher = Callable[[dict[str, Any]], bool]


def by_id(element_id: str) -> Matcher:
    return lambda f: f["id"] == element_id


def by_name(name: str) -> Matcher:
    return lambda f: f["name"] == name


def button(text: str) -> Matcher:
    return lambda f: (
        f["inMain"] and (f["tag"] == "button" or f["type"] == "submit") and (f["text"] or f["value"]) == text
    )


def link(text: str) -> Matcher:
    return lambda f: f["inMain"] and f["tag"] == "a" and f["text"].startswith(text)


@dataclass
class Step:
    """When the focus reaches an element ``matches`` accepts, ``type`` text into it and/or press
    ``keys`` (Space to tick, arrows to choose a radio, Enter to follow or submit)."""

    matches: Matcher
    type: str = ""
    keys: tuple[str, ...] = ()
    what: str = ""


@dataclass
class Walk:
    visited: list[dict[str, Any]] = field(default_factory=list)


def walk(page: Page, *steps: Step, navigates: bool = True) -> Walk:
    """Tab through the page from the top, doing each step when its element has focus, in order.

    Every focused element must show its focus, and the elements reached inside ``<main>`` must go
    down the page. The last step's keys (usually Enter on a button or link) are pressed after the
    order is checked; with ``navigates`` the walk waits for the next page."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    pending = list(steps)
    record = Walk()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(DESCRIBE_FOCUS)
        if focused is None:
            continue
        assert focused["visible"], f"{page.url}: the focused {_name(focused)} shows no focus indicator"
        if focused["inMain"]:
            record.visited.append(focused)
        step = pending[0]
        if not step.matches(focused):
            continue
        pending.pop(0)
        if step.type:
            page.keyboard.type(step.type)
        if pending:
            for key in step.keys:
                page.keyboard.press(key)
            if any(key.startswith("Arrow") for key in step.keys):
                after = page.evaluate(DESCRIBE_FOCUS)
                assert after and after["visible"], f"{page.url}: the radio chosen with the arrows shows no focus"
            continue
        assert_in_visual_order(page, record.visited)
        if navigates:
            with page.expect_navigation():
                for key in step.keys:
                    page.keyboard.press(key)
        else:
            for key in step.keys:
                page.keyboard.press(key)
        return record
    raise AssertionError(
        f"{page.url}: the Tab key never reached {pending[0].what or pending[0].matches} in {MAX_TABS} presses; "
        f"it reached: {[_name(f) for f in record.visited]}"
    )


def _name(focused: dict[str, Any]) -> str:
    return f"<{focused['tag']} id={focused['id']!r} name={focused['name']!r}> {focused['text'][:40]!r}"


def assert_in_visual_order(page: Page, visited: list[dict[str, Any]]) -> None:
    """No element the Tab key reached sits wholly above the one reached before it (a row of
    buttons or radios side by side is fine: they overlap vertically)."""
    assert visited, f"{page.url}: the Tab key reached nothing inside <main>"
    for before, after in zip(visited, visited[1:], strict=False):
        if before["id"] and before["id"] == after["id"]:
            continue  # the same element (a radio group re-entered after an arrow key)
        assert after["bottom"] > before["top"], (
            f"{page.url}: the focus order jumps up the page, from {_name(before)} (top {before['top']:.0f}) "
            f"to {_name(after)} (bottom {after['bottom']:.0f})"
        )


def submit_button() -> Matcher:
    return lambda f: f["inMain"] and (f["tag"] == "button" or f["type"] == "submit")


def keyboard_sign_in(page: Page, user, *, enhanced: bool = True) -> None:  # noqa: ANN001
    """Sign in through the form with the keyboard, with the authenticator code when asked for it."""
    page.goto("/sign-in")
    if enhanced:
        wait_for_enhancements(page)
    walk(
        page,
        Step(by_name("email"), user.email),
        Step(by_name("password"), DEFAULT_PASSWORD),
        Step(button("Sign in"), keys=("Enter",)),
    )
    if page.url.endswith("/sign-in/code"):
        walk(page, Step(by_name("code"), phone_code(user)), Step(submit_button(), keys=("Enter",)))
    assert "/sign-in" not in page.url, f"{user.email} could not sign in: still on {page.url}"


def wait_for_enhancements(page: Page) -> None:
    page.wait_for_function("() => document.body.classList.contains('govuk-frontend-supported')")


def assert_heading(page: Page, text: str) -> None:
    heading = page.locator("h1").inner_text()
    assert heading == text, f"{page.url}: the page says {heading!r}, not {text!r}"


# --- the scenes ------------------------------------------------------------------------------------


def eoi_scene() -> dict[str, Any]:
    """An applicant in a group with an empty draft EOI for an open round."""
    user = factories.make_user(roles={Role.APPLICANT}, full_name="Amina Applicant")
    group = factories.make_organisation(members=[user], name="Nechells Family Learning")
    round_ = factories.make_round(title="Community grants 2027")
    db.session.add(Locality(name="Ladywood"))
    db.session.commit()
    draft = factories.make_application(round_=round_, organisation=group, applicant=user)
    return {"user": user, "application": draft.id, "criteria": len(round_.criteria)}


def review_scene() -> dict[str, Any]:
    """A panel member with one EOI to review, not yet past the conflict-of-interest question."""
    member = factories.make_user(roles={Role.PANEL_MEMBER}, full_name="Pat Panel")
    round_ = factories.make_round(title="Community grants 2027")
    panel = factories.make_panel(round_=round_, members=[member, factories.make_user(roles={Role.PANEL_MEMBER})])
    application = factories.make_eligible_application(round_=round_, complete=True, title="Women's conversation cafe")
    review = factories.make_review(application, panel.members[0], confirmed=False)
    criteria = [c.id for c in round_.criteria if not c.is_archived]
    return {"user": member, "review": review.id, "criteria": criteria}


def return_scene() -> dict[str, Any]:
    """A group with an accepted grant whose first return is due."""
    award = factories.make_award(status=AwardStatus.ACCEPTED)
    due, _final = returns.create_for_award(award, by=None)
    db.session.commit()
    user = award.application.organisation.members[0].user
    return {"user": user, "return": due.id}


# --- the journeys ----------------------------------------------------------------------------------

ANSWER = "We have run family reading sessions for three years."


def test_a_whole_eoi_with_the_keyboard_alone(page: Page, app):  # noqa: ANN001
    scene = eoi_scene()
    keyboard_sign_in(page, scene["user"])
    assert_heading(page, "Your applications")

    walk(page, Step(link("Untitled application"), keys=("Enter",)))
    assert_heading(page, "Your application")
    walk(page, Step(link("Your project"), keys=("Enter",)))

    save = Step(button("Save and continue"), keys=("Enter",), what="Save and continue")
    walk(page, Step(by_id("title"), "Family reading club"), Step(by_id("summary"), "Parents and children read."), save)
    # The theme: the first radio, chosen with Space.
    walk(page, Step(lambda f: f["type"] == "radio", keys=("Space",), what="a theme"), save)
    walk(
        page, Step(by_id("who_benefits"), "Families learning English"), Step(by_id("localities"), keys=("Space",)), save
    )
    walk(page, Step(by_id("activities"), "Weekly sessions at the library."), Step(by_id("timescale"), "Autumn"), save)
    walk(
        page,
        Step(lambda f: f["inputmode"] == "numeric", "30", what="the first number"),
        Step(lambda f: f["tag"] == "textarea", "Stories the families write", what="the first description"),
        save,
    )
    assert_heading(page, "Questions about your group and project")
    walk(page, Step(link("Answer"), keys=("Enter",)))
    for _ in range(scene["criteria"]):
        walk(page, Step(by_id("text"), ANSWER), save)
    assert_heading(page, "Questions about your group and project")
    walk(page, Step(link("Back to your application"), keys=("Enter",)))
    walk(page, Step(link("Your budget"), keys=("Enter",)))
    walk(
        page,
        Step(by_id("amount"), "2000"),
        Step(by_id("lines-0-description"), "Books"),
        Step(by_id("lines-0-amount"), "2000"),
        save,
    )
    # Partners: arrows move through a radio group and choose as they go ("No").
    walk(page, Step(by_name("has_partners"), keys=("ArrowDown",)), save)
    walk(page, Step(by_id("confirm_true"), keys=("Space",)), Step(by_id("confirm_allowed"), keys=("Space",)), save)

    assert_heading(page, "Your application")
    assert "You have completed 9 of 9 sections." in page.locator("main").inner_text()
    walk(page, Step(link("Check your answers"), keys=("Enter",)))
    walk(page, Step(button("Send application"), keys=("Enter",)))

    assert_heading(page, "Application sent")
    application = db.session.get(Application, scene["application"])
    db.session.refresh(application)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.title == "Family reading club"
    assert application.reference in page.locator(".govuk-panel").inner_text()


def test_a_whole_review_with_the_keyboard_alone(page: Page, app):  # noqa: ANN001
    scene = review_scene()
    first, second, third = scene["criteria"]
    keyboard_sign_in(page, scene["user"])

    walk(page, Step(lambda f: f["tag"] == "a" and "Women's conversation cafe" in f["text"], keys=("Enter",)))
    assert_heading(page, "Do you have a conflict of interest?")
    # "No, I have no conflict of interest" comes first: Space chooses it.
    walk(page, Step(by_name("answer"), keys=("Space",)), Step(button("Continue"), keys=("Enter",)))

    assert page.url.endswith(f"/panel/reviews/{scene['review']}"), page.url
    walk(
        page,
        Step(by_name(f"score_{first}"), keys=("ArrowUp", "ArrowUp"), what="the first score"),  # 3
        Step(by_name(f"comment_{first}"), "They know the women they work with."),
        Step(by_name(f"score_{second}"), keys=("ArrowUp",), what="the second score"),  # 4
        Step(by_name(f"score_{third}"), keys=("ArrowUp",) * 4, what="the third score"),  # 1
        Step(by_name(f"comment_{third}"), "Little about how they will reach people."),
        Step(by_name("recommendation"), keys=("ArrowDown",), what="the recommendation"),  # with conditions
        Step(by_name("recommendation_note"), "Only with a safeguarding lead named."),
        Step(button("Submit your scores"), keys=("Enter",)),
    )

    assert page.locator("h1").inner_text().startswith("Your scores for")
    db.session.expire_all()
    review = db.session.get(Review, scene["review"])
    assert review.status == ReviewStatus.SUBMITTED
    assert review.no_conflict_confirmed_at is not None
    assert review.recommendation.value == "fund_with_conditions"
    assert review.recommendation_note == "Only with a safeguarding lead named."
    scores = {s.criterion_id: (s.score, s.comment) for s in review.scores}
    assert scores == {
        first: (3, "They know the women they work with."),
        second: (4, None),
        third: (1, "Little about how they will reach people."),
    }


def test_a_whole_return_with_the_keyboard_alone(page: Page, app):  # noqa: ANN001
    scene = return_scene()
    keyboard_sign_in(page, scene["user"])

    walk(page, Step(link("Your output returns"), keys=("Enter",)))
    assert_heading(page, "Your returns")
    walk(page, Step(lambda f: f["tag"] == "a" and f["text"].startswith("Return 1"), keys=("Enter",), what="return 1"))
    walk(page, Step(link("Add a story"), keys=("Enter",)))
    assert_heading(page, "Add a story")
    walk(
        page,
        Step(by_id("title"), "Finding my voice"),
        Step(by_id("body"), "I came to the cafe and now I speak at meetings."),
        # The first choice is "only for the council"; one arrow down: published without names.
        Step(by_name("consent"), keys=("ArrowDown",), what="the consent"),
        Step(button("Add the story"), keys=("Enter",)),
    )
    assert "Finding my voice" in page.locator("main").inner_text()

    # Each figure the group agreed to report: a number, or words for a measure described in words.
    measures = page.eval_on_selector_all(
        "#return-form [name^='m']", "els => els.map(e => [e.id, e.tagName.toLowerCase()])"
    )
    assert measures, "the return asks for no figures"
    figures = [Step(by_id(i), "12" if tag == "input" else "Twelve women spoke at the meeting.") for i, tag in measures]
    walk(
        page,
        *figures,
        Step(by_id("spend_to_date"), "1250"),
        Step(by_id("went_well"), "Women came back every week."),
        Step(by_id("was_hard"), "Finding a room on Saturdays."),
        Step(by_id("confirm"), keys=("Space",)),
        Step(button("Send this return"), keys=("Enter",)),
    )

    assert "Error" not in page.title(), page.locator(".govuk-error-summary").all_inner_texts()
    db.session.expire_all()
    output_return = db.session.get(OutputReturn, scene["return"])
    assert output_return.status == ReturnStatus.SUBMITTED
    assert str(output_return.spend_to_date) in {"1250", "1250.00"}
    assert [s.title for s in output_return.stories] == ["Finding my voice"]
    assert output_return.stories[0].consent.value == "public_anonymous"
