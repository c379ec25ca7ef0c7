# Weft device simulators (a printing press on OPC UA, a robot cell on Modbus TCP), for trials.
#   docker build -f deploy/docker/sim.Dockerfile -t weft-sim .
FROM node:20-slim
COPY release/edge/weft-simulators-*.tgz /tmp/
RUN npm install -g --offline --no-audit --no-fund /tmp/weft-simulators-*.tgz && rm /tmp/weft-simulators-*.tgz
USER node
ENTRYPOINT ["weft-sim"]
