"""The GOV.UK widgets keep each field's HTML for its parameters (portal/widgets.py): what they give
is exactly what govuk-frontend-wtf renders, a field with anything different (what is checked, a
value, an error, HTML instead of text, the language) gets its own, and fields that cannot be
compared safely are rendered each time."""

from __future__ import annotations

from collections import OrderedDict

import pytest
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf import wtforms_widgets as library
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    FileField,
    Form,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)

from portal import widgets
from portal.domain.roles import Role
from portal.widgets import KeptFields, kept_fields

CHOICES = [
    SelectChoice(value, label)
    for value, label in (
        ("0", "0 – No evidence"),
        ("2", "2 – Some evidence"),
        ("4", "4 – Strong evidence"),
        ("", "Not scored"),
    )
]


def _form(widget_module, data: dict | None = None):  # noqa: ANN001, ANN202
    class ScoreForm(Form):
        score = RadioField("How well does the group know its community?", choices=CHOICES,
                           widget=widget_module.GovRadioInput())  # fmt: skip
        comment = TextAreaField("Comment", widget=widget_module.GovTextArea())
        name = StringField("Name of the group", widget=widget_module.GovTextInput())
        areas = SelectMultipleField(
            "Areas",
            choices=[SelectChoice("north", "North"), SelectChoice("south", "South")],
            widget=widget_module.GovCheckboxesInput(),
        )
        agree = BooleanField("I agree", widget=widget_module.GovCheckboxInput())
        stream = SelectField(
            "Work stream",
            choices=[SelectChoice("1", "Arts"), SelectChoice("2", "Health")],
            widget=widget_module.GovSelect(),
        )
        recording = FileField("A recording", widget=widget_module.GovFileInput())
        summary = TextAreaField("Summary", widget=widget_module.GovCharacterCount())
        save = SubmitField("Save", widget=widget_module.GovSubmitInput())

    form = ScoreForm(MultiDict(data or {}))
    return form


FILLED = {"score": "2", "comment": "Knows <its> streets & people", "name": "Ladies of Lozells", "areas": ["south"],
          "agree": "y", "stream": "2", "summary": "Short."}  # fmt: skip


@pytest.mark.parametrize("data", [{}, FILLED], ids=["empty", "filled"])
def test_each_widget_renders_exactly_what_govuk_frontend_wtf_renders(app, data):  # noqa: ANN001
    with app.test_request_context("/"):
        ours, theirs = _form(widgets, data), _form(library, data)
        ours.score.errors = theirs.score.errors = ["Choose a score"]
        for name in ("score", "comment", "name", "areas", "agree", "stream", "recording", "save"):
            assert str(ours[name]()) == str(theirs[name]()), name
            assert str(ours[name]()) == str(theirs[name]()), f"{name}, kept"
        params = {"params": {"maxlength": 500}}
        assert str(ours.summary(**params)) == str(theirs.summary(**params))


def test_a_field_is_kept_once_and_served_again(app):  # noqa: ANN001
    with app.test_request_context("/"):
        kept = kept_fields()
        before = len(kept)
        first = str(_form(widgets).score())
        assert len(kept) == before + 1
        assert str(_form(widgets).score()) == first
        assert len(kept) == before + 1


def test_what_is_checked_typed_or_wrong_makes_a_field_of_its_own(app):  # noqa: ANN001
    with app.test_request_context("/"):
        unscored = str(_form(widgets).score())
        two = str(_form(widgets, {"score": "2"}).score())
        four = str(_form(widgets, {"score": "4"}).score())
        assert 'value="2" checked' in two and 'value="4" checked' not in two
        assert 'value="4" checked' in four and 'value="2" checked' not in four
        assert "checked" not in unscored
        wrong = _form(widgets, {"score": "2"})
        wrong.score.errors = ["Choose a score"]
        assert "Choose a score" in str(wrong.score()) and "Choose a score" not in two
        typed = str(_form(widgets, {"comment": "First answer"}).comment())
        assert "First answer" in typed
        assert "Second answer" in str(_form(widgets, {"comment": "Second answer"}).comment())


def test_text_is_escaped_and_html_is_not_even_when_they_read_the_same(app):  # noqa: ANN001
    with app.test_request_context("/"):
        field = _form(widgets).name
        as_text = str(field(params={"hint": {"text": "<strong>Required</strong>"}}))
        as_html = str(field(params={"hint": {"text": Markup("<strong>Required</strong>")}}))
        assert "&lt;strong&gt;Required&lt;/strong&gt;" in as_text
        assert "<strong>Required</strong>" in as_html
        assert str(field(params={"hint": {"text": "<strong>Required</strong>"}})) == as_text


def test_each_language_has_its_own_field(app):  # noqa: ANN001
    with app.test_request_context("/"):

        class Translated(Form):
            name = StringField(_l("Grants awarded"), widget=widgets.GovTextInput())

        english = str(Translated().name())
        with force_locale("pl"):
            polish = str(Translated().name())
        assert "Grants awarded" in english
        assert "Grants awarded" not in polish
        assert str(Translated().name()) == english


def test_parameters_that_cannot_be_compared_are_rendered_each_time(app):  # noqa: ANN001
    class Opaque:
        def __str__(self) -> str:
            return "a value of its own kind"

    with app.test_request_context("/"):
        kept = kept_fields()
        before = len(kept)
        html = str(_form(widgets).name(params={"hint": {"text": Opaque()}}))
        assert "a value of its own kind" in html
        assert len(kept) == before


def test_the_least_recently_used_field_goes_first(app):  # noqa: ANN001
    with app.test_request_context("/"):
        kept = KeptFields(size=2)
        template = "govuk_frontend_wtf/input.html"
        a, b, c = ({"id": n, "name": n, "label": {"text": n}} for n in ("a", "b", "c"))
        kept.field(template, a)
        kept.field(template, b)
        kept.field(template, a)  # a is used again: b is now the oldest
        kept.field(template, c)
        assert len(kept) == 2
        keys = [key[2] for key in kept._entries]
        key = lambda params: widgets._prepared(params)[1]  # noqa: E731
        assert key(b) not in keys
        assert key(a) in keys and key(c) in keys


def test_a_lazy_translation_is_text_and_the_data_put_into_it_is_escaped(app):  # noqa: ANN001
    """A lazy translation tells Jinja it is HTML; in a widget it is text (a label, a hint), so the
    data put into it is escaped. Markup stays HTML."""
    with app.test_request_context("/"):

        class Scored(Form):
            score = StringField(
                _l("Your score for %(title)s", title="Reach <em>new</em> women"),
                description=_l("About %(title)s", title="<b>this</b>"),
                widget=widgets.GovTextInput(),
            )

        html = str(Scored().score())
        assert "<em>" not in html and "<b>" not in html
        assert "Your score for Reach &lt;em&gt;new&lt;/em&gt; women" in html
        assert "About &lt;b&gt;this&lt;/b&gt;" in html
        assert "<strong>kept</strong>" in str(Scored().score(params={"hint": {"html": Markup("<strong>kept</strong>")}}))


def test_a_key_follows_the_order_of_a_dictionary_and_derived_kinds_count_as_their_own():
    """Attributes are written in their dictionary's order, so two orders are two fields; an ordered
    dictionary, a tuple or an enum's value is kept as a dict, a list or text would be."""
    key = lambda value: widgets._prepared(value)[1]  # noqa: E731
    assert key({"a": "1", "b": "2"}) != key({"b": "2", "a": "1"})
    assert key(OrderedDict(a="1", b=[True, 2])) == key({"a": "1", "b": [True, 2]})
    assert key(("x", 1)) == key(["x", 1])
    assert key(Role.OFFICER) == key(str(Role.OFFICER))
    assert key([True]) != key([1])  # the same key would give "1" where "True" was written
    assert key({"a": object()}) is None and key({1: "a"}) is None
