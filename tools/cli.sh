#!/usr/bin/env bash
# `npm run merge -- …` and `npm run inspect -- …`: builds the CLI when its sources changed (a cached
# build costs about 2 s), then runs it in the folder npm was called from, so relative paths mean what
# the user typed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
log="$(mktemp)"
if ! (cd "$root" && NX_DAEMON=false NX_TUI=false npx nx run cli:build --outputStyle=static >"$log" 2>&1); then
  cat "$log" >&2
  rm -f "$log"
  echo "scorm-merge: the CLI could not be built (see above)." >&2
  exit 1
fi
rm -f "$log"
cd "${INIT_CWD:-$PWD}"
exec node "$root/dist/apps/cli/main.js" "$@"
