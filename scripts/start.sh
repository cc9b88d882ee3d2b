#!/usr/bin/env bash
# `npm start`: install, build, and serve the studio (and the aggregator) on localhost.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "› Building the studio…"
npx vite build
echo "› Serving on http://${HOST:-127.0.0.1}:${PORT:-4173}/ (Ctrl+C to stop)"
exec node --import tsx aggregator/server.ts
