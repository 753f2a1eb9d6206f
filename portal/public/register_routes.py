"""Public pages: the register of awards, programme progress and the stories whose tellers agreed to
publication. No sign-in; no personal data; nothing without consent."""

from __future__ import annotations

from flask import abort, render_template, request

from portal import kept_parts
from portal.public.routes import bp
from portal.services import monitoring, public_register


@bp.route("/awards")
def register():
    """The register, newest first, 50 to a page (``?page=``), filtered by ``?stream=<id>``,
    ``?round=<id>`` and ``?locality=<id>`` (a GET form); a page past the end shows the last."""
    chosen = {name: request.args.get(name, type=int) for name in ("stream", "round", "locality")}
    part = kept_parts.register(
        chosen["stream"], chosen["round"], chosen["locality"], request.args.get("page", 1, type=int)
    )
    return render_template("public/register.html", part=part)


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
