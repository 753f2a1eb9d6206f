"""The GOV.UK form widgets (govuk-frontend-wtf), each field's HTML kept for the parameters it was
rendered from.

A GOV.UK Frontend macro is a pure function of its parameters: the same parameters give the same
HTML. Rendering one is slow for what it gives (GOV.UK radios with six choices take 0.65 ms, as
long as twenty ordinary lines of a template), and forms repeat the same fields with the same
parameters: every review of a round shows the same questions with the same score descriptors, most
of them not yet scored. So each field's HTML is kept, in this process, under its template, the
language and its parameters in full (value, choices, what is checked, errors): two fields get the
same HTML only if they would have rendered it anyway. Nothing about the reader, the session or the
data is read here; a CSRF token is not a GOV.UK widget and is never kept.

Parameters of a kind that cannot be compared safely (anything but text, numbers, lists and
dictionaries of them) are rendered each time, as govuk-frontend-wtf does. A lazy translation is
rendered as the text it is (escaped: see ``_prepared``); ``Markup`` as HTML.

Forms import these classes from here instead of from ``govuk_frontend_wtf.wtforms_widgets``
(tests/test_architecture.py checks).
"""

from __future__ import annotations

from collections.abc import Hashable

from flask import current_app
from flask_babel import get_locale
from flask_babel.speaklater import LazyString
from govuk_frontend_wtf import wtforms_widgets as gov
from markupsafe import Markup

from portal.kept_html import KeptHtml, kept_for_app

SIZE = 2048  # fields kept per process (a few KB each): the questions of many rounds, in every state

_HTML, _LIST = object(), object()  # markers in a key: text that is already HTML; a list


def _prepared(value: object) -> tuple[object, Hashable | None]:
    """``value`` with every lazy translation made plain text, and a key for it that is equal for
    two values only if a template renders them alike (``None``: not comparable, so not kept).

    A lazy translation (a label, a hint) is text, but it tells Jinja it is HTML (``__html__``), so a
    template would not escape it, nor the data put into it: an officer's "<em>" in a measure's name
    would reach the page as markup. Here it becomes plain text, escaped like any other. ``Markup``
    stays HTML, on purpose; the key tells the two apart, since a template escapes only text.

    A dictionary's key keeps its order (attributes are written in it). One pass over the values,
    the common kinds tried first: a review form's fields hold some 400 values, and this took 6% of
    its page."""
    kind = type(value)
    if kind is str:
        return value, value
    if kind is dict:
        plain, keys, comparable = {}, [], True
        for name, item in value.items():
            plain[name], key = _prepared(item)
            comparable = comparable and key is not None and type(name) is str
            keys.append((name, key))
        return plain, (tuple(keys) if comparable else None)
    if kind is list or kind is tuple:
        pairs = [_prepared(item) for item in value]
        keys = tuple(key for _, key in pairs)
        return [v for v, _ in pairs], (None if None in keys else (_LIST, keys))
    if value is None or kind is bool or kind is int or kind is float:
        return value, (kind.__name__, value)  # True and 1 are equal keys, but not the same text
    if isinstance(value, Markup):
        return value, (_HTML, str(value))
    if isinstance(value, LazyString):
        text = str(value)
        return text, text
    # Kinds derived from the common ones (an enum's value, an ordered dictionary): as those.
    if isinstance(value, str):
        return value, value
    if isinstance(value, bool | int | float):
        return value, (kind.__name__, value)
    if isinstance(value, dict):
        return _prepared(dict(value))
    if isinstance(value, list | tuple):
        return _prepared(list(value))
    return value, None


class KeptFields(KeptHtml):
    """Fields' HTML by (template, language, parameters), the least recently used dropped first."""

    def __init__(self, size: int = SIZE) -> None:
        super().__init__(size)

    def field(self, template: str, params: dict) -> Markup:
        params, frozen = _prepared(params)
        if frozen is None:
            return _render(template, params)
        return self.html((template, str(get_locale()), frozen), lambda: _render(template, params))


def _render(template: str, params: dict) -> Markup:
    # The widget's template needs its parameters only: no request context, as govuk-frontend-wtf's
    # render_template would build for every field.
    return Markup(current_app.jinja_env.get_template(template).render(params=params))  # noqa: S704  # nosec B704


def kept_fields() -> KeptFields:
    """This app's kept fields (made on first use)."""
    return kept_for_app("kept_fields", KeptFields)


class _Kept:
    """Renders through ``kept_fields`` instead of govuk-frontend-wtf's ``render_template``."""

    template: str

    def render(self, params: dict) -> Markup:
        return kept_fields().field(self.template, params)


class _KeptChoices(_Kept):
    """Radios and checkboxes: their items made from the field's choices as govuk-frontend-wtf
    makes them from its subfields (text, value, checked), without building a subfield for each
    choice first, which took more than the rest of a kept field. The choices are those WTForms'
    own iteration gives (``_iter_choices_normalized``, WTForms 3.3, pinned): tests/web/
    test_widgets.py checks the HTML equals govuk-frontend-wtf's, empty, chosen and with errors."""

    def __call__(self, field, **kwargs) -> Markup:  # noqa: ANN001, ANN003
        kwargs.setdefault("id", field.id)
        if "required" not in kwargs and "required" in getattr(field, "flags", []):
            kwargs["required"] = True
        items = []
        for choice in field._iter_choices_normalized():  # noqa: SLF001
            item = {"text": choice.label or choice.value, "value": str(choice.value)}
            if choice.selected:
                item["checked"] = True
            items.append(item)
        kwargs["items"] = items
        return self.render(self.map_gov_params(field, **kwargs))


class GovCharacterCount(_Kept, gov.GovCharacterCount):
    pass


class GovCheckboxInput(_Kept, gov.GovCheckboxInput):
    pass


class GovCheckboxesInput(_KeptChoices, gov.GovCheckboxesInput):
    pass


class GovFileInput(_Kept, gov.GovFileInput):
    pass


# Not kept: a password must never be part of a key held in memory (the widget hides the value,
# but this keeps it so whatever the widget does).
GovPasswordInput = gov.GovPasswordInput


class GovRadioInput(_KeptChoices, gov.GovRadioInput):
    pass


class GovSelect(_Kept, gov.GovSelect):
    pass


class GovSubmitInput(_Kept, gov.GovSubmitInput):
    pass


class GovTextArea(_Kept, gov.GovTextArea):
    pass


class GovTextInput(_Kept, gov.GovTextInput):
    pass
