#!/usr/bin/env bash
# `npm test`: every test. Installs what is missing (npm packages, Debian's Chromium), type-checks, runs the unit
# tests (Vitest, Node), builds the studio, and runs the end-to-end tests (Playwright) against it as users get it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/chromium.sh
echo "› Type check"
npx svelte-kit sync
npx svelte-check --tsconfig ./tsconfig.json --threshold error --output machine | tail -n 5
echo "› Unit tests"
npx vitest run
echo "› Build"
npx vite build
echo "› End-to-end tests"
npx playwright test
