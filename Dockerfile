# syntax=docker/dockerfile:1
# One image for the bot, the render worker and the CLI (see docker-compose.yml).
#   docker build -t stylus-bot .

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: dependencies (with dev tools), native modules, TypeScript -> dist/ ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# A compiler for better-sqlite3 if no prebuilt binary matches this platform (arm64 hosts, new Node versions).
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ ca-certificates \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY scripts/ scripts/
# Scripts off so `prepare` does not build before the sources are here; then run the native modules' install steps.
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3 sharp msgpackr-extract
COPY tsconfig.json tsconfig.build.json ./
COPY bin/ bin/
COPY commands/ commands/
COPY src/ src/
RUN npm run build \
  && npm prune --omit=dev \
  && node -e "new (require('better-sqlite3'))(':memory:').close(); require('sharp')"

# ---- runtime: production dependencies and dist/ only, non-root ----
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/data \
    LORA_DIR=/loras
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
# Pruned in the build stage on the same base image, so the native binaries (better-sqlite3, sharp) match this stage.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
# Compiled code reads the seed catalog from src/catalog (src/catalog/seed.ts).
COPY --from=build /app/src/catalog/seed-catalog.json ./src/catalog/seed-catalog.json
# Fail the build, not the first start, if a native module does not load here.
RUN node -e "new (require('better-sqlite3'))(':memory:').close(); require('sharp')" \
  && mkdir -p /data /loras \
  && chown node:node /data /loras
# The node user (uid 1000) of the official image: the process never runs as root.
USER node
VOLUME ["/data"]
CMD ["node", "bin/stylus.mjs", "bot"]
