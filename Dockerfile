# Mirador dashboard image: one Streamlit server on port 8501, run as a non-root user.
#
#   docker build -t mirador .                      # with Chromium: slide PNG/SVG chart images work
#   docker build -t mirador --build-arg WITH_CHROMIUM=0 .   # ~0.4 GB smaller; image downloads then fail
#   docker run --rm -p 8501:8501 mirador           # the database built here from data/input
#
# The database is built at image build from the bundled data (data/input), so the image
# runs on its own. To serve published data instead, mount the FOLDER that holds it
# (read-only for viewers) and point MIRADOR_DB at the file inside, as deploy/compose.yaml
# does. Mount the folder, never the file: a publish replaces the file (atomic rename, new
# inode), and a single-file bind mount would keep showing the old one.
FROM python:3.11-slim

ARG WITH_CHROMIUM=1
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Chromium is needed only by the chart image downloads (kaleido renders on the server);
# viewing needs no browser here. Liberation fonts so text in those images is not blank boxes.
RUN if [ "$WITH_CHROMIUM" = "1" ]; then \
        apt-get update \
        && apt-get install -y --no-install-recommends chromium fonts-liberation \
        && rm -rf /var/lib/apt/lists/*; \
    fi

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin mirador \
    && mkdir -p /srv/published /srv/staff-internal \
    && chown mirador:mirador /srv/published /srv/staff-internal

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

# The code stays root's (the server cannot change it); only data/ is the server user's.
COPY . .
RUN chown -R mirador:mirador /app/data

USER mirador
# Built as the runtime user, so the database (and its load lock) belong to it.
RUN python -m etl --db /app/data/mirador.duckdb --quiet

# Inside a container the server must listen beyond loopback (the repo default is localhost only).
ENV MIRADOR_DB=/app/data/mirador.duckdb \
    STREAMLIT_SERVER_ADDRESS=0.0.0.0 \
    STREAMLIT_SERVER_PORT=8501
EXPOSE 8501

HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]

CMD ["python", "-m", "mirador.serve"]
