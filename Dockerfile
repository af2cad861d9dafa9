# The Prima app image: the bot (webhook mode), the escalator and migrations (see
# docker-compose.yml). The NLU server has its own image (nlu/Dockerfile).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PRIMA_CONFIG=/app/config.yml \
    PRIMA_STATE_DIR=/var/lib/prima

WORKDIR /app
COPY pyproject.toml README.md ./
COPY prima ./prima
COPY bot ./bot
COPY actions ./actions
COPY escalation ./escalation
COPY handover ./handover
COPY nlu ./nlu
COPY templates ./templates
COPY config.yml ./config.yml

# The same install as `make setup`, without the development extras.
RUN pip install --quiet --disable-pip-version-check --upgrade pip \
 && pip install --quiet --disable-pip-version-check . \
 && useradd --system --home /var/lib/prima --create-home prima

USER prima
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4)"]
CMD ["prima", "run", "--webhook"]
