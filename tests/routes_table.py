"""Every route of the portal: where its URL points in the world (tests/world.py), what it answers
and who may use it.

The page walks and the authorisation matrix read this table; a route the app has and the table
lacks fails them, so a new route cannot ship without saying who it is for.

Who may use a route, in three sets of actors (tests/world.py names the people):

    ``roles``   whose role lets them in at all; a signed-in actor outside it gets 403, and an
                anonymous visitor is sent to sign in. ``PUBLIC`` routes let everyone in.
    ``owners``  those of ``roles`` who may act on the record the URL points at; the rest of
                ``roles`` get 404 (someone else's record is "not found", never "forbidden").
                ``None``: everyone in ``roles``.
    ``viewer``  who the page walk signs in as to see the page's real content.

``kind``: ``page`` (HTML, walked in the browser), ``file`` (a download), ``image`` (shown in a
page), ``json``, ``redirect`` (answers a GET with a redirect), ``post`` (POST only), ``asset``
(stylesheets and static files).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from portal.domain.applications import Section
from portal.services.exports import TABLES
from tests.factories import DEFAULT_PASSWORD
from tests.world import World

SIGN_IN = "sent to sign in"  # an outcome, for ``refused``
ANONYMOUS = "anonymous"
APPLICANT_A = "applicant_a"
APPLICANT_B = "applicant_b"
MEMBER = "member"
CONFLICTED = "conflicted"
OFFICER = "officer"
ADMIN = "admin"
ACTORS = (ANONYMOUS, APPLICANT_A, APPLICANT_B, MEMBER, CONFLICTED, OFFICER, ADMIN)
SIGNED_IN = frozenset(ACTORS) - {ANONYMOUS}
PUBLIC = frozenset(ACTORS)
APPLICANTS = frozenset({APPLICANT_A, APPLICANT_B})
PANEL = frozenset({MEMBER, CONFLICTED})
OFFICERS = frozenset({OFFICER, ADMIN})

Args = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    endpoint: str
    args: Args = field(default=lambda w: {})
    kind: str = "page"
    roles: frozenset[str] = OFFICERS
    owners: frozenset[str] | None = None
    viewer: str | None = None  # default: the first owner, else the first of roles (officer first)
    variants: tuple[dict[str, Any], ...] = ({},)  # extra URL values, one visit each
    methods: frozenset[str] = frozenset({"GET"})
    prepare: Callable[[World], list[tuple[str, dict, dict]]] | None = None  # forms to send first
    refused: str = "404"  # what those of ``roles`` outside ``owners`` get
    last: bool = False  # it removes its record: the matrix sends it after the others

    def preparation(self, world: World) -> list[tuple[str, dict, dict]]:
        """(endpoint, URL values, form data) of each form to send before the page shows its content."""
        return self.prepare(world) if self.prepare else []

    def who_sees(self) -> str:
        if self.viewer:
            return self.viewer
        for actor in (OFFICER, APPLICANT_A, MEMBER, ADMIN, APPLICANT_B, CONFLICTED, ANONYMOUS):
            if actor in (self.owners if self.owners is not None else self.roles):
                return actor
        raise AssertionError(f"{self.endpoint}: nobody may see it")

    def urls(self, world: World) -> list[dict[str, Any]]:
        return [{**self.args(world), **variant} for variant in self.variants]


def _page(endpoint: str, args: Args = lambda w: {}, **fields: Any) -> Route:
    return Route(endpoint, args, **fields)


def _post(endpoint: str, args: Args = lambda w: {}, **fields: Any) -> Route:
    return Route(endpoint, args, kind="post", methods=frozenset({"POST"}), **fields)


FORM = frozenset({"GET", "POST"})
A_ONLY = frozenset({APPLICANT_A})
MEMBER_ONLY = frozenset({MEMBER})


def _applicant(endpoint: str, args: Args = lambda w: {}, *, owners=A_ONLY, **fields: Any) -> Route:  # noqa: ANN001
    return Route(endpoint, args, roles=APPLICANTS, owners=owners, **fields)


def _panel(endpoint: str, args: Args = lambda w: {}, *, owners=None, **fields: Any) -> Route:  # noqa: ANN001
    return Route(endpoint, args, roles=PANEL, owners=owners, **fields)


EOI_OWNERS = frozenset({APPLICANT_A, OFFICER, ADMIN})  # the group, or an officer acting for it


def _eoi(endpoint: str, args: Args, **fields: Any) -> Route:
    """A page of group A's EOI: any signed-in person may ask; the group's members and officers
    (who can complete an EOI on a group's behalf, recorded as such) are let in, others get 404."""
    return Route(endpoint, args, roles=SIGNED_IN, owners=EOI_OWNERS, viewer=APPLICANT_A, **fields)


def _public(endpoint: str, args: Args = lambda w: {}, **fields: Any) -> Route:
    return Route(endpoint, args, roles=PUBLIC, viewer=fields.pop("viewer", ANONYMOUS), **fields)


def _round(w: World) -> dict[str, int]:
    return {"round_id": w.closed_round}


def _signed_up(w: World) -> list[tuple[str, dict, dict]]:
    """Someone has just filled in the sign-up form."""
    data = {"full_name": "Sam Someone", "email": "sam@example.org", "password": "a long and new pass phrase 2027"}
    return [("auth.sign_up", {}, data)]


def _password_given(w: World) -> list[tuple[str, dict, dict]]:
    """An officer (who uses two-factor sign-in) has given their email address and password."""
    return [("auth.sign_in", {}, {"email": "officer@example.org", "password": DEFAULT_PASSWORD})]


def _eligibility_answered(w: World) -> list[tuple[str, dict, dict]]:
    """A group has answered the eligibility questions of the open round."""
    answers = (("group", "community_group"), ("area", str(w.locality)), ("income", "under_10k"), ("people", "yes"))
    return [("public.eligibility", {"round_id": w.open_round, "step": s}, {"answer": a}) for s, a in answers]


ROUTES: tuple[Route, ...] = (
    # --- public ------------------------------------------------------------------------------------
    _public("public.home"),
    _public("public.accessibility"),
    _public("public.cookies"),
    _public("public.privacy"),
    _public("public.register"),
    _public("public.progress"),
    _public("public.stories"),
    _public("public.glossary"),
    _public("public.round_detail", lambda w: {"round_id": w.open_round}),
    _public(
        "public.eligibility",
        lambda w: {"round_id": w.open_round},
        variants=({"step": "group"}, {"step": "area"}, {"step": "income"}, {"step": "people"}),
        methods=FORM,
        prepare=_eligibility_answered,
    ),
    _public("public.eligibility_answers", lambda w: {"round_id": w.open_round}, prepare=_eligibility_answered),
    _public("public.eligibility_result", lambda w: {"round_id": w.open_round}, prepare=_eligibility_answered),
    _public("public.request_call_back", methods=FORM),
    _public("public.call_back_requested"),
    _public("public.set_language", kind="redirect", variants=({"code": "en"},)),
    _public("public.healthz", kind="json"),
    _public("public.brand_css", kind="asset"),
    _public("static", kind="asset", variants=({"filename": "build/portal.css"},)),
    # --- signing in ----------------------------------------------------------------------------------
    _public("auth.sign_in", methods=FORM),
    _public("auth.sign_up", methods=FORM),
    _public("auth.forgot_password", methods=FORM),
    _public("auth.reset_password", lambda w: {"token": w.reset_token}, methods=FORM),
    Route("auth.sign_out", kind="post", roles=PUBLIC, methods=frozenset({"POST"})),
    _public("auth.sign_up_sent", prepare=_signed_up),
    # Confirming signs the new person in: walked last.
    _public("auth.confirm_email", lambda w: {"token": w.confirm_token}, kind="redirect", last=True),
    _public("auth.session_status", kind="json"),
    # Keeping a session alive: the script asks for JSON (401 without a session, tests/web/test_sessions.py);
    # a plain form post goes back to the page it came from, signed in or not.
    Route("auth.keep_alive", kind="post", roles=PUBLIC, methods=frozenset({"POST"})),
    # The code page belongs to a sign-in half done (password given); without one it sends you to sign in.
    Route(
        "auth.two_factor_code",
        roles=PUBLIC,
        owners=frozenset(),
        refused=SIGN_IN,
        viewer=ANONYMOUS,
        methods=FORM,
        prepare=_password_given,
    ),
    # Setting up two-factor: a signed-in person (those who have it are sent to their account page).
    Route("auth.set_up_two_factor", roles=PUBLIC, owners=SIGNED_IN, refused=SIGN_IN, viewer=APPLICANT_A, methods=FORM),
    Route("auth.account_two_factor", roles=SIGNED_IN, viewer=APPLICANT_A),
    Route("auth.turn_off_two_factor", kind="post", roles=SIGNED_IN, methods=frozenset({"POST"}), last=True),
    # --- applicants ----------------------------------------------------------------------------------
    _applicant("applicants.home", owners=None),
    _applicant("applicants.new_organisation", owners=None, methods=FORM),
    # Anyone signed in may start an EOI for a group they belong to (a panel member may run a group too).
    Route(
        "applicants.start_application",
        lambda w: {"round_id": w.open_round},
        roles=SIGNED_IN,
        viewer=APPLICANT_A,
        methods=FORM,
    ),
    _applicant("applicants.returns", owners=None),
    # The invitation is for Bilal's address. Its link is the secret: without an account, the page says
    # how to sign in or make one; anyone else signed in is told it is not theirs (403).
    Route(
        "applicants.accept_invitation",
        lambda w: {"token": w.invitation_token},
        roles=PUBLIC,
        owners=frozenset({APPLICANT_B, ANONYMOUS}),
        viewer=APPLICANT_B,
        refused="403",
        methods=FORM,
        last=True,  # accepting makes Bilal a member of group A
    ),
    Route(
        "applicants.organisation_detail",
        lambda w: {"organisation_id": w.group_a},
        roles=APPLICANTS | OFFICERS,
        owners=EOI_OWNERS,
        viewer=APPLICANT_A,
    ),
    _applicant("applicants.edit_organisation", lambda w: {"organisation_id": w.group_a}, methods=FORM),
    _post("applicants.upload_document", lambda w: {"organisation_id": w.group_a}, roles=APPLICANTS, owners=A_ONLY),
    _post("applicants.invite_member", lambda w: {"organisation_id": w.group_a}, roles=APPLICANTS, owners=A_ONLY),
    # Group A's document: its members, and officers (who check documents).
    Route(
        "applicants.download_file", lambda w: {"file_id": w.document}, kind="file", roles=SIGNED_IN, owners=EOI_OWNERS
    ),
    _eoi("applicants.task_list", lambda w: {"application_id": w.draft}),
    _eoi(
        "applicants.edit_section",
        lambda w: {"application_id": w.draft},
        variants=tuple({"section": s.value} for s in Section if s != Section.CRITERIA),  # that one: questions
        methods=FORM,
    ),
    _eoi("applicants.criteria_questions", lambda w: {"application_id": w.draft}),
    _eoi(
        "applicants.answer_question",
        lambda w: {"application_id": w.draft, "criterion_id": w.open_criterion},
        methods=FORM,
    ),
    _eoi("applicants.check_answers", lambda w: {"application_id": w.draft}),
    _eoi("applicants.application_pdf", lambda w: {"application_id": w.funded}, kind="file"),
    Route(
        "applicants.submit_application",
        lambda w: {"application_id": w.draft},
        kind="post",
        methods=frozenset({"POST"}),
        roles=SIGNED_IN,
        owners=EOI_OWNERS,
        last=True,
    ),
    _eoi("applicants.application_submitted", lambda w: {"application_id": w.funded}),
    _eoi("applicants.application_detail", lambda w: {"application_id": w.funded}),
    _applicant("applicants.award_offer", lambda w: {"application_id": w.offered}, methods=FORM),
    _applicant("applicants.decline_offer", lambda w: {"application_id": w.offered}, methods=FORM),
    _applicant("applicants.bank_details", lambda w: {"application_id": w.funded}, methods=FORM),
    # Officers download letters from their own pages (officers.download_letter).
    Route(
        "applicants.download_letter",
        lambda w: {"letter_id": w.award_letter},
        kind="file",
        roles=SIGNED_IN,
        owners=A_ONLY,
    ),
    _applicant("applicants.edit_return", lambda w: {"return_id": w.return_due}, methods=FORM),
    _post("applicants.answer_return_query", lambda w: {"return_id": w.return_sent}, roles=APPLICANTS, owners=A_ONLY),
    _applicant("applicants.add_story", lambda w: {"return_id": w.return_due}, methods=FORM),
    _applicant("applicants.edit_story", lambda w: {"story_id": w.story}, methods=FORM),
    _post("applicants.remove_story", lambda w: {"story_id": w.story}, roles=APPLICANTS, owners=A_ONLY, last=True),
    _post("applicants.withdraw_story_consent", lambda w: {"story_id": w.story}, roles=APPLICANTS, owners=A_ONLY),
    # --- the panel -----------------------------------------------------------------------------------
    _panel("panel.home"),
    _panel("panel.dashboard", lambda w: {"round": w.closed_round}),
    _panel("panel.interests", methods=FORM),
    _post("panel.remove_interest", lambda w: {"interest_id": w.interest}, roles=PANEL, owners=MEMBER_ONLY),
    _panel("panel.review", lambda w: {"review_id": w.review_draft}, owners=MEMBER_ONLY, methods=FORM),
    _panel("panel.confirm_conflict", lambda w: {"review_id": w.review_unconfirmed}, owners=MEMBER_ONLY, methods=FORM),
    _panel("panel.panel_scores", lambda w: {"review_id": w.review_submitted}, owners=MEMBER_ONLY),
    _panel("panel.moderation", _round),
    # --- admin ---------------------------------------------------------------------------------------
    Route("admin.home", roles=frozenset({ADMIN})),
    Route("admin.reset_two_factor", lambda w: {"user_id": w.member}, roles=frozenset({ADMIN}), methods=FORM),
    # --- officers: the programme ----------------------------------------------------------------------
    _page("officers.home"),
    _page("officers.dashboard"),
    _page("officers.languages", methods=FORM),
    _page("officers.new_fund", methods=FORM),
    _page("officers.edit_fund", lambda w: {"fund_id": w.fund}, methods=FORM),
    _page("officers.copy_fund", lambda w: {"fund_id": w.fund}, methods=FORM),
    _page("officers.new_round", lambda w: {"fund_id": w.fund}, methods=FORM),
    _page("officers.localities"),
    _page("officers.new_locality", methods=FORM),
    _page("officers.import_localities", methods=FORM),
    _page("officers.edit_locality", lambda w: {"locality_id": w.locality}, methods=FORM),
    _post("officers.archive_locality", lambda w: {"locality_id": w.locality}),
    _page("officers.new_ward", lambda w: {"locality_id": w.locality}, methods=FORM),
    _page("officers.edit_ward", lambda w: {"ward_id": w.ward}, methods=FORM),
    _post("officers.archive_ward", lambda w: {"ward_id": w.ward}),
    _page("officers.support_requests"),
    _post("officers.handle_support_request", lambda w: {"request_id": w.support_request}),
    # --- officers: a round ---------------------------------------------------------------------------
    _page("officers.round_detail", _round),
    _page("officers.edit_round", _round, methods=FORM),
    _page("officers.copy_round", _round, methods=FORM),
    _page("officers.edit_eligibility", lambda w: {"round_id": w.open_round}, methods=FORM),
    _post("officers.change_round_status", _round),
    _page("officers.round_history", _round),
    _page("officers.round_applications", lambda w: {"round_id": w.open_round}),
    _page("officers.export_round_applications", lambda w: {"round_id": w.open_round}, kind="file"),
    _page("officers.assisted_start", lambda w: {"round_id": w.open_round}, methods=FORM),
    _page(
        "officers.grant_extension",
        lambda w: {"round_id": w.open_round, "org_id": w.group_b},
        methods=FORM,
    ),
    _page("officers.new_work_stream", _round, methods=FORM),
    _page("officers.edit_work_stream", lambda w: {"stream_id": w.stream}, methods=FORM),
    _post("officers.move_work_stream", lambda w: {"stream_id": w.stream}),
    _post("officers.retire_work_stream", lambda w: {"stream_id": w.stream}),
    _page("officers.new_measure", lambda w: {"stream_id": w.stream}, methods=FORM),
    _page("officers.edit_measure", lambda w: {"measure_id": w.measure}, methods=FORM),
    _post("officers.move_measure", lambda w: {"measure_id": w.measure}),
    _post("officers.retire_measure", lambda w: {"measure_id": w.measure}),
    _page("officers.criteria", _round),
    _page("officers.new_criterion", _round, methods=FORM),
    _page("officers.edit_criterion", lambda w: {"criterion_id": w.criterion}, methods=FORM),
    _page("officers.preview_criterion", lambda w: {"criterion_id": w.criterion}),
    _post("officers.move_criterion", lambda w: {"criterion_id": w.criterion}),
    _post("officers.archive_criterion", lambda w: {"criterion_id": w.criterion}),
    _page("officers.conditions", _round),
    _page("officers.new_condition", _round, methods=FORM),
    _page("officers.edit_condition", lambda w: {"condition_id": w.condition}, methods=FORM),
    _post("officers.move_condition", lambda w: {"condition_id": w.condition}),
    _post("officers.archive_condition", lambda w: {"condition_id": w.condition}),
    # --- officers: EOIs ------------------------------------------------------------------------------
    _page("officers.application_detail", lambda w: {"application_id": w.sent_b}),
    _post("officers.screen_application", lambda w: {"application_id": w.sent_b}),
    _post("officers.send_application_message", lambda w: {"application_id": w.sent_b}),
    _post("officers.invite_group", lambda w: {"application_id": w.sent_b}),
    _post("officers.withdraw_application", lambda w: {"application_id": w.sent_b}),
    # The assisted route for a group's own record: its details and documents, changed for it.
    _page("officers.edit_organisation_for_group", lambda w: {"organisation_id": w.group_a}, methods=FORM),
    _page("officers.upload_document_for_group", lambda w: {"organisation_id": w.group_a}, methods=FORM),
    # --- officers: the panel -------------------------------------------------------------------------
    _page("officers.panel", _round),
    _post("officers.create_panel", _round),
    _page("officers.edit_panel", _round, methods=FORM),
    _post("officers.add_panel_member", _round),
    _page(
        "officers.edit_panel_member", lambda w: {"round_id": w.closed_round, "member_id": w.panel_member}, methods=FORM
    ),
    _post("officers.remove_panel_member", lambda w: {"round_id": w.closed_round, "member_id": w.panel_member}),
    _page("officers.panel_assignments", _round),
    _post("officers.assign_review", lambda w: {"round_id": w.closed_round, "application_id": w.with_panel}),
    _post("officers.assign_in_bulk", _round),
    _post("officers.unassign_review", lambda w: {"round_id": w.closed_round, "review_id": w.review_draft}),
    _page("officers.review_detail", lambda w: {"review_id": w.review_submitted}),
    _post("officers.reopen_review", lambda w: {"review_id": w.review_submitted}),
    _page("officers.moderation", _round),
    _page("officers.moderation_members", _round),
    _page("officers.moderate_application", lambda w: {"application_id": w.with_panel}),
    _post("officers.record_agreed_score", lambda w: {"application_id": w.with_panel}),
    _post("officers.finish_scoring", lambda w: {"application_id": w.with_panel}),
    _page("officers.decisions", _round),
    _page("officers.decide", lambda w: {"application_id": w.with_panel}, methods=FORM),
    _post("officers.release_decisions", _round),
    _page("officers.decision_pack", _round, kind="file", variants=({"fmt": "csv"}, {"fmt": "xlsx"}, {"fmt": "pdf"})),
    # --- officers: awards and letters ----------------------------------------------------------------
    _page("officers.awards", _round),
    _page("officers.acceptances", _round),
    _page("officers.award_detail", lambda w: {"award_id": w.award_accepted}),
    _page("officers.award_bank_details", lambda w: {"award_id": w.award_accepted}),
    _page("officers.edit_award", lambda w: {"award_id": w.award_offered}, methods=FORM),
    _page("officers.edit_award_conditions", lambda w: {"award_id": w.award_offered}, methods=FORM),
    _page("officers.edit_award_payments", lambda w: {"award_id": w.award_offered}, methods=FORM),
    _page("officers.edit_award_targets", lambda w: {"award_id": w.award_offered}, methods=FORM),
    _page("officers.edit_award_returns", lambda w: {"award_id": w.award_offered}, methods=FORM),
    _post("officers.remind_award", lambda w: {"award_id": w.award_offered}),
    # The assisted route: the group's answer to its offer, and its bank details, recorded for it.
    _page("officers.accept_offer_for_group", lambda w: {"award_id": w.award_offered}, methods=FORM),
    _page("officers.decline_offer_for_group", lambda w: {"award_id": w.award_offered}, methods=FORM),
    _page("officers.give_bank_details_for_group", lambda w: {"award_id": w.award_accepted}, methods=FORM),
    _post("officers.withdraw_award", lambda w: {"award_id": w.award_offered}),
    _page("officers.edit_letter_settings", _round, methods=FORM),
    _post("officers.upload_letter_logo", _round),
    _page("officers.letter_logo", _round, kind="image"),
    _page("officers.round_letters", _round),
    _post("officers.start_letter_batch", _round),
    _page("officers.letter_batch", lambda w: {"batch_id": w.batch}),
    _page("officers.letter_batch_progress", lambda w: {"batch_id": w.batch}, kind="json"),
    _page("officers.letter_batch_zip", lambda w: {"batch_id": w.batch}, kind="file"),
    _page("officers.letters", lambda w: {"application_id": w.funded}),
    _post("officers.issue_letter", lambda w: {"application_id": w.funded, "kind": "award"}),
    _page("officers.download_letter", lambda w: {"letter_id": w.award_letter}, kind="file"),
    # --- officers: returns, monitoring and exports ---------------------------------------------------
    _page("officers.round_returns", _round),
    _page("officers.return_detail", lambda w: {"return_id": w.return_sent}),
    _post("officers.accept_return", lambda w: {"return_id": w.return_sent}),
    _post("officers.query_return", lambda w: {"return_id": w.return_sent}),
    _page("officers.assisted_return", lambda w: {"return_id": w.return_due}, methods=FORM),
    _page("officers.edit_return_for_group", lambda w: {"return_id": w.return_due}, methods=FORM),
    _page("officers.add_story_for_group", lambda w: {"return_id": w.return_due}, methods=FORM),
    _post("officers.answer_query_for_group", lambda w: {"return_id": w.return_due}),
    _page("officers.edit_story_for_group", lambda w: {"story_id": w.story}, methods=FORM),
    _post("officers.remove_story_for_group", lambda w: {"story_id": w.story}, last=True),
    _post("officers.withdraw_story_consent", lambda w: {"story_id": w.story}),
    _page("officers.exports", _round),
    _page("officers.export_xlsx", _round, kind="file"),
    _page("officers.export_360_csv", _round, kind="file"),
    _page("officers.export_360_json", _round, kind="file"),
    _page("officers.annual_report", _round, kind="file"),
    _page(
        "officers.export_csv",
        _round,
        kind="file",
        variants=tuple({"table": table} for table in TABLES),
    ),
    _page("officers.audit_log"),
)

BY_ENDPOINT: dict[str, Route] = {route.endpoint: route for route in ROUTES}


def missing_from_table(app) -> list[str]:  # noqa: ANN001
    """Endpoints the app has that the table does not describe (or with other methods)."""
    problems = []
    for rule in app.url_map.iter_rules():
        route = BY_ENDPOINT.get(rule.endpoint)
        methods = set(rule.methods or ()) - {"HEAD", "OPTIONS"}
        if route is None:
            problems.append(f"{rule.endpoint} ({rule.rule}) has no row in tests/routes_table.py")
        elif methods != set(route.methods):
            problems.append(
                f"{rule.endpoint}: the app answers {sorted(methods)}, the table says {sorted(route.methods)}"
            )
    return problems
