# The production image: the app with its fonts; PostgreSQL and SMTP come from the environment.
# Fonts: Noto CJK for every book; texlive-lang-chinese for FandolFang/FandolKai, the 公文 style's 仿宋 and 楷体.
FROM python:3.11-slim-bookworm

# Bytecode is compiled once here (UV_COMPILE_BYTECODE, compileall): with PYTHONDONTWRITEBYTECODE
# every process would otherwise compile every module it imports at each start (seconds per worker).
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_LINK_MODE=copy UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_COMPILE_BYTECODE=1 \
    PATH="/opt/venv/bin:$PATH" DATA_DIR=/data

RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-noto-cjk texlive-lang-chinese libharfbuzz-subset0 \
      libpango-1.0-0 libpangoft2-1.0-0 \
 && rm -rf /var/lib/apt/lists/* \
 && pip install --no-cache-dir uv \
 && useradd --create-home --uid 1000 seminar \
 && mkdir -p /data && chown seminar /data

WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-dev --no-install-project
COPY seminar ./seminar
COPY templates ./templates
COPY static ./static
COPY migrations ./migrations
RUN uv sync --locked --no-dev && python -m compileall -q seminar \
 && python -c 'from seminar.i18n import compile_catalogs; compile_catalogs()'

USER seminar
EXPOSE 8000
VOLUME ["/data"]
# `serve` applies pending migrations first; run `seminar worker` in another container for mail.
CMD ["seminar", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
