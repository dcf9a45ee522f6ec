# syntax=docker/dockerfile:1
# newswatch: multi-stage build. The build stage compiles TypeScript (and the native better-sqlite3 addon);
# the runtime stage carries only production dependencies and the compiled code, and runs as a non-root user.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Toolchain for native addons (better-sqlite3, msgpackr-extract) when no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workers ./workers
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    NEWSWATCH_CONFIG=/app/config/newswatch.yaml
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
COPY --chown=node:node bin ./bin
COPY --chown=node:node config ./config
RUN mkdir -p /app/data /app/digests && chown node:node /app/data /app/digests
USER node
EXPOSE 8080
VOLUME ["/app/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.NEWSWATCH_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "bin/newswatch.js"]
CMD ["run"]
