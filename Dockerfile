# One image for every xinfang component; compose.yaml picks the component with
# `xinfang serve <component>`. Configuration is environment only (XF_*).
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
 && mkdir -p /var/lib/xinfang \
 && chown xinfang:xinfang /var/lib/xinfang

USER xinfang:xinfang
WORKDIR /var/lib/xinfang

CMD ["xinfang", "--help"]
