"""Flask commands for letters and background jobs: rq-worker, run-letter-batch.

``flask rq-worker`` runs the RQ worker that takes background jobs (letter batches) from Redis when
``PORTAL_REDIS_URL`` is set. It runs each job in its own process, inside the app (an RQ
``SimpleWorker``: no fork per job, so database connections are never shared with a child); the
letter batch job then renders in two processes of its own. Plain ``rq worker -u $PORTAL_REDIS_URL
portal`` works too: the job then makes the app from the same configuration.
"""

from __future__ import annotations

import click
from flask import Flask, current_app


def init_app(app: Flask) -> None:
    @app.cli.command("rq-worker")
    @click.option("--burst", is_flag=True, help="Stop when the queue is empty (instead of waiting for jobs).")
    def rq_worker_command(burst: bool) -> None:
        """Take background jobs (letter batches) from the Redis queue and run them."""
        from rq import SimpleWorker

        from portal.jobs import QUEUE_NAME, rq_queue

        if not current_app.config.get("REDIS_URL"):
            raise click.ClickException("PORTAL_REDIS_URL is not set: jobs run inside the web process instead.")
        queue = rq_queue(current_app)
        click.echo(f"Waiting for jobs on the {QUEUE_NAME!r} queue.")
        SimpleWorker([queue], connection=queue.connection).work(burst=burst)

    @app.cli.command("run-letter-batch")
    @click.argument("batch_id", type=int)
    @click.option("--base-url", required=True, help="The portal's address, for links in letters and e-mails.")
    @click.option("--workers", type=int, default=2, show_default=True, help="Render processes (0: render here).")
    def run_letter_batch_command(batch_id: int, base_url: str, workers: int) -> None:
        """Run a queued letter batch now, in this process (e.g. one left queued when a server stopped)."""
        from portal.domain.awards import BatchStatus
        from portal.extensions import db
        from portal.jobs import run_letter_batch
        from portal.models import LetterBatch

        batch = db.session.get(LetterBatch, batch_id)
        if batch is None:
            raise click.ClickException(f"There is no letter batch {batch_id}.")
        if batch.status != BatchStatus.QUEUED:
            raise click.ClickException(f"Letter batch {batch_id} is {batch.status.value}, not queued.")
        run_letter_batch(batch_id, base_url, workers=workers)
        db.session.expire_all()
        batch = db.session.get(LetterBatch, batch_id)
        click.echo(f"Letter batch {batch_id}: {batch.done} of {batch.total} letters issued, {batch.failed} failed.")
