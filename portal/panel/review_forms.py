"""The review form, generated from a round's criteria: for each criterion a score (0–4, or not
scored), a comment and who may read it; then a recommendation. The form checks shape only; the
reviews service checks what a submission needs."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from portal.domain.panel import LABELS, CommentAudience, Recommendation
from portal.domain.scoring import SCORES
from portal.forms import PortalForm
from portal.models import Criterion, Review
from portal.services.reviews import ScoreInput
from portal.widgets import GovRadioInput, GovSubmitInput, GovTextArea

NOT_SCORED = ""
COMMENT_LIMIT = 5000


def _score_choices(criterion: CriterionFields, not_scored: str) -> list[SelectChoice]:
    return [SelectChoice(str(n), f"{n} – {text}") for n, text in zip(SCORES, criterion.descriptors, strict=True)] + [
        SelectChoice(NOT_SCORED, not_scored)
    ]


def _audience_choices() -> list[SelectChoice]:
    return [SelectChoice(a.value, _(LABELS[a])) for a in (CommentAudience.PANEL_ONLY, CommentAudience.FEEDBACK)]


def recommendation_choices() -> list[SelectChoice]:
    return [SelectChoice(r.value, _(LABELS[r])) for r in Recommendation]


class ReviewForm(PortalForm):
    """The fields every review has; ``build_review_form`` adds each criterion's."""

    criteria: list[CriterionFields] = []  # noqa: RUF012 - set on each built class

    def score_field(self, criterion: Criterion | CriterionFields) -> RadioField:
        return self[f"score_{criterion.id}"]

    def comment_field(self, criterion: Criterion | CriterionFields) -> TextAreaField:
        return self[f"comment_{criterion.id}"]

    def audience_field(self, criterion: Criterion | CriterionFields) -> RadioField:
        return self[f"audience_{criterion.id}"]

    @property
    def submitting(self) -> bool:
        return bool(self.submit_scores.data)

    @property
    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None

    @property
    def chosen_recommendation(self) -> Recommendation | None:
        return Recommendation(self.recommendation.data) if self.recommendation.data else None

    def score_inputs(self) -> dict[int, ScoreInput]:
        inputs = {}
        for criterion in self.criteria:
            score = self.score_field(criterion).data
            audience = self.audience_field(criterion).data
            inputs[criterion.id] = ScoreInput(
                score=int(score) if score not in (None, NOT_SCORED) else None,
                comment=self.comment_field(criterion).data or "",
                audience=CommentAudience(audience) if audience else None,
            )
        return inputs

    def fill(self, review: Review) -> None:
        """What the review holds now (a criterion never saved: not scored, for the panel only)."""
        saved = {score.criterion_id: score for score in review.scores}
        for criterion in self.criteria:
            row = saved.get(criterion.id)
            self.score_field(criterion).data = (
                str(row.score) if row is not None and row.score is not None else NOT_SCORED
            )
            self.comment_field(criterion).data = row.comment if row is not None else ""
            self.audience_field(criterion).data = (
                row.audience if row is not None else CommentAudience.PANEL_ONLY
            ).value
        self.recommendation.data = review.recommendation.value if review.recommendation else None
        self.recommendation_note.data = review.recommendation_note or ""
        self.version.data = str(review.lock_version)

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        valid = super().validate(extra_validators=extra_validators)
        allowed_scores = {str(n) for n in SCORES} | {NOT_SCORED}
        allowed_audiences = {a.value for a in CommentAudience}
        for criterion in self.criteria:
            score = self.score_field(criterion)
            if (score.data or NOT_SCORED) not in allowed_scores:
                score.errors.append(_l("Choose a score from 0 to 4, or Not scored"))
                valid = False
            audience = self.audience_field(criterion)
            if audience.data and audience.data not in allowed_audiences:
                audience.errors.append(_l("Choose who can read your comment"))
                valid = False
        if self.recommendation.data and self.recommendation.data not in {r.value for r in Recommendation}:
            self.recommendation.errors.append(_l("Choose a recommendation"))
            valid = False
        return valid


@dataclass(frozen=True)
class CriterionFields:
    """What a criterion's fields are made from: its id (their names), title (their labels) and
    score descriptors (the choices)."""

    id: int
    title: str
    descriptors: tuple[str, ...]


def build_review_form(criteria: list[Criterion]) -> type[ReviewForm]:
    """A form for these criteria, in this order; the recommendation and buttons come after them,
    so the error summary lists problems in the order of the page.

    A form class is a pure function of the language and what the criteria's fields are made from,
    so one is kept per such pair (making one took a millisecond or more, on every look at a review):
    each request still gets its own form from it. A criterion renamed or rewritten makes another."""
    shown = tuple(CriterionFields(c.id, c.title, tuple(c.descriptors)) for c in criteria)
    return _form_class(str(get_locale()), shown)


@functools.lru_cache(maxsize=64)
def _form_class(locale: str, criteria: tuple[CriterionFields, ...]) -> type[ReviewForm]:
    """The form class for ``criteria``, its texts in ``locale`` (the request's language: the key
    says which language the texts were translated into)."""

    class BuiltReviewForm(ReviewForm):
        pass

    BuiltReviewForm.criteria = list(criteria)
    # The texts are translated once, here (a lazy text is translated again each time it is read,
    # and a label is read three times).
    not_scored, audiences = _("Not scored"), _audience_choices()
    for criterion in criteria:
        setattr(
            BuiltReviewForm,
            f"score_{criterion.id}",
            RadioField(
                _("Your score for %(title)s", title=criterion.title),
                choices=_score_choices(criterion, not_scored),
                default=NOT_SCORED,
                validate_choice=False,
                widget=GovRadioInput(),
            ),
        )
        setattr(
            BuiltReviewForm,
            f"comment_{criterion.id}",
            TextAreaField(
                _("Your comment on %(title)s (optional)", title=criterion.title),
                widget=GovTextArea(),
                validators=[Optional(), Length(max=COMMENT_LIMIT)],
            ),
        )
        setattr(
            BuiltReviewForm,
            f"audience_{criterion.id}",
            RadioField(
                _("Who can read your comment on %(title)s?", title=criterion.title),
                choices=audiences,
                default=CommentAudience.PANEL_ONLY.value,
                validate_choice=False,
                widget=GovRadioInput(),
            ),
        )
    BuiltReviewForm.recommendation = RadioField(
        _l("What do you recommend?"),
        choices=recommendation_choices(),
        validate_choice=False,
        widget=GovRadioInput(),
    )
    BuiltReviewForm.recommendation_note = TextAreaField(
        _l("Anything the panel should know about your recommendation (optional)"),
        description=_l("For example, the conditions you would set."),
        widget=GovTextArea(),
        validators=[Optional(), Length(max=COMMENT_LIMIT)],
    )
    BuiltReviewForm.version = HiddenField()
    BuiltReviewForm.save_draft = SubmitField(_l("Save as draft"), widget=GovSubmitInput())
    BuiltReviewForm.submit_scores = SubmitField(_l("Submit your scores"), widget=GovSubmitInput())
    return BuiltReviewForm
