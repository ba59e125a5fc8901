# ktm's container image: `docker build -t ktm:0.1.0 .` (deploy/ runs it as a CronJob in the cluster it assesses).
# Two stages: build with the compilers better-sqlite3 needs, run on a slim image as a non-root user.

FROM node:22-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` (the TypeScript build) needs the sources copied below; better-sqlite3 is rebuilt after.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
RUN npm rebuild better-sqlite3 && npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist/bin ./dist/bin
COPY --from=build /src/dist/src ./dist/src
COPY examples ./examples
COPY schema ./schema
COPY deploy ./deploy
# The node image's unprivileged user (uid 1000), as the CronJob's securityContext expects.
USER node
ENTRYPOINT ["node", "/app/dist/bin/ktm.js"]
CMD ["--help"]
