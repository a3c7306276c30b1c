#!/usr/bin/env bash
# The README's CI recipe: `junkmail exec` starts a fresh emulator (in memory, free ports), runs the
# steps with its address in their environment, stops it and exits with their status. Nothing is
# left running, whoever is killed first. Run from the repo root after `npm install`:
#   examples/ci-integration.sh
set -euo pipefail
cd "$(dirname "$0")/.."
node bin/run.js exec --time-scale 3600 -- bash examples/ci-steps.sh
echo "ok: emulator stopped"
