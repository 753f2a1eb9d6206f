"""`scripts/translations`: extract, find what is missing, merge a translator's work, compile.

Run it as `scripts/translations --help` (or `.venv/bin/python -m portal.translations_cli`).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from io import BytesIO
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from portal import translation_catalogues as tc

ROOT = tc.ROOT

PYBABEL = str(Path(sys.executable).with_name("pybabel"))
KEYWORD_FLAGS = ["-k", "_l", "-k", "lazy_gettext", "-k", "lazy_ngettext:1,2", "-k", "N_"]


def run(*args: str) -> None:
    subprocess.run([PYBABEL, *args], cwd=ROOT, check=True)  # noqa: S603 - our own arguments


def cmd_extract(_args: argparse.Namespace) -> int:
    run(
        "-q",
        "extract",
        "-F",
        "babel.cfg",
        *KEYWORD_FLAGS,
        "--no-location",
        "--sort-output",
        f"--ignore-dirs={tc.IGNORE_DIRS}",
        "-o",
        str(tc.TEMPLATE.relative_to(ROOT)),
        ".",
    )
    for language in tc.languages():
        run("-q", "update", "-i", str(tc.TEMPLATE), "-d", str(tc.TRANSLATIONS), "-l", language)
    print(
        f"messages.pot: {sum(1 for m in _template() if m.id)} strings; catalogues updated: {', '.join(tc.languages())}"
    )
    return 0


def _template():
    with tc.TEMPLATE.open("rb") as fileobj:
        return read_po(fileobj)


def cmd_missing(args: argparse.Namespace) -> int:
    wanted = list(_template()) if args.all else list(tc.extract())
    wanted.sort(key=lambda m: (m.id[0] if isinstance(m.id, tuple) else m.id) or "")
    chosen = [args.language] if args.language else [code for code in tc.languages() if code != "en"]
    out = sys.stdout.buffer if args.output is None else None
    total = 0
    for language in chosen:
        path = tc.catalogue_path(language)
        if not path.exists():
            print(f"no catalogue for {language}: scripts/translations init {language}", file=sys.stderr)
            return 1
        part = tc.fragment(wanted, tc.read_catalogue(path))
        count = sum(1 for m in part if m.id)
        total += count
        print(f"{language}: {count} strings to translate", file=sys.stderr)
        buffer = BytesIO()
        write_po(buffer, part, width=76, omit_header=False)
        if out is not None:
            out.write(buffer.getvalue())
        else:
            target = Path(args.output.replace("LANG", language)) if len(chosen) > 1 else Path(args.output)
            target.write_bytes(buffer.getvalue())
            print(f"  written to {target}", file=sys.stderr)
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    path = tc.catalogue_path(args.language)
    catalog = tc.read_catalogue(path)
    result = tc.merge(catalog, tc.load_translations(Path(args.file)))
    tc.write_catalogue(catalog, path)
    print(f"{args.language}: {result.merged} translations merged into {path.relative_to(ROOT)}")
    for key in result.unknown:
        print(f"  not in the catalogue (run extract first?): {key[:70]!r}", file=sys.stderr)
    for problem in result.rejected:
        print(f"  refused ({problem.reason}): {problem.msgid[:70]!r}", file=sys.stderr)
    print("then: scripts/translations compile")
    return 1 if result.rejected else 0


def cmd_compile(_args: argparse.Namespace) -> int:
    for language in tc.languages():
        target = tc.compile_catalogue(tc.catalogue_path(language))
        print(f"compiled {target.relative_to(ROOT)}")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    run("init", "-i", str(tc.TEMPLATE), "-d", str(tc.TRANSLATIONS), "-l", args.language)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/translations", description="Keep the translation catalogues up to date."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("extract", help="messages.pot from the whole project, then update every catalogue")
    missing = commands.add_parser("missing", help="applicant-facing strings a language lacks, as a .po fragment")
    missing.add_argument("language", nargs="?")
    missing.add_argument("--all", action="store_true", help="every string, not only applicant-facing ones")
    missing.add_argument("-o", "--output", help="write to this file (LANG in the name is replaced per language)")
    merge = commands.add_parser("merge", help="merge a filled fragment (.po) or JSON mapping into a catalogue")
    merge.add_argument("language")
    merge.add_argument("file")
    commands.add_parser("compile", help="compile every catalogue")
    init = commands.add_parser("init", help="start a catalogue for a new language")
    init.add_argument("language")
    args = parser.parse_args(argv)
    handler = {
        "extract": cmd_extract,
        "missing": cmd_missing,
        "merge": cmd_merge,
        "compile": cmd_compile,
        "init": cmd_init,
    }[args.command]
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
