"""Officers' award pages: the round's awards with totals per work stream, one award's terms, and the
pages that change each part (amount and dates, conditions, payments, targets, return dates) and
withdraw it. Each form keeps what was typed on an error; an accepted award is read-only; only
officers reach these pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from portal.domain.awards import Instalment, LetterKind, PaymentTrigger
from portal.domain.roles import Role
from portal.domain.workflow import AwardStatus, ReturnStatus
from portal.extensions import db as _db
from portal.models import Award, BankDetails, Letter
from portal.services import awards
from tests import factories
from tests.helpers import csrf_token_from, page_title, visible_text


class _FormReader(HTMLParser):
    """What a browser would send for the page's first POST form (other than the header's sign-out)."""

    def __init__(self, action: str | None) -> None:
        super().__init__()
        self.action, self.values, self._in_form, self._select, self._textarea = action, {}, False, None, None
        self._first_option: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        a = dict(attrs)
        if tag == "form" and a.get("method") == "post":
            self._in_form = (a.get("action") or None) == self.action and not self.values
        if not self._in_form:
            return
        if tag == "input" and a.get("name") and a.get("type") not in {"submit", "button"}:
            if a.get("type") != "checkbox" or "checked" in a:
                self.values[a["name"]] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values[a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select:
            self._first_option.setdefault(self._select, a.get("value", ""))
            if "selected" in a:
                self.values[self._select] = a.get("value", "")

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag == "form":
            self._in_form = False
        elif tag == "select" and self._select:
            self.values.setdefault(self._select, self._first_option.get(self._select, ""))
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):  # noqa: ANN001
        if self._textarea:
            self.values[self._textarea] += data.lstrip("\n") if not self.values[self._textarea] else data


def form_values(html: bytes, action: str | None = None) -> dict[str, str]:
    reader = _FormReader(action)
    reader.feed(html.decode())
    return reader.values


def fill(client, url: str, changes: dict[str, str]):  # noqa: ANN001, ANN201
    """Open the form, change some boxes, and send it as a browser would."""
    values = form_values(client.get(url).data)
    return client.post(url, data={**values, **changes})


def date_parts(name: str, day: date | None) -> dict[str, str]:
    parts = (str(day.day), str(day.month), str(day.year)) if day else ("", "", "")
    return dict(zip((f"{name}-day", f"{name}-month", f"{name}-year"), parts, strict=True))


@pytest.fixture
def award(app):  # noqa: ANN001, ANN201
    """An offer of £3,000 (what the group asked for), from 1 April 2027 to 31 March 2028."""
    return factories.make_award(amount="3000")


@pytest.fixture
def officer(login_as):  # noqa: ANN001, ANN201
    return login_as("officer", full_name="Olu Officer")


def _url(award: Award, part: str = "") -> str:
    return f"/officers/awards/{award.id}" + (f"/{part}" if part else "")


def _reload(award: Award) -> Award:
    return _db.session.get(Award, award.id)


# --- the round's awards ------------------------------------------------------------------------------


def test_the_round_lists_each_award_with_its_status_letter_bank_details_and_totals(client, award, officer):
    round_ = award.application.round
    accepted = factories.make_award(
        application=factories.make_application(round_=round_, submit=True),
        amount="2500.50",
        status=AwardStatus.ACCEPTED,
        accepted_on=date(2027, 3, 2),
    )
    withdrawn = factories.make_award(
        application=factories.make_application(round_=round_, submit=True), amount="1000", status=AwardStatus.WITHDRAWN
    )
    other_round = factories.make_award(amount="1200")
    _db.session.add(
        BankDetails(award_id=accepted.id, account_name="Group", sort_code="309430", account_number="00733445")
    )
    for version in (1, 2):
        _db.session.add(
            Letter(
                application_id=accepted.application_id,
                award_id=accepted.id,
                kind=LetterKind.AWARD,
                version=version,
                template_name="pdf/award_letter.html",
                context={},
                storage_key=f"k{version}",
                sha256="0" * 64,
                size=1,
            )
        )
    _db.session.commit()

    html = client.get(f"/officers/rounds/{round_.id}/awards").data
    page = visible_text(html)
    assert page_title(html).startswith("Awards – ")
    assert (
        "Totals by work stream Work stream Awards Offered or accepted Accepted Work stream 1 2 £5,500.50 £2,500.50"
        in page
    )
    group = award.application.organisation.name
    assert f"{award.application.reference} {group} £3,000 Offered Not yet No Not issued" in page
    assert (
        f"{accepted.application.reference} {accepted.application.organisation.name} £2,500.50 Accepted 2 March 2027 Yes "
        "Version 2," in page
    )
    assert f"{withdrawn.application.reference} {withdrawn.application.organisation.name} £1,000 Withdrawn" in page
    assert other_round.application.reference not in page
    assert f'href="/officers/awards/{award.id}"' in html.decode()


def test_letter_and_reminder_controls_show_only_once_their_pages_exist(app, client, award, officer):
    url = f"/officers/rounds/{award.application.round_id}/awards"
    has_batch = "officers.start_letter_batch" in app.view_functions
    assert ("Issue all letters" in visible_text(client.get(url).data)) is has_batch
    if not has_batch:
        app.add_url_rule(
            "/officers/rounds/<int:round_id>/letters/test-batch",
            endpoint="officers.start_letter_batch",
            view_func=lambda round_id: "",
            methods=["POST"],
        )
    html = client.get(url).data.decode()
    assert "Issue all letters" in visible_text(html)
    assert f'action="/officers/rounds/{award.application.round_id}/letters' in html


def test_a_round_without_awards_says_so(client, officer, make_round):
    round_ = make_round()
    assert "There are no awards in this round yet" in visible_text(
        client.get(f"/officers/rounds/{round_.id}/awards").data
    )


# --- one award ---------------------------------------------------------------------------------------


def test_the_award_page_shows_every_term_with_change_links(client, award, officer):
    html = client.get(_url(award)).data.decode()
    page = visible_text(html)
    reference = award.application.reference
    assert page_title(html).startswith(f"Award for {reference} – ")
    assert "Amount £3,000 The group asked for £3,000. Change the amount" in page
    assert "Dates From 1 April 2027 to 31 March 2028 Change the dates" in page
    assert "Award letter Not issued yet Bank details Not given yet" in page
    assert "Conditions Safeguarding Keep a safeguarding policy and follow it. Change the conditions" in page
    assert "1 When you accept the offer £3,000.00 (100%) Change the payment schedule" in page
    assert "People involved in stream 1 100 people 40 people 40 people" in page
    assert "Stories in stream 1 Described in words Stories from the group Stories" in page
    assert "Mid-point return 1 October 2027 Final return 28 April 2028 Change the return dates" in page
    for part in ("terms", "conditions", "payments", "targets", "returns"):
        assert f'href="{_url(award, part)}"' in html
    assert "Withdraw this award" in page


@pytest.mark.parametrize("status", [AwardStatus.ACCEPTED, AwardStatus.DECLINED, AwardStatus.WITHDRAWN])
def test_an_award_that_is_no_longer_an_offer_is_read_only(client, officer, status):
    award = factories.make_award(amount="3000", status=status, accepted_on=date(2027, 3, 2))
    html = client.get(_url(award)).data.decode()
    assert "Its terms cannot change." in visible_text(html)
    assert ">Change<" not in html
    assert ("Withdraw this award" in visible_text(html)) is (status == AwardStatus.ACCEPTED)
    for part in ("terms", "conditions", "payments", "targets", "returns"):
        response = client.get(_url(award, part))
        assert (response.status_code, response.location) == (302, _url(award))


def test_a_change_sent_after_the_group_accepted_is_refused_keeping_what_was_typed(client, award, officer):
    values = form_values(client.get(_url(award, "terms")).data)
    award.status = AwardStatus.ACCEPTED  # the group accepts while the officer is typing
    _db.session.commit()
    html = client.post(_url(award, "terms"), data={**values, "amount": "2750"}).data.decode()
    assert "The group has accepted this award: its terms cannot change" in visible_text(html)
    assert 'value="2750"' in html
    assert _reload(award).amount == Decimal("3000.00")


def test_bank_details_show_only_whether_they_were_given(app, client, officer):
    award = factories.make_award(amount="3000", status=AwardStatus.ACCEPTED, accepted_on=date(2027, 3, 2))
    _db.session.add(
        BankDetails(award_id=award.id, account_name="Circle", sort_code="309430", account_number="00733445")
    )
    _db.session.commit()
    html = client.get(_url(award)).data.decode()
    assert "Bank details Given" in visible_text(html)
    assert "00733445" not in html and "309430" not in html
    if "officers.award_bank_details" in app.view_functions:
        assert f'href="/officers/awards/{award.id}/bank-details"' in html


def test_terms_that_no_longer_fit_are_pointed_out(client, award, officer):
    plan = [
        Instalment(Decimal(1000), None, PaymentTrigger.ON_ACCEPTANCE),
        Instalment(Decimal(2000), None, "on_date", date(2027, 9, 1)),
    ]
    awards.set_instalments(award, plan, expected_version=None, by=factories.make_user(roles={Role.OFFICER}))
    award.amount = Decimal("2500")
    _db.session.commit()
    page = visible_text(client.get(_url(award)).data)
    assert "Put these right before you issue the letter: The payments must add up to the award of £2,500.00" in page


# --- amount and dates --------------------------------------------------------------------------------


def test_the_amount_and_dates_are_changed(client, award, officer):
    changes = {
        "amount": "2,750.50",
        **date_parts("starts_on", date(2027, 5, 1)),
        **date_parts("ends_on", date(2028, 4, 30)),
    }
    response = fill(client, _url(award, "terms"), changes)
    assert (response.status_code, response.location) == (302, _url(award))
    saved = _reload(award)
    assert (saved.amount, saved.starts_on, saved.ends_on) == (Decimal("2750.50"), date(2027, 5, 1), date(2028, 4, 30))
    page = visible_text(client.get(_url(award)).data)
    assert "The amount and dates are saved." in page and "From 1 May 2027 to 30 April 2028" in page


@pytest.mark.parametrize(
    ("changes", "message", "typed"),
    [
        ({"amount": "lots"}, "Enter an amount in pounds", 'value="lots"'),
        ({"amount": ""}, "Enter the amount of the award", None),
        ({"amount": "3500"}, "The award cannot be more than the group asked for (£3,000.00)", 'value="3500"'),
        ({"amount": "0"}, "The amount must be more than £0", 'value="0"'),
        (
            {"ends_on-day": "31", "ends_on-month": "2", "ends_on-year": "2028"},
            "The date must be a real date",
            'value="31"',
        ),
        (
            {"amount": "2900", **date_parts("ends_on", date(2027, 3, 1))},
            "The end date must be after the start date",
            'value="2900"',
        ),
    ],
)
def test_wrong_amounts_and_dates_are_explained_keeping_what_was_typed(client, award, officer, changes, message, typed):
    response = fill(client, _url(award, "terms"), changes)
    html = response.data.decode()
    assert response.status_code == 200
    assert page_title(html).startswith("Error: Amount and dates")
    assert message in visible_text(html).split("There is a problem")[1]
    if typed:
        assert typed in html
    assert _reload(award).amount == Decimal("3000.00")


def test_a_save_from_an_old_page_is_refused_then_goes_through(client, award, officer):
    values = form_values(client.get(_url(award, "terms")).data)
    awards.set_targets(award, {}, expected_version=None, by=factories.make_user(roles={Role.OFFICER}))  # another tab
    _db.session.commit()
    html = client.post(_url(award, "terms"), data={**values, "amount": "2000"}).data
    assert "changed by someone else (or in another tab)" in visible_text(html)
    assert form_values(html)["amount"] == "2000"
    again = client.post(_url(award, "terms"), data=form_values(html))
    assert again.status_code == 302 and _reload(award).amount == Decimal("2000.00")


# --- conditions --------------------------------------------------------------------------------------


def test_the_conditions_form_shows_each_condition_and_two_empty_rows(client, award, officer):
    values = form_values(client.get(_url(award, "conditions")).data)
    assert (values["rows-0-title"], values["rows-0-order"]) == ("Safeguarding", "1")
    assert values["rows-1-title"] == values["rows-2-title"] == "" and "rows-3-title" not in values


def test_conditions_are_edited_added_reordered_and_removed(client, award, officer):
    changes = {
        "rows-0-order": "2",
        "rows-0-body": "Keep a safeguarding policy, and follow it.",
        "rows-1-order": "1",
        "rows-1-title": "Credit the fund",
        "rows-1-body": "Say the council funded you.",
    }
    response = fill(client, _url(award, "conditions"), changes)
    assert response.status_code == 302
    assert [(c.title, c.body) for c in _reload(award).conditions] == [
        ("Credit the fund", "Say the council funded you."),
        ("Safeguarding", "Keep a safeguarding policy, and follow it."),
    ]
    response = fill(client, _url(award, "conditions"), {"rows-1-remove": "y"})
    assert response.status_code == 302
    assert [c.title for c in _reload(award).conditions] == ["Credit the fund"]


def test_a_condition_without_words_is_refused_keeping_what_was_typed(client, award, officer):
    html = fill(client, _url(award, "conditions"), {"rows-1-title": "Receipts", "rows-2-body": "Orphan words."}).data
    page = visible_text(html)
    assert page_title(html).startswith("Error: Conditions of the grant")
    summary = page.split("There is a problem")[1]
    assert "Write out what the group must do" in summary and "Give this condition a title" in summary
    assert 'href="#rows-1-body"' in html.decode() and 'href="#rows-2-title"' in html.decode()
    values = form_values(html)
    assert (values["rows-1-title"], values["rows-2-body"]) == ("Receipts", "Orphan words.")
    assert [c.title for c in _reload(award).conditions] == ["Safeguarding"]


def test_more_rows_can_be_added_without_saving(client, award, officer):
    html = fill(client, _url(award, "conditions"), {"rows-1-title": "Half typed", "add_rows": "Add more rows"}).data
    values = form_values(html)
    assert values["rows-1-title"] == "Half typed" and "rows-4-title" in values and "rows-5-title" not in values
    assert [c.title for c in _reload(award).conditions] == ["Safeguarding"]


def test_a_post_without_a_csrf_token_keeps_what_was_typed(client, award, officer):
    values = form_values(client.get(_url(award, "conditions")).data)
    values.pop("csrf_token")
    html = client.post(
        _url(award, "conditions"), data={**values, "rows-1-title": "Receipts", "rows-1-body": "Keep them."}
    ).data
    assert "This page was open for a long time" in visible_text(html).split("There is a problem")[1]
    assert (form_values(html)["rows-1-title"], form_values(html)["rows-1-body"]) == ("Receipts", "Keep them.")
    assert [c.title for c in _reload(award).conditions] == ["Safeguarding"]


# --- payments ----------------------------------------------------------------------------------------


def test_payments_are_set_by_percentage_and_by_amount(client, award, officer):
    changes = {
        "rows-0-percentage": "50",
        "rows-1-amount": "1500",
        "rows-1-trigger": "on_date",
        **date_parts("rows-1-due_on", date(2027, 10, 1)),
    }
    response = fill(client, _url(award, "payments"), changes)
    assert response.status_code == 302
    assert [(i.amount, i.percentage, i.trigger, i.due_on) for i in _reload(award).instalments] == [
        (Decimal("1500.00"), Decimal("50.00"), PaymentTrigger.ON_ACCEPTANCE, None),
        (Decimal("1500.00"), None, PaymentTrigger.ON_DATE, date(2027, 10, 1)),
    ]
    page = visible_text(client.get(_url(award)).data)
    assert "1 When you accept the offer £1,500.00 (50%) 2 On 1 October 2027 £1,500.00" in page


@pytest.mark.parametrize(
    ("changes", "message", "href"),
    [
        ({"rows-0-percentage": "60"}, "The payments must add up to the award of £3,000.00", "#rows-0-amount"),
        ({"rows-0-amount": "100"}, "Give an amount or a percentage, not both", "#rows-0-amount"),
        ({"rows-1-trigger": "on_date", "rows-1-amount": "5"}, "Enter the date of this payment", "#rows-1-due_on-day"),
        ({**date_parts("rows-1-due_on", date(2027, 9, 1))}, "Give the amount of this payment", "#rows-1-amount"),
        (
            {"rows-1-amount": "5", **date_parts("rows-1-due_on", date(2027, 9, 1))},
            "Leave the date empty",
            "#rows-1-due_on-day",
        ),
        ({"rows-0-percentage": "half"}, "Enter the percentage as a number", "#rows-0-percentage"),
    ],
)
def test_a_wrong_schedule_is_explained_keeping_what_was_typed(client, award, officer, changes, message, href):
    html = fill(client, _url(award, "payments"), changes).data.decode()
    assert page_title(html).startswith("Error: Payment schedule")
    assert message in visible_text(html).split("There is a problem")[1]
    assert f'href="{href}"' in html
    values = form_values(html.encode())
    assert all(values[name] == value for name, value in changes.items())
    assert [i.amount for i in _reload(award).instalments] == [Decimal("3000.00")]


# --- targets -----------------------------------------------------------------------------------------


def test_targets_are_changed_per_measure(client, award, officer):
    numeric, words = award.application.work_stream.measures
    html = client.get(_url(award, "targets")).data
    assert "The programme aims for 100 in all. The group planned 40." in visible_text(html)
    response = fill(client, _url(award, "targets"), {f"m{numeric.id}": "55", f"m{words.id}": ""})
    assert response.status_code == 302
    assert {t.measure_id: (t.quantity, t.description) for t in _reload(award).targets} == {numeric.id: (55, None)}
    assert "People involved in stream 1 100 people 40 people 55 people" in visible_text(client.get(_url(award)).data)


@pytest.mark.parametrize("typed", ["-5", "many", "2000000"])
def test_a_target_that_is_not_a_whole_number_is_refused_keeping_it(client, award, officer, typed):
    numeric, _words = award.application.work_stream.measures
    html = fill(client, _url(award, "targets"), {f"m{numeric.id}": typed}).data.decode()
    assert page_title(html).startswith("Error: Agreed output targets")
    assert "Enter a whole number, like 25" in visible_text(html)
    assert f'value="{typed}"' in html
    assert [t.quantity for t in _reload(award).targets if t.measure_id == numeric.id] == [40]


# --- return dates ------------------------------------------------------------------------------------


def test_return_dates_are_changed(client, award, officer):
    changes = {"rows-2-kind": "other", **date_parts("rows-2-due_on", date(2027, 7, 1))}
    response = fill(client, _url(award, "returns"), changes)
    assert response.status_code == 302
    assert [(r.kind.value, r.due_on) for r in _reload(award).return_dates] == [
        ("other", date(2027, 7, 1)),
        ("midpoint", date(2027, 10, 1)),
        ("final", date(2028, 4, 28)),
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rows-1-kind": "midpoint"}, "Make one of the returns the final return"),
        ({**date_parts("rows-0-due_on", date(2027, 1, 1))}, "Return 1: it cannot be due before the grant starts"),
        ({"rows-0-due_on-month": "13"}, "The date must be a real date"),
        ({**date_parts("rows-0-due_on", None), **date_parts("rows-1-due_on", None)}, "Add at least one return date"),
    ],
)
def test_wrong_return_dates_are_explained_keeping_what_was_typed(client, award, officer, changes, message):
    html = fill(client, _url(award, "returns"), changes).data
    assert page_title(html).startswith("Error: Return dates")
    assert message in visible_text(html).split("There is a problem")[1]
    values = form_values(html)
    assert all(values[name] == value for name, value in changes.items())
    assert len(_reload(award).return_dates) == 2


# --- withdrawing -------------------------------------------------------------------------------------


def test_an_officer_withdraws_an_award_with_a_reason(client, award, officer):
    response = client.submit(
        _url(award, "withdraw"),
        {"reason": "The group has closed.", "version": str(award.lock_version)},
        from_url=_url(award),
    )
    assert (response.status_code, response.location) == (302, _url(award))
    saved = _reload(award)
    assert (saved.status, saved.withdrawn_reason) == (AwardStatus.WITHDRAWN, "The group has closed.")
    page = visible_text(client.get(_url(award)).data)
    assert "The award is withdrawn." in page and "Reason: The group has closed." in page


def test_withdrawing_without_a_reason_is_refused_on_the_award_page(client, award, officer):
    response = client.submit(_url(award, "withdraw"), {"reason": "  "}, from_url=_url(award))
    html = response.data.decode()
    assert response.status_code == 200 and page_title(html).startswith("Error: Award for ")
    assert "Give the reason for withdrawing this award" in visible_text(html).split("There is a problem")[1]
    assert _reload(award).status == AwardStatus.OFFERED


# --- who may see these pages -------------------------------------------------------------------------

PAGES = ["", "terms", "conditions", "payments", "targets", "returns"]


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.PANEL_MEMBER, Role.ADMIN])
def test_only_officers_reach_the_award_pages(client, award, login_as, role):
    login_as(role)
    assert client.get(f"/officers/rounds/{award.application.round_id}/awards").status_code == 403
    for part in PAGES:
        assert client.get(_url(award, part)).status_code == 403
    token = csrf_token_from(client.get("/").data)  # the header's sign-out form
    for part in ("terms", "conditions", "payments", "targets", "returns", "withdraw"):
        assert client.post(_url(award, part), data={"reason": "x", "csrf_token": token}).status_code == 403
    assert _reload(award).status == AwardStatus.OFFERED


def test_the_group_itself_cannot_reach_the_officer_pages(client, award, sign_in):
    sign_in(award.application.organisation.members[0].user)
    assert client.get(_url(award)).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client, award):
    response = client.get(_url(award))
    assert response.status_code == 302 and "/sign-in" in response.location


def test_unknown_awards_and_rounds_are_not_found(client, award, officer):
    for part in PAGES:
        assert client.get(_url(Award(id=award.id + 100), part)).status_code == 404
    assert (
        client.submit(f"/officers/awards/{award.id + 100}/withdraw", {"reason": "x"}, from_url=_url(award)).status_code
        == 404
    )
    assert client.get(f"/officers/rounds/{award.application.round_id + 100}/awards").status_code == 404


def test_the_round_and_decisions_pages_lead_to_the_awards_and_acceptances(client, login_as, make_award):
    login_as("officer")
    award = make_award()
    round_id = award.application.round_id
    round_page = client.get(f"/officers/rounds/{round_id}").data.decode()
    assert f'href="/officers/rounds/{round_id}/awards"' in round_page
    assert f'href="/officers/rounds/{round_id}/acceptances"' in round_page
    assert f'href="/officers/rounds/{round_id}/letters"' in round_page
    eoi_page = client.get(f"/officers/applications/{award.application_id}").data.decode()
    assert f'href="/officers/applications/{award.application_id}/letters"' in eoi_page
    assert (
        f'href="/officers/rounds/{round_id}/awards"'
        in client.get(f"/officers/rounds/{round_id}/decisions").data.decode()
    )
    acceptances = client.get(f"/officers/rounds/{round_id}/acceptances").data.decode()
    assert f'href="/officers/awards/{award.id}"' in acceptances


def test_the_award_page_lists_its_returns_each_linking_to_the_return(client, officer):
    accepted = factories.make_award(status=AwardStatus.ACCEPTED)
    final = factories.make_return(award=accepted, period=2, status=ReturnStatus.SUBMITTED)
    first = factories.make_return(award=accepted, period=1, status=ReturnStatus.ACCEPTED)
    html = client.get(_url(accepted)).data.decode()
    page = visible_text(html)
    # Soonest due first: the period (or "Final return"), the due date in UK form and the status.
    first_row = f"Return 1 {first.due_on.day} {first.due_on:%B %Y} Accepted"
    final_row = f"Final return {final.due_on.day} {final.due_on:%B %Y} Sent, to review"
    assert "Returns from the group" in page
    assert first_row in page and final_row in page
    assert page.index(first_row) < page.index(final_row)
    assert f'href="/officers/returns/{first.id}"' in html and f'href="/officers/returns/{final.id}"' in html


def test_an_award_without_returns_says_so(client, award, officer):
    page = visible_text(client.get(_url(award)).data)
    assert "Returns from the group Return Due on Status No returns yet" in page
