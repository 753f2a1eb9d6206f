"""The import layering of STYLE.md, read from the source with ``ast``.

routes   → forms, services, domain, models, extensions (the one commit lives here)
services → models, domain, db session, pdf, storage   ✗ request/session/flash/g/current_user, ✗ commit
domain   → standard library only                        ✗ flask, ✗ sqlalchemy, ✗ other portal layers
models   → portal.db, portal.domain, sqlalchemy         ✗ flask, ✗ services
pdf      → plain dicts and templates                    ✗ models
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parent.parent / "portal"


def modules(layer: str) -> list[Path]:
    root = PORTAL / layer
    return sorted(root.rglob("*.py")) if root.is_dir() else []


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def offending(path: Path, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(name for name in imports_of(path) if any(name == f or name.startswith(f + ".") for f in forbidden))


def _id(path: Path) -> str:
    return str(path.relative_to(PORTAL))


@pytest.mark.parametrize("path", modules("domain"), ids=_id)
def test_domain_is_pure(path):
    assert (
        offending(
            path,
            (
                "flask",
                "flask_babel",
                "flask_login",
                "flask_wtf",
                "sqlalchemy",
                "werkzeug",
                "portal.models",
                "portal.services",
                "portal.extensions",
                "portal.db",
            ),
        )
        == []
    )


@pytest.mark.parametrize("path", modules("models"), ids=_id)
def test_models_know_nothing_of_flask_or_services(path):
    assert offending(path, ("flask", "flask_login", "flask_babel", "portal.services", "portal.extensions")) == []


@pytest.mark.parametrize("path", modules("services"), ids=_id)
def test_services_take_the_actor_and_never_reach_for_the_request(path):
    assert (
        offending(
            path,
            ("flask.request", "flask.session", "flask.flash", "flask.g", "flask_login.current_user", "flask_login"),
        )
        == []
    )


@pytest.mark.parametrize("path", modules("services"), ids=_id)
def test_services_never_commit(path):
    tree = ast.parse(path.read_text())
    commits = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"
    ]
    assert commits == [], f"{path.name} commits on lines {commits}"


@pytest.mark.parametrize("path", modules("pdf"), ids=_id)
def test_pdf_is_fed_plain_data(path):
    assert offending(path, ("portal.models", "portal.extensions")) == []


def test_the_factory_has_no_side_effects():
    tree = ast.parse((PORTAL / "__init__.py").read_text())
    called = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    forbidden = {"create_all", "upgrade", "seed", "sleep", "urlopen", "execute", "commit", "deliver_outbox"}
    assert called & forbidden == set()


def test_forms_take_the_gov_uk_widgets_from_portal_widgets():
    """portal/widgets.py keeps each field's HTML; a widget taken from govuk-frontend-wtf directly
    would render every field again (and would not be noticed: it looks the same)."""
    taken = {
        path.relative_to(PORTAL).as_posix()
        for path in PORTAL.rglob("*.py")
        if path.name != "widgets.py" and offending(path, ("govuk_frontend_wtf.wtforms_widgets",))
    }
    assert taken == set()


def test_the_layers_exist():
    for layer in ("domain", "models", "services"):
        assert modules(layer), f"portal/{layer} is empty"


@pytest.mark.parametrize(
    "path",
    [p for p in PORTAL.rglob("*.py") if p.name in {"routes.py"} or p.parent.name in {"services"}],
    ids=_id,
)
def test_files_stay_small(path):
    lines = len(path.read_text().splitlines())
    limit = 400 if path.name == "routes.py" else 500
    assert lines <= limit, f"{path.name} has {lines} lines: split it"
