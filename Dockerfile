# Redgrid, scaled setup: gunicorn behind a TLS reverse proxy, PostgreSQL and Redis (see compose.yaml).
# Stage 1: third-party client code comes from npm at build time, never from the repository.
FROM node:20-bookworm-slim AS pwa
WORKDIR /src/pwa
COPY pwa/package.json pwa/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY pwa/ ./
RUN npm run build

# Stage 2: the Python app.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN useradd --create-home --uid 10001 redgrid
WORKDIR /app
COPY pyproject.toml README.md ./
COPY server/ server/
COPY sync/ sync/
COPY migrations/ migrations/
RUN pip install -e . && mkdir -p /app/instance && chown redgrid:redgrid /app/instance
# Only the built PWA: the server sends pwa/dist/, never the sources.
COPY --from=pwa /src/pwa/dist/ pwa/dist/
USER redgrid
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"
# Migrations run on start (idempotent), then the server: one worker with threads per container
# (Socket.IO long-polling needs sticky sessions; scale with more containers behind the proxy).
CMD ["sh", "-c", "redgrid init && exec gunicorn --bind 0.0.0.0:8000 --workers 1 --worker-class gthread --threads ${REDGRID_THREADS:-100} --keep-alive 5 --graceful-timeout 20 'server:create_app()'"]
