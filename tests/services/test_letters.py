"""Issued letters: a tagged, titled PDF in its language with extractable text, stored with its
template, context, sha256 and version; issuing again keeps the old versions; the stored bytes are
what a download returns, and the record reproduces them byte for byte; only awards (not withdrawn)
and released "do not fund" decisions get letters; names in other scripts are drawn with real glyphs."""

from __future__ import annotations

import base64
import copy
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from flask import current_app
from pypdf import PdfReader
from sqlalchemy import select

from portal.domain.awards import LetterKind
from portal.domain.organisations import LegalForm
from portal.domain.roles import Role
from portal.domain.workflow import ApplicationStatus, AwardStatus, DecisionOutcome
from portal.extensions import db
from portal.models import AuditEvent, FundingDecision, Letter, Notification, OrganisationMember, Panel
from portal.services import ServiceError, letters
from portal.storage import get_storage, sha256_of
from tests import factories

LINKS = letters.LetterLinks(
    offer=lambda application: f"https://portal.example/applicant/applications/{application.id}/offer",
    download=lambda letter: f"https://portal.example/applicant/letters/{letter.id}.pdf",
)
FEEDBACK = "The panel liked the idea.\n\nThey wanted more detail on who would come."
# A 1×1 PNG: the round's logo on the letterhead.
LOGO = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def release(round_id: int) -> None:
    panel = db.session.scalar(select(Panel).where(Panel.round_id == round_id))
    if panel is None:
        panel = Panel(round_id=round_id)
        db.session.add(panel)
    panel.decisions_released_at = datetime.now(UTC)
    db.session.commit()


def make_decline(application=None, *, feedback: str = FEEDBACK, released: bool = True, **fields):  # noqa: ANN001, ANN003, ANN201
    """A "do not fund" decision (with feedback) on a sent EOI; ``released`` releases the round's decisions."""
    application = application or factories.make_application(submit=True, **fields)
    decision = FundingDecision(
        application=application, outcome=DecisionOutcome.DO_NOT_FUND, feedback=feedback, reason="Below the line."
    )
    application.status = ApplicationStatus.DECIDED
    db.session.add(decision)
    db.session.commit()
    if released:
        release(application.round_id)
    return decision


def make_officer(**fields):  # noqa: ANN003, ANN201
    return factories.make_user(roles={Role.OFFICER}, full_name=fields.pop("full_name", "Olu Officer"), **fields)


def issue(application, kind="award", **kwargs):  # noqa: ANN001, ANN003, ANN201
    by = kwargs.pop("by", None) or make_officer()
    letter = letters.issue_letter(
        application, kind, by=by, static_root=current_app.static_folder, links=LINKS, **kwargs
    )
    db.session.commit()
    return letter


def pdf_of(letter: Letter) -> PdfReader:
    return PdfReader(io.BytesIO(letters.letter_bytes(letter)))


def text_of(reader: PdfReader) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def fonts_of(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).replace("-", ""))
    return names


# --- an award letter -----------------------------------------------------------------------------


def test_an_award_letter_is_stored_with_its_template_context_hash_and_version(app, make_award):
    award = make_award(amount="4500.50")
    officer = make_officer()
    letter = issue(award.application, by=officer)

    stored = letters.letter_bytes(letter)
    assert stored.startswith(b"%PDF-")
    assert (letter.kind, letter.version, letter.template_name) == (LetterKind.AWARD, 1, "award_letter.html")
    assert letter.award_id == award.id and letter.language == "en"
    assert letter.storage_key.startswith("letters/")
    assert letter.sha256 == sha256_of(stored) and letter.size == len(stored)
    assert letter.issued_by_id == officer.id
    assert letter.context["doc"]["amount"] == {
        "figures": "£4,500.50",
        "words": "four thousand, five hundred pounds and fifty pence",
        "raw": "4500.50",
    }
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "letter.issued"))
    assert event.object_id == award.application_id and event.after["sha256"] == letter.sha256


def test_the_record_reproduces_the_stored_pdf_byte_for_byte(app, make_award):
    award = make_award()
    letter = issue(award.application)
    db.session.expire_all()  # the context as read back from the database (JSON)
    letter = db.session.get(Letter, letter.id)
    assert letters.reproduce(letter) == letters.letter_bytes(letter)


def test_the_pdf_is_tagged_titled_in_its_language_and_its_text_extractable(app, make_award):
    award = make_award(amount="2500")
    reference = award.application.reference
    reader = pdf_of(issue(award.application))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en"
    assert reader.metadata.title == f"Offer of a grant: {reference}"
    text = text_of(reader)
    for expected in (
        "Testshire Council",
        f"Our reference: {reference}",
        award.application.organisation.name,
        "£2,500 (two thousand, five hundred pounds)",
        "Work stream 1",
        "Starts 1 April 2027",
        "Ends 31 March 2028",
        "1. Safeguarding Keep a safeguarding policy and follow it.",
        "1 £2,500 (100%) When you accept this offer",
        "People involved in stream 1 40 people",
        "Mid-point return 1 October 2027",
        "Final return 28 April 2028",
        "How to accept",
        f"https://portal.example/applicant/applications/{award.application_id}/offer",
        "Email: help@testshire.example",
        "Yours sincerely,",
    ):
        assert expected in text, expected


def test_the_letterhead_comes_from_the_round_with_its_logo_and_signatory(app, make_award):
    award = make_award()
    round_ = award.application.round
    round_.letter_council_name = "Sparkbrook City Council"
    round_.letter_address = "Council House\nVictoria Square\nB1 1BB"
    round_.letter_logo_key = get_storage(app.config).save(LOGO, prefix="logos")
    round_.letter_logo_type = "image/png"
    round_.letter_signatory_name, round_.letter_signatory_title = "Priya Patel", "Head of Communities"
    db.session.commit()

    letter = issue(award.application)
    head = letter.context["doc"]["letterhead"]
    assert head["council_name"] == "Sparkbrook City Council"
    assert head["address_lines"] == ["Council House", "Victoria Square", "B1 1BB"]
    assert head["logo"] == "data:image/png;base64," + base64.b64encode(LOGO).decode()
    reader = pdf_of(letter)
    assert reader.pages[0].images, "the logo is drawn on the first page"
    assert "Priya Patel Head of Communities Sparkbrook City Council" in text_of(reader)


def test_an_unconstituted_group_is_named_with_its_accountable_body(app, make_award):
    group = factories.make_organisation(
        members=[factories.make_user()], legal_form=LegalForm.UNCONSTITUTED, accountable_body_name="Hall Green Trust"
    )
    award = make_award(application=factories.make_application(organisation=group, submit=True))
    letter = issue(award.application)
    assert letter.context["doc"]["recipient"]["accountable_body"] == "Hall Green Trust"
    assert "Accountable body: Hall Green Trust" in text_of(pdf_of(letter))


@pytest.mark.parametrize(
    ("lang", "name", "font"),
    [
        ("bn", "স্মার্ট উইমেন কমিউনিটি সেন্টার", "NotoSansBengali"),
        ("ur", "خواتین کا کمیونٹی مرکز", "NotoSansArabic"),
        ("ar", "مركز النساء المجتمعي", "NotoSansArabic"),
    ],
)
def test_a_name_in_another_script_is_drawn_with_real_glyphs_from_an_embedded_font(app, make_award, lang, name, font):
    group = factories.make_organisation(members=[factories.make_user()], name=name)
    award = make_award(application=factories.make_application(organisation=group, submit=True))
    reader = pdf_of(issue(award.application))
    assert any(font in f for f in fonts_of(reader)), fonts_of(reader)
    for page in reader.pages:  # every font used is embedded in the PDF (a subset), none left to the reader
        for ref in page["/Resources"]["/Font"].values():
            descendant = ref.get_object().get("/DescendantFonts")
            descriptor = (descendant[0].get_object() if descendant else ref.get_object())["/FontDescriptor"]
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    text = text_of(reader)
    words = [word for word in name.split() if word in text]
    # The text extracts (pypdf reorders one Bengali vowel sign in "কমিউনিটি": a reader's quirk).
    assert len(words) >= len(name.split()) - 1, f"{name!r} not extracted from: {text[:200]}"


def test_a_letter_never_embeds_local_files_nor_fetches_remote_ones(app, make_award, tmp_path, caplog):
    secret = tmp_path / "secret.svg"
    secret.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="90" height="20"><text y="15">SECRET-TEXT</text></svg>'
    )
    letter = issue(make_award().application)
    for url in (f"file://{secret}", "https://example.org/logo.png", "http://127.0.0.1:9/logo.png"):
        context = copy.deepcopy(letter.context)
        context["doc"]["letterhead"]["logo"] = url  # as if a context were tampered with
        caplog.clear()
        reader = PdfReader(
            io.BytesIO(letters.render_letter(letter.template_name, context, static_root=app.static_folder))
        )
        assert not reader.pages[0].images, url
        assert "SECRET-TEXT" not in text_of(reader)
        assert f"refused to fetch {url!r}" in caplog.text


# --- a decline letter ----------------------------------------------------------------------------


def test_a_decline_letter_gives_the_decision_the_feedback_and_what_to_do_next(app):
    decision = make_decline()
    letter = issue(decision.application, "decline")
    assert (letter.kind, letter.template_name, letter.award_id) == (LetterKind.DECLINE, "decline_letter.html", None)
    reader = pdf_of(letter)
    assert reader.metadata.title == f"Decision on your application {decision.application.reference}"
    text = text_of(reader)
    for expected in (
        "We cannot fund your project this time",
        "Our decision Not funded",
        "The panel liked the idea.",
        "They wanted more detail on who would come.",
        "What you can do next",
        "Talk to us about this decision",
        "Look at other funding",
        "Email: help@testshire.example",
    ):
        assert expected in text, expected
    assert letters.reproduce(letter) == letters.letter_bytes(letter)


# --- issuing again -------------------------------------------------------------------------------


def test_issuing_again_adds_a_version_and_keeps_the_old_one_with_its_hash_and_bytes(app, make_award):
    award = make_award(amount="2500")
    first = issue(award.application)
    first_bytes, first_hash, first_key = letters.letter_bytes(first), first.sha256, first.storage_key

    award.amount = Decimal("2000")
    award.instalments[0].amount = Decimal("2000")
    db.session.commit()
    second = issue(award.application)

    assert (first.version, second.version) == (1, 2)
    assert second.sha256 != first_hash and second.storage_key != first_key
    db.session.expire_all()
    first = db.session.get(Letter, first.id)
    assert (first.sha256, first.storage_key) == (first_hash, first_key)
    assert letters.letter_bytes(first) == first_bytes and sha256_of(first_bytes) == first_hash
    assert first.context["doc"]["amount"]["figures"] == "£2,500"
    assert second.context["doc"]["amount"]["figures"] == "£2,000"
    assert letters.latest(award.application, "award").id == second.id
    assert [letter.version for letter in letters.letters_for(award.application)] == [2, 1]
    assert letters.reproduce(first) == first_bytes  # the old record still reproduces its own PDF


# --- who gets a letter, and the e-mail ------------------------------------------------------------


def test_each_member_of_the_group_is_emailed_a_link_to_the_letter(app, make_award):
    second_member = factories.make_user(full_name="Bea Member")
    award = make_award()
    award.application.organisation.members.append(OrganisationMember(user=second_member))
    db.session.commit()
    letter = issue(award.application)
    sent = db.session.scalars(select(Notification).where(Notification.template == "letter_issued")).all()
    assert {n.to_address for n in sent} == {m.user.email for m in award.application.organisation.members}
    assert len(sent) == 2
    assert sent[0].subject == f"Your award letter for {award.application.reference}"
    assert f"https://portal.example/applicant/letters/{letter.id}.pdf" in sent[0].body_text


def _refused(application, kind="award", **kwargs) -> str:  # noqa: ANN001, ANN003
    with pytest.raises(ServiceError) as refused:
        issue(application, kind, **kwargs)
    db.session.rollback()
    assert db.session.scalar(select(Letter)) is None
    return str(refused.value)


def test_letters_are_refused_plainly_when_there_is_nothing_to_issue(app, make_award):
    undecided = factories.make_application(submit=True)
    assert _refused(undecided) == "This application has no award, so there is no award letter to issue."
    assert _refused(undecided, "decline") == "Only an application that was not funded gets a decline letter."

    withdrawn = make_award(status=AwardStatus.WITHDRAWN)
    assert _refused(withdrawn.application) == "This award has been withdrawn, so its letter cannot be issued."

    unreleased = make_award(released=False)
    assert _refused(unreleased.application) == (
        "Release the round's decisions first: the group cannot see its decision yet."
    )
    funded = make_award()
    assert _refused(funded.application, "decline") == "Only an application that was not funded gets a decline letter."

    declined = make_decline(released=False)
    assert _refused(declined.application, "decline") == (
        "Release the round's decisions first: the group cannot see its decision yet."
    )
    assert _refused(funded.application, by=factories.make_user()) == "Only officers can issue letters."


# --- the group's language, with the English text alongside ------------------------------------------


def _group_speaking(language: str | None, *, officer_language: str | None = None):  # noqa: ANN202
    """A submitted EOI from a group whose member chose ``language`` in the portal."""
    member = factories.make_user(preferred_language=language)
    group = factories.make_organisation(members=[member], name="Sparkhill Women's Circle")
    return factories.make_application(organisation=group, applicant=member, submit=True)


def _page_of(reader: PdfReader, words: str) -> int:
    for number, page in enumerate(reader.pages):
        if words in " ".join(page.extract_text().split()):
            return number
    raise AssertionError(f"{words!r} is on no page")


def test_a_letter_is_in_the_groups_language_followed_by_the_english_from_a_new_page(app, make_award):
    award = make_award(application=_group_speaking("ar"), amount="2500")
    letter = issue(award.application)

    assert letter.language == "ar"
    doc, english = letter.context["doc"], letter.context["english"]
    assert (doc["lang"], doc["dir"], english["lang"], english["dir"]) == ("ar", "rtl", "en", "ltr")
    assert doc["heading"].startswith("نعرض عليكم منحة قدرها") and "2,500\xa0UK£" in doc["heading"]  # Arabic format
    assert english["heading"] == "We are offering you a grant of £2,500"
    assert doc["bilingual_note"] == (
        "تجد بعد هذه الرسالة الرسالةَ نفسها باللغة الإنجليزية. إذا اختلفت النسختان، فالنص الإنجليزي هو المعتمد."
    )
    assert english["part_heading"] == "The same letter in English"

    reader = pdf_of(letter)
    assert reader.trailer["/Root"]["/Lang"] == "ar"
    assert any("NotoSansArabic" in font or "NotoNaskhArabic" in font for font in fonts_of(reader))
    english_starts = _page_of(reader, "The same letter in English")
    assert english_starts > _page_of(reader, "Sparkhill Women's Circle")
    assert english_starts == _page_of(reader, "We are offering you a grant of £2,500")
    assert "Yours sincerely," in text_of(reader)
    assert letters.reproduce(letter) == letters.letter_bytes(letter)


def test_an_urdu_letter_is_set_in_nastaliq_and_its_english_part_in_latin_type(app, make_award):
    award = make_award(application=_group_speaking("ur"))
    reader = pdf_of(issue(award.application))
    fonts = fonts_of(reader)
    assert any("NotoNastaliqUrdu" in font for font in fonts), fonts
    assert any("NotoSans" in font and "Arabic" not in font for font in fonts), fonts  # the English part
    assert reader.trailer["/Root"]["/Lang"] == "ur"


def test_a_decline_letter_in_arabic_keeps_the_panels_feedback_in_both_parts(app):
    decision = make_decline(_group_speaking("ar"))
    letter = issue(decision.application, "decline")
    assert letter.context["doc"]["heading"] == "لا نستطيع تمويل مشروعكم هذه المرة"
    assert letter.context["english"]["heading"] == "We cannot fund your project this time"
    paragraphs = ["The panel liked the idea.", "They wanted more detail on who would come."]
    assert letter.context["doc"]["feedback"]["paragraphs"] == paragraphs
    assert letter.context["english"]["feedback"]["paragraphs"] == paragraphs


def test_a_letter_is_in_english_alone_when_the_group_chose_english_or_a_language_with_no_translation(app, make_award):
    for language in (None, "en", "cy"):
        award = make_award(application=_group_speaking(language))
        letter = issue(award.application)
        assert letter.language == "en"
        assert "english" not in letter.context and "bilingual_note" not in letter.context["doc"]
        assert pdf_of(letter).trailer["/Root"]["/Lang"] == "en"


def test_the_language_of_an_officer_who_entered_the_application_does_not_count(app, make_award):
    member = factories.make_user(preferred_language="ur")
    officer = make_officer(preferred_language="ar")
    group = factories.make_organisation(members=[member])
    application = factories.make_application(organisation=group, applicant=member, submit=True)
    application.submitted_by, application.created_by = officer, officer
    db.session.commit()
    assert letters.group_language(application) == "ur"


def test_each_member_is_emailed_about_the_letter_in_their_own_language(app, make_award):
    award = make_award(application=_group_speaking("ar"))
    english_member = factories.make_user(full_name="Bea Member", preferred_language="en")
    award.application.organisation.members.append(OrganisationMember(user=english_member))
    db.session.commit()
    issue(award.application)
    sent = {
        n.to_address: n
        for n in db.session.scalars(select(Notification).where(Notification.template == "letter_issued"))
    }
    reference = award.application.reference
    assert sent[english_member.email].subject == f"Your award letter for {reference}"
    arabic = next(n for address, n in sent.items() if address != english_member.email)
    assert arabic.subject == f"رسالة المنحة الخاصة بـ {reference}"
