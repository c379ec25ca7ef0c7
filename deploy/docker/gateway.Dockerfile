# Weft edge gateway. Build from the repository root after `npx -y pnpm@12.21.0 release:pack`:
#   docker build -f deploy/docker/gateway.Dockerfile -t weft-gateway .
FROM node:20-slim
COPY release/edge/weft-gateway-*.tgz /tmp/
RUN npm install -g --offline --no-audit --no-fund /tmp/weft-gateway-*.tgz && rm /tmp/weft-gateway-*.tgz
RUN mkdir -p /var/lib/weft-gateway /etc/weft && chown node:node /var/lib/weft-gateway
USER node
WORKDIR /var/lib/weft-gateway
VOLUME ["/var/lib/weft-gateway"]
ENTRYPOINT ["weft-gateway"]
CMD ["run", "-c", "/etc/weft/gateway.yaml"]
