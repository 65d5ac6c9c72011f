# syntax=docker/dockerfile:1.7
#
# Codeflow's production image: the Next.js standalone server (server.js plus only the node_modules
# it traces), run as a non-root user. Configuration comes from the environment (.env.example lists
# it); secrets from the orchestrator (ECS `secrets` from Secrets Manager), never from the image.
#
#   docker build -t codeflow:$(node -p 'require("./package.json").version') .
#
# Why Node 24 when the project also runs on Node 20: Node 20 reached end of life in April 2026 and
# the AWS SDK for JavaScript v3 stops supporting a Node line the January after its end of life
# (Node 20: January 2027). Node 22 would work too (`--build-arg NODE_IMAGE=node:22-bookworm-slim`)
# but ends in April 2027; Node 24 is supported to April 2028. Bookworm: the same Debian release
# (glibc, OpenSSL) the test suite runs on.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---- 1. dependencies: everything the build needs, dev dependencies included -----------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# ---- 2. build: `npm run build` = next build + the standalone assembly `codeflow start` uses -------
#         (cli/build.ts: .next/static, public/ and healthcheck.mjs copied into .next/standalone)
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN npm run build

# ---- 3. runtime: the standalone output only: no sources, no dev dependencies, no npm cache ------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    HOSTNAME=0.0.0.0
# The image's `node` user (uid 1000). Writable only where Next keeps its cache; on ECS the task
# mounts scratch volumes there and at /tmp and runs with a read-only root file system.
COPY --from=build --chown=node:node /app/.next/standalone ./
RUN mkdir -p .next/cache && chown node:node .next/cache
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "healthcheck.mjs"]
CMD ["node", "server.js"]
