# The API image (the worker runs the same image with its worker.ts command, see docker-compose.yml).
# Production dependencies only: the base image already has Node 24, so the optional `node` runtime package is left out.
FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production DATA_DIR=/app/data
# ffmpeg/ffprobe encode and probe uploaded media.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ffmpeg \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force
COPY . .
# The data directory (outbox mail, media, keys) must be writable by the user the app runs as.
RUN mkdir -p /app/data && chown -R node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The preload starts OpenTelemetry before the app loads, when OTEL_* variables ask for it.
CMD ["node", "--import", "./services/tracing/preload.ts", "server.ts"]
