# Weft industry brain (serves park-admin too). Build from the repository root after
# `npx -y pnpm@12.21.0 release:pack`:
#   docker build -f deploy/docker/brain.Dockerfile -t weft-brain .
FROM node:20-slim
COPY release/edge/weft-industry-brain-*.tgz /tmp/
RUN npm install -g --offline --no-audit --no-fund /tmp/weft-industry-brain-*.tgz && rm /tmp/weft-industry-brain-*.tgz
RUN mkdir -p /var/lib/weft-brain && chown node:node /var/lib/weft-brain
USER node
WORKDIR /var/lib/weft-brain
ENV HOST=0.0.0.0 PORT=3000 WEFT_DATA_DIR=/var/lib/weft-brain
EXPOSE 3000
ENTRYPOINT ["weft-brain"]
