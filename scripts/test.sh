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
mkdir -p .enclave-tmp
rm -f .enclave-tmp/vitest.json .enclave-tmp/playwright.json
echo "› Unit tests"
npx vitest run --reporter=default --reporter=json --outputFile.json=.enclave-tmp/vitest.json
echo "› Build"
npx vite build
echo "› End-to-end tests"
PLAYWRIGHT_JSON_OUTPUT_NAME=.enclave-tmp/playwright.json npx playwright test --reporter=list,json
node --import tsx scripts/test-summary.ts
