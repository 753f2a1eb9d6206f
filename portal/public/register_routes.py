"""Public pages: the register of awards, programme progress and the stories whose tellers agreed to
publication. No sign-in; no personal data; nothing without consent."""

from __future__ import annotations

from flask import abort, render_template, request

from portal.public.routes import bp
from portal.services import monitoring, public_register


@bp.route("/awards")
def register():
    """The register, filtered by ``?stream=<id>`` and ``?locality=<id>`` (a GET form)."""
    stream_id = request.args.get("stream", type=int)
    locality_id = request.args.get("locality", type=int)
    register = public_register.public_register(work_stream_id=stream_id, locality_id=locality_id)
    return render_template("public/register.html", register=register, stream_id=stream_id, locality_id=locality_id)


@bp.route("/progress")
def progress():
    """The programme's totals against its targets, for one released round (``?round=<id>``)."""
    rounds = public_register.released_rounds()
    round_ = monitoring.choose_round(request.args.get("round", type=int), rounds)
    if round_ is None and request.args.get("round"):
        abort(404)
    streams = public_register.public_progress(round_) if round_ else []
    return render_template("public/progress.html", rounds=rounds, round=round_, streams=streams)


@bp.route("/stories")
def stories():
    return render_template("public/stories.html", stories=public_register.public_stories())
