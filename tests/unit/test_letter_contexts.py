"""The letter contexts (portal/pdf/letters.py): built from plain facts, holding every element a letter
must give, JSON-safe, and shown by the templates (the HTML is checked, not pixels)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from flask import current_app

from portal.pdf.letters import award_letter_context, decline_letter_context
from tests.helpers import page_title, visible_text

LOGO = "data:image/png;base64,iVBORw0KGgo="


def facts(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "kind": "award",
        "language": "en",
        "issued_on": "2027-02-03",
        "reference": "CIF-2027-0007",
        "project_title": "Women's conversation cafe",
        "round_title": "Community grants 2027",
        "organisation": {
            "name": "Sparkhill Women's Circle",
            "legal_form": "unconstituted",
            "accountable_body": "Hall Green Trust",
            "address_lines": ["12 Stratford Road", "Birmingham", "B11 1AA"],
        },
        "letterhead": {
            "council_name": "Testshire Council",
            "address_lines": ["Council House", "Victoria Square"],
            "logo_data_uri": LOGO,
            "signatory_name": "Priya Patel",
            "signatory_title": "Head of Communities",
        },
        "contact": {"council_name": "Testshire Council", "email": "help@testshire.example", "phone": "0121 000 0000"},
        "links": {"offer": "https://portal.example/applicant/applications/7/offer"},
        "award": {
            "amount": "4500.50",
            "starts_on": "2027-04-01",
            "ends_on": "2028-03-31",
            "work_stream": "Tackling isolation",
            "conditions": [
                {"title": "Real Living Wage", "body": "Pay staff at least the Real Living Wage."},
                {"title": "Safeguarding", "body": "Keep a safeguarding policy.\n\nReview it every year."},
            ],
            "instalments": [
                {"amount": "2250.25", "percentage": "50.00", "trigger": "on_acceptance", "due_on": None},
                {"amount": "1000.00", "percentage": None, "trigger": "on_date", "due_on": "2027-09-01"},
                {"amount": "1250.25", "percentage": None, "trigger": "on_final_return", "due_on": None},
            ],
            "targets": [
                {"measure": "People taking part", "unit": "people", "quantity": 1200, "description": None},
                {"measure": "Stories", "unit": "stories", "quantity": None, "description": "Three stories"},
            ],
            "return_dates": [
                {"kind": "midpoint", "due_on": "2027-10-01"},
                {"kind": "final", "due_on": "2028-04-28"},
            ],
        },
    }
    base.update(changes)
    return base


def html_of(template: str, context: dict[str, Any]) -> str:
    return current_app.jinja_env.get_template(f"pdf/{template}").render(**context)


def test_an_award_letter_context_holds_every_element_of_the_letter(app):
    doc = award_letter_context(facts())["doc"]
    assert (doc["lang"], doc["dir"], doc["title"]) == ("en", "ltr", "Offer of a grant: CIF-2027-0007")
    assert doc["letterhead"] == {
        "council_name": "Testshire Council",
        "address_lines": ["Council House", "Victoria Square"],
        "logo": LOGO,
        "logo_alt": "Testshire Council logo",
    }
    assert (doc["date"], doc["date_iso"]) == ("3 February 2027", "2027-02-03")
    assert doc["reference_line"] == "Our reference: CIF-2027-0007"
    assert doc["recipient"]["name"] == "Sparkhill Women's Circle"
    assert doc["recipient"]["accountable_body_line"] == "Accountable body: Hall Green Trust"
    assert doc["amount"] == {
        "figures": "£4,500.50",
        "words": "four thousand, five hundred pounds and fifty pence",
        "raw": "4500.50",
    }
    assert dict(doc["summary"]["rows"]) == {
        "Reference": "CIF-2027-0007",
        "Group": "Sparkhill Women's Circle",
        "Accountable body": "Hall Green Trust",
        "Project": "Women's conversation cafe",
        "Amount": "£4,500.50",
        "Amount in words": "four thousand, five hundred pounds and fifty pence",
        "Theme (work stream)": "Tackling isolation",
        "Starts": "1 April 2027",
        "Ends": "31 March 2028",
    }
    assert doc["dates"] == {"starts_on": "2027-04-01", "ends_on": "2028-03-31"}
    assert doc["conditions"]["list"] == [
        {"title": "Real Living Wage", "paragraphs": ["Pay staff at least the Real Living Wage."]},
        {"title": "Safeguarding", "paragraphs": ["Keep a safeguarding policy.", "Review it every year."]},
    ]
    assert doc["payments"]["headers"] == ["Payment", "Amount", "When"]
    assert doc["payments"]["rows"] == [
        ["1", "£2,250.25 (50%)", "When you accept this offer"],
        ["2", "£1,000", "On 1 September 2027"],
        ["3", "£1,250.25", "When we accept your final return"],
    ]
    assert doc["targets"]["rows"] == [["People taking part", "1,200 people"], ["Stories", "Three stories"]]
    assert doc["returns"]["rows"] == [["Mid-point return", "1 October 2027"], ["Final return", "28 April 2028"]]
    assert doc["returns"]["dates_iso"] == ["2027-10-01", "2028-04-28"]
    assert doc["accept"]["link"] == "https://portal.example/applicant/applications/7/offer"
    assert doc["contact"]["lines"] == ["Email: help@testshire.example", "Phone: 0121 000 0000"]
    assert doc["sign_off"] == {
        "closing": "Yours sincerely,",
        "name": "Priya Patel",
        "title": "Head of Communities",
        "council_name": "Testshire Council",
    }


def test_the_context_is_plain_json_that_survives_storage_unchanged(app):
    for context in (award_letter_context(facts()), decline_letter_context(facts(kind="decline", award=None))):
        assert json.loads(json.dumps(context)) == context


def test_the_award_letter_html_shows_every_element(app):
    context = award_letter_context(facts())
    html = html_of("award_letter.html", context)
    text = visible_text(html)
    assert page_title(html) == "Offer of a grant: CIF-2027-0007"
    assert '<html lang="en" dir="ltr">' in html
    assert f'<img src="{LOGO}" alt="Testshire Council logo">' in html
    for expected in (
        "Testshire Council Council House Victoria Square",
        "Sparkhill Women's Circle Accountable body: Hall Green Trust 12 Stratford Road Birmingham B11 1AA",
        "Date: 3 February 2027 Our reference: CIF-2027-0007",
        "We are offering you a grant of £4,500.50",
        "Dear members of Sparkhill Women's Circle,",
        "£4,500.50 (four thousand, five hundred pounds and fifty pence)",
        "Theme (work stream) Tackling isolation Starts 1 April 2027 Ends 31 March 2028",
        "1. Real Living Wage Pay staff at least the Real Living Wage.",
        "2. Safeguarding Keep a safeguarding policy. Review it every year.",
        "Payment schedule Payment Amount When 1 £2,250.25 (50%) When you accept this offer 2 £1,000 On 1 September 2027",
        "Output targets Measure Your target People taking part 1,200 people Stories Three stories",
        "Return dates Return Send it by Mid-point return 1 October 2027 Final return 28 April 2028",
        "How to accept",
        "Open your offer: https://portal.example/applicant/applications/7/offer",
        "Who to contact Email: help@testshire.example Phone: 0121 000 0000",
        "Yours sincerely, Priya Patel Head of Communities Testshire Council",
    ):
        assert expected in text, expected
    assert '<th scope="col">Payment</th>' in html  # tables have headers and captions, for the tagged PDF
    assert "<caption>Payment schedule</caption>" in html


def test_a_letter_without_optional_parts_says_so_plainly(app):
    bare = facts(
        organisation={"name": "Acorn Club", "legal_form": "charity", "accountable_body": None, "address_lines": []},
        letterhead={
            "council_name": "Testshire Council",
            "address_lines": [],
            "logo_data_uri": None,
            "signatory_name": None,
            "signatory_title": None,
        },
        contact={"council_name": "Testshire Council", "email": "help@testshire.example", "phone": None},
    )
    bare["award"] = {**bare["award"], "conditions": [], "targets": []}
    context = award_letter_context(bare)
    text = visible_text(html_of("award_letter.html", context))
    assert "<img" not in html_of("award_letter.html", context)
    assert "Accountable body" not in text and "Phone:" not in text
    assert "There are no extra conditions." in text
    assert "No output targets were agreed." in text
    assert "Yours sincerely, The community grants team Testshire Council" in text


def test_a_decline_letter_context_and_html_hold_the_decision_the_feedback_and_next_steps(app):
    context = decline_letter_context(
        facts(
            kind="decline",
            award=None,
            links={"offer": None},
            decision={"outcome": "do_not_fund", "feedback": "Good idea.\n\nSay more about who comes."},
        )
    )
    doc = context["doc"]
    assert doc["title"] == "Decision on your application CIF-2027-0007"
    assert doc["decision"] == {"heading": "Our decision", "text": "Not funded"}
    assert doc["feedback"]["paragraphs"] == ["Good idea.", "Say more about who comes."]
    assert doc["next_steps"]["list"][0] == (
        "Talk to us about this decision: we are happy to have a conversation. "
        "Contact us at help@testshire.example or 0121 000 0000."
    )
    html = html_of("decline_letter.html", context)
    text = visible_text(html)
    assert page_title(html) == "Decision on your application CIF-2027-0007"
    for expected in (
        "We cannot fund your project this time",
        "Dear members of Sparkhill Women's Circle,",
        "Our decision Not funded",
        "Feedback from the panel",
        "Good idea. Say more about who comes.",
        "What you can do next",
        "Look at other funding",
        "Apply again",
        "Who to contact Email: help@testshire.example",
    ):
        assert expected in text, expected


@pytest.mark.parametrize(("lang", "direction"), [("ar", "rtl"), ("ur", "rtl"), ("bn", "ltr")])
def test_the_letter_takes_its_language_and_direction_from_the_facts(app, lang, direction):
    context = award_letter_context(facts(language=lang))
    assert (context["doc"]["lang"], context["doc"]["dir"]) == (lang, direction)
    assert f'<html lang="{lang}" dir="{direction}">' in html_of("award_letter.html", context)


def test_what_a_group_typed_is_escaped_in_the_letter(app):
    hostile = copy.deepcopy(facts())
    hostile["organisation"]["name"] = '<img src="file:///etc/passwd">Group'
    html = html_of("award_letter.html", award_letter_context(hostile))
    assert '<img src="file:///etc/passwd">' not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;Group" in html
