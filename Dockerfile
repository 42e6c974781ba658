# syntax=docker/dockerfile:1

# Build: compile TypeScript to lib/.
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Run: production dependencies only, as the unprivileged `node` user.
FROM node:22-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/lib ./lib
COPY app.yml ./
USER node
EXPOSE 3000
# Probot's runner with a logger that redacts URL tokens (see src/main.ts); `probot run ./lib/index.js` also works.
CMD ["node", "lib/main.js"]
