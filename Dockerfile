# The portal's image: one image for web, worker and beat.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_ENV_FILE=

RUN useradd --create-home --uid 1000 cnca
WORKDIR /app

COPY pyproject.toml README.md ./
COPY requirements/lock.txt ./requirements/lock.txt
COPY cnca ./cnca
COPY members ./members
COPY innovation_fund ./innovation_fund
COPY news ./news
COPY resources ./resources
# The versions CI tested, each file checked against its hash; then the portal itself.
RUN pip install --require-hashes --no-deps -r requirements/lock.txt \
    && pip install --no-deps . && pip check

COPY . .
# collectstatic needs settings that import cleanly; the key is never used to sign anything.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --no-input --verbosity 0 \
    && mkdir -p /app/media && chown -R cnca:cnca /app/media

USER cnca
EXPOSE 8000
CMD ["gunicorn", "cnca.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
