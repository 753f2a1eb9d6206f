"""``python -m benchmarks run [--size tiny|small|large]``: every benchmark, a table, JSON (see README.md)."""

from __future__ import annotations

import argparse
import shlex
import shutil
import sys
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Plan:
    """How much each size does. The small data set is always seed-large's tiny preset."""

    duration: int  # seconds of wrk per page
    connections: int
    letters: int  # the PDF batch
    single: int  # renders of one letter, for its median
    applicants: int  # the surge
    idle: int  # applicants one at a time before it


PLANS = {
    "tiny": Plan(duration=1, connections=2, letters=4, single=2, applicants=3, idle=1),
    "small": Plan(duration=5, connections=20, letters=50, single=10, applicants=20, idle=3),
    "large": Plan(duration=10, connections=20, letters=200, single=20, applicants=50, idle=5),
}


def run(args: argparse.Namespace) -> int:
    from benchmarks import data, pages, pdfs, report, surge
    from benchmarks.server import Databases, gunicorn, portal_env

    base = PLANS[args.size]
    plan = Plan(
        duration=args.duration or base.duration,
        connections=args.connections or base.connections,
        letters=args.letters or base.letters,
        single=base.single,
        applicants=args.applicants or base.applicants,
        idle=base.idle,
    )
    databases = Databases(args.database, prefix=args.prefix)
    work = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    results: dict = {"size": args.size, "plan": plan.__dict__, "machine": report.machine()}
    names = ["small"] if args.size == "tiny" else ["small", "large"]
    try:
        say(f"Seeding ({', '.join(names)}) in {args.database} …")
        sets = {}
        for name in names:
            storage = work / name / "files"
            storage.mkdir(parents=True)
            sets[name] = {**data.seed(databases, name, "tiny" if name == "small" else args.size, storage)}
            sets[name]["storage"] = storage
            say(f"  {name}: {sets[name]['seed_seconds']} s")
        sets.setdefault("large", sets["small"])  # tiny: one data set serves as both
        results["data"] = {n: {k: v for k, v in s.items() if k != "storage"} for n, s in sets.items()}

        load = pages.Load(duration=plan.duration, connections=plan.connections)
        results["pages"] = {}
        errors = results["errors"] = {}
        for name in names:
            info = sets[name]
            with section(errors, f"pages ({name} data)"):
                targets = data.page_targets(info["database_url"], info["storage"])
                results["data"][name]["moderation_eois"] = targets["moderation_eois"]
                env = portal_env(info["database_url"], info["storage"])
                with gunicorn(env, work / f"gunicorn-{name}.log") as url:
                    say(f"Pages under load, {name} data ({plan.duration} s a page) …")
                    with section(errors, f"pages ({name} data)"):
                        results["pages"][name] = pages.measure(url, targets, load)
                    if sets["large"] is info:  # last: it adds to the data
                        say(f"The deadline surge ({plan.applicants} applicants) …")
                        with section(errors, "surge"):
                            results["surge"] = surge.run(
                                url, info["database_url"], info["storage"], applicants=plan.applicants, idle=plan.idle
                            )
        if "small" in results["pages"]:
            results["pages"].setdefault("large", results["pages"]["small"])

        say(f"PDFs ({plan.letters} letters) …")
        with section(errors, "pdfs"):
            results["pdfs"] = pdfs.measure(
                sets["large"]["database_url"], sets["large"]["storage"], single=plan.single, batch=plan.letters
            )
    finally:
        if not args.keep_data:
            for name in names:
                databases.drop(name)
            shutil.rmtree(work, ignore_errors=True)
        else:
            say(f"Kept the databases ({', '.join(databases.url(n) for n in names)}) and files in {work}")

    results["machine_end"] = report.machine()
    rows = report.figures(results)
    print(report.table(rows))
    output = Path(args.output)
    report.write_json(results, rows, output)
    say(f"\nJSON written to {output}")
    if args.markdown:
        command = "python -m benchmarks " + shlex.join(sys.argv[1:])
        Path(args.markdown).write_text(report.markdown(results, rows, command))
        say(f"Results written to {args.markdown}")
    for where, error in results["errors"].items():
        say(f"\n{where} failed:\n{error}")
    return 1 if results["errors"] else 0


@contextmanager
def section(errors: dict[str, str], name: str) -> Iterator[None]:
    """Run one benchmark; if it fails, note why and go on with the others (its figures stay empty)."""
    try:
        yield
    except Exception:  # noqa: BLE001 - reported at the end, and the run exits with 1
        errors.setdefault(name, traceback.format_exc(limit=6))


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="run every benchmark")
    run_parser.add_argument("--size", choices=sorted(PLANS), default="large")
    run_parser.add_argument(
        "--database",
        default="postgresql+psycopg://postgres@127.0.0.1:5432",
        help="PostgreSQL server (a database per data set is made and dropped) or sqlite:///folder",
    )
    run_parser.add_argument("--prefix", default="portal_bench", help="name prefix of the benchmark databases")
    run_parser.add_argument("--duration", type=int, help="seconds of load per page")
    run_parser.add_argument("--connections", type=int, help="wrk connections")
    run_parser.add_argument("--letters", type=int, help="letters in the PDF batch")
    run_parser.add_argument("--applicants", type=int, help="applicants in the surge")
    run_parser.add_argument("--output", default=str(HERE / "results" / "latest.json"), help="where the JSON goes")
    run_parser.add_argument("--markdown", help="also write the results as Markdown (benchmarks/RESULTS.md)")
    run_parser.add_argument("--keep-data", action="store_true", help="keep the databases and files afterwards")
    args = parser.parse_args(argv)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
