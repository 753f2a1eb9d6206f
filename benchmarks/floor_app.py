"""The portal as the benchmarks serve it (``gunicorn benchmarks.floor_app:app``), plus the floor.

The floor is the portal's own base layout (header, navigation, footer, the same context processors
and request hooks) rendered from a fixed context: the least any page can cost. It is a route that
exists only here, in the benchmark configuration: the portal itself never has it.

Settings come from the environment as usual (``PORTAL_*``); the benchmark runner sets the database,
the storage folder and generous rate limits (every request comes from 127.0.0.1).
"""

from __future__ import annotations

from flask import render_template

from portal import create_app

FLOOR_PATH = "/_benchmark/floor"

# A page of ordinary length: a heading, two paragraphs and a short list, in the base layout.
FLOOR_SOURCE = """{% extends "base.html" %}
{% block title %}Benchmark floor{% endblock %}
{% block content %}
  <h1 class="govuk-heading-l">Benchmark floor</h1>
  <p class="govuk-body">{{ text }}</p>
  <p class="govuk-body">{{ text }}</p>
  <ul class="govuk-list govuk-list--bullet">{% for item in items %}<li>{{ item }}</li>{% endfor %}</ul>
{% endblock %}
"""
FLOOR_CONTEXT = {
    "text": "The same layout as every page, rendered from a fixed context, without touching the data.",
    "items": ["One", "Two", "Three", "Four", "Five"],
}

app = create_app()
_floor_template = app.jinja_env.from_string(FLOOR_SOURCE)  # compiled once, like a template file


@app.route(FLOOR_PATH)
def benchmark_floor() -> str:
    return render_template(_floor_template, **FLOOR_CONTEXT)
