"""The whole path from assignment to released decision, through the web pages only.

After the set-up (a round with three eligible EOIs from three groups, made with the factories),
every step is something a person does in their own browser: the officer moves the round to
assessment, sets up the panel and assigns EOIs in bulk; one member registers a link to a group and
another declares a conflict; the members score on their own; the officer moderates, decides (once
against the ranking) and releases the decisions; the groups read them. Each step checks what that
person sees, and what the data must be.
"""

from __future__ import annotations

import csv
import html
import io
import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus, ReviewStatus, RoundStatus
from portal.models import Application, ConflictDeclaration, FundingDecision, Locality, PanelMember, Review, Round
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import PortalClient, visible_text

PANEL_ONLY = "PANEL-ONLY-NOTE: the treasurer is a cousin of someone I know"
FOR_FEEDBACK = "Tell us how older people without a car will get to the sessions."
OVERRIDE = "The only youth project in the round; the group can run it for £2,000."
CONFLICT_NOTE = "Amina is my sister-in-law."
MEMBERS = {"rita": "Rita Resident", "vic": "Vic Partner", "sam": "Sam Shah", "dee": "Dee Okafor"}
GROUPS = {
    "a": ("Sparkhill Women's Circle", "Amina Khan"),
    "b": ("Ladywood Elders", "Bill Evans"),
    "c": ("Aston Youth Boxing", "Chris Lee"),
}


@dataclass
class Journey:
    round_: Round
    criteria: list
    eois: dict  # "a", "b", "c" → Application
    applicants: dict  # "a", "b", "c" → User
    officer_user: object
    member_users: dict  # "rita", ... → User
    officer: PortalClient | None = None
    members: dict | None = None  # "rita", ... → their browser
    queues: dict | None = None  # "rita", ... → {reference: link on their home page}

    @property
    def base(self) -> str:
        return f"/officers/rounds/{self.round_.id}"

    def ref(self, key: str) -> str:
        return self.eois[key].reference


# --- browsers and what people see ---------------------------------------------------------------


def browser_for(app, user) -> PortalClient:  # noqa: ANN001
    """``user``'s own browser, signed in through the sign-in page."""
    browser = app.test_client()
    response = browser.submit("/sign-in", {"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302, f"{user.email} could not sign in"
    return browser


def sees(browser: PortalClient, url: str) -> str:
    """What the person reads on ``url`` (which must open)."""
    response = browser.get(url)
    assert response.status_code == 200, f"GET {url} gave {response.status_code}"
    return visible_text(response.data)


def after(browser: PortalClient, response) -> str:  # noqa: ANN001
    """What the person reads on the page a form sent them to (the form must have been accepted)."""
    assert response.status_code == 302, f"the form was refused: {visible_text(response.data)[:600]}"
    return sees(browser, response.headers["Location"])


def queue(browser: PortalClient) -> dict[str, str]:
    """A member's home page: each EOI's reference, and where its link goes (the conflict question
    until they have answered it)."""
    page = browser.get("/panel/").data.decode()
    links = re.findall(r'href="(/panel/reviews/\d+(?:/conflict)?)"[^>]*>\s*(CIF-2027-\d{4}):', page)
    return {reference: href for href, reference in links}


def review_url(link: str) -> str:
    return link.removesuffix("/conflict")


def form_version(page: bytes) -> str:
    match = re.search(r'name="version" type="hidden" value="(\d+)"', page.decode())
    assert match, "the review form has no version"
    return match.group(1)


def scores_form(criteria, scores, *, version, button, recommendation="", comments=None) -> dict:  # noqa: ANN001
    """The review form as a member fills it in; ``comments``: criterion index → (text, audience)."""
    data = {"version": version, button: "x", "recommendation_note": ""}
    if recommendation:
        data["recommendation"] = recommendation
    for index, (criterion, value) in enumerate(zip(criteria, scores, strict=True)):
        comment, audience = (comments or {}).get(index, ("", "panel_only"))
        data[f"score_{criterion.id}"] = "" if value is None else str(value)
        data[f"comment_{criterion.id}"] = comment
        data[f"audience_{criterion.id}"] = audience
    return data


def score(browser: PortalClient, link: str, criteria, scores, *, recommendation: str, comments=None) -> str:  # noqa: ANN001
    """Confirm no conflict (if not yet done), save the first score as a draft, then submit them all.
    Returns what the member reads once their scores are submitted."""
    url = review_url(link)
    if link.endswith("/conflict"):
        opened = browser.submit(link, {"answer": "no"})
        assert (opened.status_code, opened.headers["Location"]) == (302, url)
    form = browser.get(url)
    assert "Submit your scores" in visible_text(form.data)
    draft = scores_form(criteria, [scores[0], None, None], version=form_version(form.data), button="save_draft")
    assert "Your scores have been saved as a draft. Your weighted total so far is" in after(
        browser, browser.submit(url, draft)
    )
    form = browser.get(url)
    sent = scores_form(
        criteria,
        scores,
        version=form_version(form.data),
        button="submit_scores",
        recommendation=recommendation,
        comments=comments,
    )
    page = after(browser, browser.submit(url, sent))
    assert "Your scores have been submitted. You can now see the other panel members' scores." in page
    return page


def feedback_prefilled(page: bytes) -> str:
    match = re.search(r'<textarea[^>]*name="feedback"[^>]*>(.*?)</textarea>', page.decode(), re.S)
    assert match, "the decision form has no feedback box"
    return html.unescape(match.group(1)).strip()


# --- the set-up (factories) -----------------------------------------------------------------------


def set_up(db, make_round, make_user, make_organisation, make_eligible_application) -> Journey:  # noqa: ANN001
    """An open round with two work streams (budgets £5,000 and £2,000) and three EOIs found eligible,
    each asking for £3,000 and working in Hall Green: A and B in work stream 1 (so the budget line
    falls between them), C in work stream 2 (whose whole budget is less than C asks for). An officer,
    and four people with accounts who will sit on the panel."""
    round_ = make_round(title="Community grants 2027", reference_prefix="CIF-2027-")
    first, second = round_.work_streams
    first.budget, second.budget = Decimal("5000"), Decimal("2000")
    db.session.add(Locality(name="Hall Green", position=0))
    db.session.commit()
    eois, applicants = {}, {}
    for key, (group_name, person) in GROUPS.items():
        applicant = make_user(full_name=person, email=f"{person.split()[0].lower()}@groups.example.org")
        group = make_organisation(members=[applicant], name=group_name)
        eois[key] = make_eligible_application(round_=round_, organisation=group, applicant=applicant)
        applicants[key] = applicant
    eois["c"].work_stream = second
    db.session.add(Locality(name="Ladywood", position=1))  # where no EOI works
    db.session.commit()
    return Journey(
        round_=round_,
        criteria=sorted(round_.criteria, key=lambda c: c.position),
        eois=eois,
        applicants=applicants,
        officer_user=make_user(roles={Role.OFFICER}, full_name="Olu Officer", email="olu@council.example.org"),
        member_users={
            key: make_user(full_name=name, email=f"{key}@panel.example.org") for key, name in MEMBERS.items()
        },
    )


# --- the steps ------------------------------------------------------------------------------------


def officer_sets_up_the_panel(app, db, j: Journey) -> None:  # noqa: ANN001
    """1. The officer closes the round and starts assessment, sets up the panel (2 reviewers each)
    and adds four members; Rita registers her link with Ladywood Elders (B)."""
    j.officer = officer = browser_for(app, j.officer_user)
    for status, label in (("closed", "Closed"), ("in_assessment", "In assessment")):
        page = after(officer, officer.submit(f"{j.base}/status", {"status": status}, from_url=j.base))
        assert f"The round is now {label}." in page
    assert db.session.get(Round, j.round_.id).status == RoundStatus.IN_ASSESSMENT

    page = after(officer, officer.submit(f"{j.base}/panel", {}))
    assert "The panel is set up with the usual rules. Now add its members." in page
    page = after(officer, officer.submit(f"{j.base}/panel/rules", {"minimum_reviewers": "2", "spread_threshold": "25"}))
    assert "The panel's rules are saved." in page
    assert "Reviewers each EOI needs 2 panel members without a conflict of interest" in page
    for key, user in j.member_users.items():
        kind = "voluntary_sector_partner" if key == "vic" else "resident"
        form = {"email": user.email, "kind": kind, "profile": f"{user.full_name} lives locally."}
        added = officer.submit(f"{j.base}/panel/members", form, from_url=f"{j.base}/panel")
        assert f"{user.full_name} is on the panel." in after(officer, added)

    j.members = {key: browser_for(app, user) for key, user in j.member_users.items()}
    rita = j.members["rita"]
    link = {"organisation": str(j.eois["b"].organisation_id), "kind": "trustee", "note": "I chair its committee."}
    page = after(rita, rita.submit("/panel/interests?q=ladywood", link))
    assert "Ladywood Elders is in your register. You will not be asked to score its EOIs." in page


def officer_assigns_in_bulk(db, j: Journey) -> None:  # noqa: ANN001
    """2. Three members per EOI, the work shared evenly: Rita is never given Ladywood Elders."""
    officer, url = j.officer, f"{j.base}/panel/assignments"
    page = sees(officer, url)
    assert "3 EOIs have fewer than 2 reviewers without a conflict" in page
    page = after(officer, officer.submit(f"{url}/bulk", {"mode": "number", "per_eoi": "3"}, from_url=url))
    assert "9 assignments made." in page
    assert "Every EOI has at least 2 reviewers without a conflict." in page
    assert page.count("3 of 2") == 3
    assert "3 of 2 Rita Resident: linked in their register of interests Nobody else can score it" in page

    member_ids = {
        user_id: member_id for member_id, user_id in db.session.execute(select(PanelMember.id, PanelMember.user_id))
    }
    pairs = set(db.session.execute(select(Review.application_id, Review.member_id)).all())
    assert len(pairs) == 9
    on_b = {member for eoi, member in pairs if eoi == j.eois["b"].id}
    assert member_ids[j.member_users["rita"].id] not in on_b
    assert on_b == {member_ids[j.member_users[key].id] for key in ("vic", "sam", "dee")}
    j.queues = {key: queue(browser) for key, browser in j.members.items()}
    assert set(j.queues["rita"]) == {j.ref("a"), j.ref("c")}
    assert set(j.queues["vic"]) == {j.ref("a"), j.ref("b"), j.ref("c")}


def rita_declares_a_conflict(db, j: Journey) -> None:  # noqa: ANN001
    """3a. Rita declares a conflict on the Women's Circle (A): it leaves her queue, and its pages
    are not found for her."""
    rita = j.members["rita"]
    assert "0 of 2 scored" in sees(rita, "/panel/")
    conflict_url = j.queues["rita"][j.ref("a")]
    page = sees(rita, conflict_url)
    assert "Do you have a conflict of interest with this group?" in page
    assert "We know our community well." not in page  # no answers before the question is answered
    declared = rita.submit(conflict_url, {"answer": "yes", "kind": "personal", "note": CONFLICT_NOTE})
    page = after(rita, declared)
    assert "You will not see this EOI again. Thank you for telling us." in page
    assert j.ref("a") not in page and "0 of 1 scored" in page
    for url in (conflict_url, review_url(conflict_url), review_url(conflict_url) + "/panel-scores"):
        assert rita.get(url).status_code == 404, url
    assert db.session.scalar(select(ConflictDeclaration.note)) == CONFLICT_NOTE
    page = sees(j.officer, f"{j.base}/panel/assignments")
    assert f"2 of 2 Rita Resident: declared a personal conflict ({CONFLICT_NOTE})" in page
    assert "Every EOI has at least 2 reviewers without a conflict." in page


def members_score(db, j: Journey) -> None:  # noqa: ANN001
    """3b. Each member scores on their own: a draft, then the submission. Vic cannot see Sam's
    scores for Ladywood Elders (B) until he has submitted his own; then he can."""
    m, q, criteria = j.members, j.queues, j.criteria
    a, b, c = j.ref("a"), j.ref("b"), j.ref("c")
    score(m["vic"], q["vic"][a], criteria, [4, 4, 3], recommendation="fund")  # 91.67
    score(m["sam"], q["sam"][a], criteria, [4, 3, 3], recommendation="fund")  # 83.33

    score(m["sam"], q["sam"][b], criteria, [3, 2, 2], recommendation="fund_with_conditions")  # 58.33
    vic, vic_b = m["vic"], review_url(q["vic"][b])
    vic.submit(q["vic"][b], {"answer": "no"})
    early = vic.get(f"{vic_b}/panel-scores")
    assert (early.status_code, early.headers["Location"]) == (302, vic_b)
    page = sees(vic, vic_b)
    assert "You can see the other panel members' scores once you have submitted yours." in page
    assert "Sam Shah" not in page and "58.33" not in page
    comments = {0: (FOR_FEEDBACK, "feedback"), 1: (PANEL_ONLY, "panel_only")}
    page = score(vic, q["vic"][b], criteria, [2, 2, 1], recommendation="do_not_fund", comments=comments)  # 41.67
    assert "See the panel's scores for this expression of interest" in page
    page = sees(vic, f"{vic_b}/panel-scores")
    assert "2 of 3 panel members have submitted their scores. Each expression of interest needs at least 2." in page
    assert "Sam Shah 58.33 out of 100 Recommends: Fund with conditions" in page
    assert "Vic Partner (you) 41.67 out of 100 Recommends: Do not fund" in page
    score(m["dee"], q["dee"][b], criteria, [1, 1, 1], recommendation="do_not_fund")  # 25.00

    score(m["rita"], q["rita"][c], criteria, [3, 3, 3], recommendation="fund")
    score(m["vic"], q["vic"][c], criteria, [4, 3, 3], recommendation="fund")
    score(m["dee"], q["dee"][c], criteria, [3, 3, 2], recommendation="fund")

    assert "1 of 1 scored" in sees(m["rita"], "/panel/")
    assert "3 of 3 scored" in sees(vic, "/panel/")
    for eoi in j.eois.values():
        assert db.session.get(Application, eoi.id).status == ApplicationStatus.SCORED
    assert set(db.session.scalars(select(Review.status))) == {ReviewStatus.SUBMITTED}


def officer_moderates(j: Journey) -> None:
    """4. The meeting for work stream 1: scores, flags and leniency; an agreed score for B; the
    ranking with the line where the money runs out; the localities above the line."""
    officer, a, b = j.officer, j.ref("a"), j.ref("b")
    url = f"{j.base}/moderation?stream={j.round_.work_streams[0].id}"
    page = sees(officer, url)
    assert "2 EOIs with the panel. Each needs 2 reviews without a conflict." in page
    # Spreads are of the totals as shown (to 2 places): 91.67 - 83.33.
    assert (
        f"{a} Sparkhill Women's Circle Women's conversation cafe (Hall Green) £3,000 Moderate {a} "
        "Mean 87.50 Median 87.50 Lowest 83.33 Highest 91.67 Spread 8.34 Agreed: not yet "
        "2 reviews: 91.67 by Vic Partner , 83.33 by Sam Shah 1 conflict declared"
    ) in page
    assert (
        "Mean 41.67 Median 41.67 Lowest 25.00 Highest 58.33 Spread 33.33 Agreed: not yet "
        "3 reviews: 25.00 by Dee Okafor , 41.67 by Vic Partner , 58.33 by Sam Shah Scores far apart"
    ) in page
    members = sees(officer, f"{j.base}/moderation/members")  # linked from the page: leniency over the round
    assert "See how each member scores compared with the rest of the panel" in page
    assert "Dee Okafor -18.75, harsher based on 2 EOIs" in members
    assert "Sam Shah +8.33, more generous based on 2 EOIs" in members

    moderate_b = f"/officers/applications/{j.eois['b'].id}/moderation"
    rationale = "Sam and Dee talked it through: a good idea, thin on how people get there."
    agreed = officer.submit(
        f"/officers/applications/{j.eois['b'].id}/agreed-score",
        {"score": "45", "rationale": rationale},
        from_url=moderate_b,
    )
    page = after(officer, agreed)
    assert "Agreed score saved. The ranking now uses it." in page
    assert f"45.00 – {rationale} Recorded by Olu Officer" in page

    page = sees(officer, url)
    ranking = page[page.index("The ranking against the budget of £5,000") :]
    assert (
        f"1 {a} Sparkhill Women's Circle Decide {a} 87.50 mean £3,000 total £3,000 "
        "Budget line The money runs out here: £3,000 of £5,000 "
        f"2 {b} Ladywood Elders Decide {b} 45.00 agreed £3,000 total £6,000"
    ) in ranking
    assert (
        "Where the money above the line goes Locality EOIs Amount Hall Green 1 £3,000.00 Ladywood None above the line"
    ) in page


def officer_decides(app, db, j: Journey) -> dict:  # noqa: ANN001
    """5. Fund A (less than it asked for), do not fund B (feedback pre-filled from the comments for
    feedback only), fund C against the ranking: refused without saying why, accepted with a reason.
    Returns each group's browser; before the release their pages show no decision."""
    officer = j.officer
    decide = {key: f"/officers/applications/{eoi.id}/decision" for key, eoi in j.eois.items()}
    too_much = officer.submit(decide["a"], {"outcome": "fund", "amount": "3500", "reason": "Top of the ranking."})
    assert "cannot be more than the group asked for (£3,000.00)" in visible_text(too_much.data)
    fund_a = {
        "outcome": "fund",
        "amount": "2500",
        "conditions": "Send us your receipts.",
        "reason": "Top of the ranking.",
    }
    assert f"Decision saved for {j.ref('a')}." in after(officer, officer.submit(decide["a"], fund_a))

    form_b = officer.get(decide["b"])
    assert "Place in the ranking 2 of 2, below the budget line" in visible_text(form_b.data)
    prefilled = feedback_prefilled(form_b.data)
    assert prefilled == f"Criterion 1\n- {FOR_FEEDBACK}"
    assert "PANEL-ONLY-NOTE" not in form_b.data.decode()
    decline_b = {
        "outcome": "do_not_fund",
        "feedback": f"Thank you for applying.\n\n{prefilled}",
        "reason": "Below the budget line.",
    }
    assert f"Decision saved for {j.ref('b')}." in after(officer, officer.submit(decide["b"], decline_b))

    assert "This EOI is below the budget line. Funding it goes against the ranking" in sees(officer, decide["c"])
    fund_c = {"outcome": "fund", "amount": "2000", "reason": "Youth work is a priority."}
    refused = officer.submit(decide["c"], fund_c)
    assert refused.status_code == 200
    assert "There is a problem Say why this decision goes against the ranking" in visible_text(refused.data)
    assert db.session.scalar(select(FundingDecision).where(FundingDecision.application_id == j.eois["c"].id)) is None
    page = after(officer, officer.submit(decide["c"], {**fund_c, "override_reason": OVERRIDE}))
    assert "Funded £2,500 of a budget of £5,000. £2,500 left." in page
    assert "Funded £2,000 of a budget of £2,000. £0 left." in page
    assert f"Youth work is a priority. Goes against the ranking {OVERRIDE}" in page

    groups = {key: browser_for(app, user) for key, user in j.applicants.items()}
    for key, eoi in j.eois.items():
        page = sees(groups[key], f"/applicant/applications/{eoi.id}/status")
        assert "With the panel Now" in page
        assert "The decision" not in page and "Good news" not in page and "We are sorry" not in page
    return groups


def officer_releases(db, j: Journey, groups: dict, outbox: list) -> None:  # noqa: ANN001
    """6. The release: every group is e-mailed and sees its decision; nothing marked for the panel
    only, nor the officer's reasons, reaches a group."""
    url = f"{j.base}/decisions"
    page = after(j.officer, j.officer.submit(f"{url}/release", {"confirm": "y"}, from_url=url))
    assert "3 decisions released. Each group has been e-mailed and can see its decision." in page
    assert db.session.get(Round, j.round_.id).status == RoundStatus.DECIDED

    mail = {m["to"]: m["body"] for m in outbox if m["template"] == "decision_released"}
    to = {key: mail[user.email] for key, user in j.applicants.items()}
    assert len(mail) == 3
    assert "Good news: we will fund your project with £2,500." in to["a"]
    assert "We are sorry, but we cannot fund your project this time." in to["b"]
    assert f"http://localhost/applicant/applications/{j.eois['b'].id}/status" in to["b"]
    assert "Good news: we will fund your project with £2,000." in to["c"]

    seen = {key: sees(groups[key], f"/applicant/applications/{eoi.id}/status") for key, eoi in j.eois.items()}
    assert "Decision Now" in seen["a"]
    assert "The decision Funded Good news: we will fund your project with £2,500." in seen["a"]
    assert "Conditions of the grant Send us your receipts." in seen["a"]
    assert "Not funded We are sorry, but we cannot fund your project this time." in seen["b"]
    assert f"Feedback from the panel Thank you for applying. Criterion 1 - {FOR_FEEDBACK}" in seen["b"]
    assert "The decision Funded Good news: we will fund your project with £2,000." in seen["c"]
    for text in [*seen.values(), *(m["body"] for m in outbox)]:
        assert "PANEL-ONLY-NOTE" not in text
        for private in ("Top of the ranking.", "Below the budget line.", OVERRIDE, CONFLICT_NOTE):
            assert private not in text


def members_read_the_meeting(j: Journey) -> None:
    """6b. The read-only meeting view: Rita sees none of the numbers of the EOI she declared a
    conflict on (nor of the group she is linked to); Vic, who scored both, sees them."""
    url = f"/panel/rounds/{j.round_.id}/moderation"
    page = sees(j.members["rita"], url)
    assert "You cannot change anything here." in page
    assert (
        f"{j.ref('a')} Sparkhill Women's Circle Women's conversation cafe (Hall Green) £3,000 "
        "You declared a conflict on this EOI"
    ) in page
    assert "Ladywood Elders Women's conversation cafe (Hall Green) £3,000 Your register of interests links you" in page
    for number in ("87.50", "91.67", "83.33", "8.34", "45.00", "£2,500"):
        assert number not in page, number
    assert "Not shown to you" in page and "Not decided" not in page  # A is decided, but not for her eyes
    assert "more generous" not in page and "harsher" not in page  # leniency could give scores away
    assert "Mean 87.50 Median 87.50" in sees(j.members["vic"], url)


def decision_pack_lists_the_decisions(j: Journey) -> None:
    """7. The decision pack's decisions sheet, with the reason for going against the ranking."""
    sheet = j.officer.get(f"{j.base}/decision-pack.csv?sheet=decisions")
    assert sheet.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(sheet.data.decode("utf-8-sig"))))
    assert [
        (r["reference"], r["outcome"], r["amount"], r["rank_at_decision"], r["within_budget_at_decision"]) for r in rows
    ] == [
        (j.ref("a"), "fund", "2500.00", "1", "yes"),
        (j.ref("b"), "do_not_fund", "", "2", "no"),
        (j.ref("c"), "fund", "2000.00", "1", "no"),
    ]
    assert [r["override_reason"] for r in rows] == ["", "", OVERRIDE]
    assert rows[1]["feedback"] == f"Thank you for applying.\n\nCriterion 1\n- {FOR_FEEDBACK}"
    assert all(r["decided_by"] == "Olu Officer" and r["released_at"] for r in rows)


# --- the journey ----------------------------------------------------------------------------------


def test_from_assignment_to_released_decision(
    app, db, outbox, make_round, make_user, make_organisation, make_eligible_application
):
    journey = set_up(db, make_round, make_user, make_organisation, make_eligible_application)
    officer_sets_up_the_panel(app, db, journey)
    officer_assigns_in_bulk(db, journey)
    rita_declares_a_conflict(db, journey)
    members_score(db, journey)
    officer_moderates(journey)
    groups = officer_decides(app, db, journey)
    officer_releases(db, journey, groups, outbox)
    members_read_the_meeting(journey)
    decision_pack_lists_the_decisions(journey)
