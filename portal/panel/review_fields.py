"""A criterion's three fields on the review form (its score, the comment, who may read it), kept as
HTML under what they show: the form's class (which fixes the language, each field's name, label and
choices), the criterion, and each field's value, what was typed and its errors. Every criterion not
yet scored on any review of a round shows the same fields, and a member reloads or saves a draft
many times while scoring: building each field's parameters to find it among the kept fields
(portal/widgets.py) took more than looking up the three at once."""

from __future__ import annotations

from flask import get_template_attribute
from flask_babel import get_locale
from markupsafe import Markup

from portal.kept_html import KeptHtml, kept_for_app
from portal.models import Criterion
from portal.panel.review_forms import ReviewForm

SIZE = 1024  # criteria's fields kept per process (some 5 KB each)


def _shown(field) -> tuple:  # noqa: ANN001 - a WTForms field
    raw = tuple(field.raw_data) if field.raw_data is not None else None
    return type(field.data), field.data, raw, tuple((type(error), str(error)) for error in field.errors)


def kept_criterion_fields(form: ReviewForm, criterion: Criterion) -> Markup:
    """The three fields of ``criterion`` on ``form``, as they stand."""
    fields = (form.score_field(criterion), form.comment_field(criterion), form.audience_field(criterion))
    key = (str(get_locale()), type(form), criterion.id, *(_shown(field) for field in fields))
    render = get_template_attribute("panel/review_fields.html", "criterion_fields")
    return kept_for_app("kept_review_fields", lambda: KeptHtml(SIZE)).html(key, lambda: render(form, criterion))
