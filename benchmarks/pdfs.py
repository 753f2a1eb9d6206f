"""PDFs: milliseconds per award letter through the portal's pipeline against WeasyPrint rendering
the same HTML directly; a batch through the letter job's pool of render processes against the same
letters rendered one after another; and memory across the batch."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from benchmarks.server import children_of, rss_kb


def _letters(count: int) -> list:
    """Award letters, prepared (checked, context built) as the letter job prepares them: one per
    award of the released rounds, repeated when there are fewer awards than ``count``."""
    from flask import current_app
    from sqlalchemy import select

    from portal import demo, jobs
    from portal.domain.awards import LetterKind
    from portal.domain.workflow import AwardStatus
    from portal.extensions import db
    from portal.models import Application, Award, Panel, User
    from portal.services import letters

    officer = db.session.scalar(select(User).where(User.email == demo.ACCOUNTS[2][1]))
    applications = list(
        db.session.scalars(
            select(Application)
            .join(Award, Award.application_id == Application.id)
            .join(Panel, Panel.round_id == Application.round_id)
            .where(Panel.decisions_released_at.is_not(None), Award.status != AwardStatus.WITHDRAWN)
            .order_by(Application.id)
            .limit(count)
        )
    )
    if not applications:
        raise RuntimeError("no award to write a letter for: seed the data first")
    with current_app.test_request_context(base_url="http://127.0.0.1/"):
        links = jobs.letter_links()
        prepared = [letters.prepare_letter(a, LetterKind.AWARD, by=officer, links=links) for a in applications]
    db.session.rollback()
    return [prepared[i % len(prepared)] for i in range(count)]


def _medians_ms(renders: list, times: int) -> list[float]:  # noqa: ANN001
    """The median time of each render, taken in turn (so that a busy moment hits them alike)."""
    for render in renders:
        render()  # warm: fonts found, templates compiled
    samples: list[list[float]] = [[] for _ in renders]
    for _ in range(times):
        for render, taken in zip(renders, samples, strict=True):
            started = time.perf_counter()
            render()
            taken.append((time.perf_counter() - started) * 1000)
    return [statistics.median(taken) for taken in samples]


def measure(database_url: str, storage: Path, *, single: int = 20, batch: int = 200) -> dict:
    """All the PDF figures, in this process (and the job's pool of two render processes)."""
    from portal import create_app, jobs
    from portal.extensions import db
    from portal.pdf import STATIC_PREFIX, _weasyprint, font_config
    from portal.services import letter_batches, letters

    app = create_app({"DATABASE_URL": database_url, "STORAGE_PATH": str(storage), "ENV": "development"})
    static_root = str(Path(app.static_folder))
    with app.app_context():
        items = _letters(batch)
        first = items[0]
        weasyprint = _weasyprint()

        # One letter: our pipeline (template → HTML → locked-down fetcher → tagged PDF) against
        # WeasyPrint given the same HTML (static files read directly) with the same options.
        html = app.jinja_env.get_template(f"pdf/{first.template_name}").render(**first.context)
        direct_html = html.replace(STATIC_PREFIX, Path(static_root).as_uri() + "/")

        def pipeline() -> bytes:
            return letters.render_letter(first.template_name, first.context, static_root=static_root)

        def direct() -> bytes:
            return weasyprint.HTML(string=direct_html).write_pdf(pdf_variant="pdf/ua-1", font_config=font_config())

        pipeline_ms, direct_ms = _medians_ms([pipeline, direct], single)

        # The batch, one after another in this process, with its memory at the start, middle and end.
        rss = []
        started = time.perf_counter()
        for n, (_item, result) in enumerate(letter_batches.render_here(items, static_root)):
            if isinstance(result, BaseException):
                raise result
            if n in (0, len(items) // 2, len(items) - 1):
                rss.append(rss_kb(os.getpid()))
        sequential_s = time.perf_counter() - started

        # The same batch through the job's pool of render processes (their start-up included).
        pool_rss: list[int] = []
        started = time.perf_counter()
        render = jobs.pool_renderer(app)
        for n, (_item, result) in enumerate(render(items, static_root)):
            if isinstance(result, BaseException):
                raise result
            if n in (0, len(items) // 2, len(items) - 1):
                pool_rss.append(sum(rss_kb(pid) for pid in children_of(os.getpid())))
        pool_s = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()

    def growth(samples: list[int]) -> float:
        """KB per letter over the second half of the batch (the first letters fill caches)."""
        return (samples[-1] - samples[1]) / max(1, len(items) - 1 - len(items) // 2)

    return {
        "letter_pipeline_ms": round(pipeline_ms, 1),
        "letter_weasyprint_ms": round(direct_ms, 1),
        "letter_overhead_ratio": round(pipeline_ms / direct_ms, 3),
        "batch_letters": len(items),
        "batch_sequential_s": round(sequential_s, 2),
        "batch_pool_s": round(pool_s, 2),
        "batch_speedup": round(sequential_s / pool_s, 3),
        "rss_kb_sequential": rss,
        "rss_kb_pool_workers": pool_rss,
        "rss_growth_kb_per_letter": round(growth(rss), 2),
        "pool_rss_growth_kb_per_letter": round(growth(pool_rss), 2),
    }
