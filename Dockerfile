# Wissenslotse: the bot with its index, fully offline at run time.
#   docker build -t wissenslotse .
#   docker run -p 3978:3978 -v /srv/wissen:/data/knowledge_base:ro -v wl-var:/data/var \
#              -e MicrosoftAppId=... -e MicrosoftAppPassword=... wissenslotse
# Without MicrosoftAppId the container refuses to start unless local mode is chosen explicitly
# (-e WISSENSLOTSE_LOCAL_MODE=true); local mode on 0.0.0.0 also needs WISSENSLOTSE_WEB_CHAT_TOKEN
# (the web chat asks for it), /api/messages accepts activities only from the container itself,
# and every request carrying proxy headers (X-Forwarded-*, Forwarded, Via) is refused.
FROM python:3.11-slim

# The CPU build of torch: the default wheel on PyPI is a multi-GB CUDA build.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    WISSENSLOTSE_KB_DIR=/data/knowledge_base \
    WISSENSLOTSE_INDEX_DIR=/data/var/index \
    WISSENSLOTSE_STATE_DB=/data/var/state.sqlite \
    WISSENSLOTSE_RELEASE_DIR=/data/var/freigegeben \
    WISSENSLOTSE_HOST=0.0.0.0

WORKDIR /app
RUN pip install --index-url "${TORCH_INDEX_URL}" torch==2.13.0

COPY pyproject.toml README.md ./
COPY indexer ./indexer
COPY bot ./bot
RUN pip install . && python -c "import bot.app, indexer.build.pipeline"

# The sample town hall; mount the real knowledge base over it.
COPY knowledge_base /data/knowledge_base
COPY docker/entrypoint.sh /app/entrypoint.sh
RUN useradd --system --uid 10001 --home-dir /data lotse \
    && mkdir -p /data/var && chown -R lotse /data/var && chmod +x /app/entrypoint.sh

USER lotse
VOLUME ["/data/var"]
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3978/healthz', timeout=4)"
ENTRYPOINT ["/app/entrypoint.sh"]
