"""PDFs: tagged, titled, in the right language, text extractable, real glyphs, a locked-down fetcher."""

from __future__ import annotations

import io

import pytest
from flask import render_template_string
from pypdf import PdfReader

from portal.pdf import STATIC_PREFIX, RefusedURL, html_to_pdf, make_fetcher


def _pdf(app, body: str, *, lang: str = "en", title: str = "Test letter") -> PdfReader:  # noqa: ANN001
    """``body`` in the portal's PDF layout (templates/pdf/_base.html, with its font stack)."""
    with app.test_request_context():
        html = render_template_string(
            '{% extends "pdf/_base.html" %}{% block body %}' + body + "{% endblock %}",
            doc={"lang": lang, "dir": "rtl" if lang in {"ar", "ur"} else "ltr", "title": title},
        )
    return PdfReader(io.BytesIO(html_to_pdf(html, static_root=app.static_folder)))


def _fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_a_pdf_is_tagged_titled_in_its_language_and_its_text_extractable(app):
    reader = _pdf(app, "<h1>Award letter</h1><p>Sparkhill Women's Circle is offered £5,000.</p>", title="Award CIF-1")
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog  # tagged, for screen readers
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "en"
    assert reader.metadata.title == "Award CIF-1"
    assert "offered £5,000" in reader.pages[0].extract_text()


@pytest.mark.parametrize(
    ("lang", "name", "font"),
    [
        ("bn", "স্মার্ট উইমেন কমিউনিটি সেন্টার", "NotoSansBengali"),
        ("ar", "مركز النساء المجتمعي", "NotoSansArabic"),
        ("ur", "خواتین کا کمیونٹی مرکز", "NotoNastaliqUrdu"),
    ],
)
def test_names_in_other_scripts_are_drawn_with_real_glyphs(app, lang, name, font):
    reader = _pdf(app, f"<p>{name}</p>", lang=lang)
    fonts = {name.replace("-", "") for name in _fonts(reader)}
    assert any(font in f for f in fonts), fonts  # a Noto font that has these glyphs is embedded


def test_the_fetcher_refuses_local_files_and_the_internet(app, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not embed")
    fetcher = make_fetcher(app.static_folder)
    for url in (
        f"file://{secret}",
        "https://example.org/logo.png",
        "http://127.0.0.1/x.png",
        STATIC_PREFIX + "../pyproject.toml",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    assert fetcher.fetch(STATIC_PREFIX + "images/favicon.svg").read().startswith(b"<svg")
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


def test_a_local_file_named_in_the_html_is_not_embedded(app, tmp_path):
    secret = tmp_path / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>SECRET-TEXT</text></svg>')
    reader = _pdf(app, f'<p>Before</p><img src="file://{secret}" alt="x"><p>After</p>')
    text = reader.pages[0].extract_text()
    assert "SECRET-TEXT" not in text
    assert "After" in text
