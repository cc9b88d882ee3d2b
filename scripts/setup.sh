#!/usr/bin/env bash
# Shared set-up for `npm start` and `npm test`: install the npm packages when missing or out of date.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.enclave-lock-stamp
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "› Installing npm packages…"
  # Not `npm ci`: the lock written here omits other platforms' optional packages (rollup's native builds), which
  # `npm ci` treats as out of sync. `npm install` installs exactly the locked versions all the same.
  npm install --no-audit --no-fund
  cp package-lock.json "$stamp"
fi
