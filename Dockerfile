# One image for every xinfang component; compose.yaml picks the component with
# `xinfang serve <component>` (`xinfang serve api`: the web console and the HTTP API, port 8080).
# Configuration is environment only (XF_*). compose mounts each party's credentials under /xinfang-data/access/creds;
# the api writes its session key beside them (/xinfang-data/access/web.key), so that directory belongs to xinfang.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    XF_DATA_DIR=/var/lib/xinfang

WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir . \
 && groupadd --system --gid 10001 xinfang \
 && useradd --system --uid 10001 --gid xinfang --home-dir /var/lib/xinfang --no-create-home xinfang \
 && mkdir -p /var/lib/xinfang /xinfang-data/access \
 && chown xinfang:xinfang /var/lib/xinfang /xinfang-data /xinfang-data/access

USER xinfang:xinfang
WORKDIR /var/lib/xinfang

EXPOSE 8080
CMD ["xinfang", "--help"]
