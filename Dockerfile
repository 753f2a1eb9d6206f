# The portal's production image: gunicorn (sync workers) serving wsgi:app, run behind a buffering
# reverse proxy (see docs/deploy.md and compose.yaml). The same image runs the job worker
# (flask --app wsgi rq-worker), the migrations and the scheduled commands.
#
# Not built on the machines this project is developed on (they have no Docker daemon):
# tests/test_deploy.py only checks that this file agrees with the project.
#
#   docker build -t grants-portal .

# --- 1. Front end: Sass → static/build/portal.css, GOV.UK Frontend's script and assets -----------
# (the same steps as scripts/bootstrap; Node is needed only here, never in the final image)
FROM node:22-bookworm-slim AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY static/scss static/scss
RUN mkdir -p static/build \
    && node_modules/.bin/sass --no-source-map --quiet-deps --load-path=node_modules --style=compressed \
        static/scss/portal.scss static/build/portal.css \
    && cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/build/ \
    && cp -R node_modules/govuk-frontend/dist/govuk/assets static/build/assets

# --- 2. The application ------------------------------------------------------------------------------
FROM python:3.11-slim

# WeasyPrint's libraries and the Noto fonts (letters in Bengali, Arabic, Urdu… need them).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH

# The portal finds its templates, static files and migrations beside the portal package, so it runs
# from the source tree in /app (an editable install), not from site-packages.
WORKDIR /app
COPY pyproject.toml README.md ./
RUN mkdir portal && touch portal/__init__.py \
    && python -m venv /opt/venv \
    && pip install -e . \
    && rm -rf portal
COPY wsgi.py babel.cfg ./
COPY portal portal
COPY templates templates
COPY static static
COPY migrations migrations
COPY --from=frontend /src/static/build static/build
# Bytecode compiled once here: PYTHONDONTWRITEBYTECODE stops each worker writing it, so without this
# every gunicorn worker (recycled after --max-requests) and letter render process compiles the portal.
RUN pybabel -q compile -d portal/translations \
    && python -m compileall -q portal wsgi.py \
    && python -c "import weasyprint" \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin portal \
    && mkdir -p /var/lib/portal/files /app/instance \
    && chown portal:portal /var/lib/portal/files /app/instance

ENV PORTAL_ENV=production \
    PORTAL_STORAGE_PATH=/var/lib/portal/files
USER portal
EXPOSE 8000
VOLUME ["/var/lib/portal/files"]

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]

# Sync workers, about two per core; the proxy in front buffers slow clients so a worker is never
# held by one. --no-control-socket: gunicorn 27 would otherwise open one in ~/.gunicorn.
CMD ["gunicorn", "--workers=2", "--no-control-socket", "--bind=0.0.0.0:8000", "--worker-tmp-dir=/dev/shm", \
     "--max-requests=1000", "--max-requests-jitter=100", "--access-logfile=-", "wsgi:app"]
