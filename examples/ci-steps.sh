#!/usr/bin/env bash
# The steps of the CI recipe, run by `junkmail exec` (see ci-integration.sh): the emulator is up,
# JUNKMAIL_API_URL and JUNKMAIL_API_KEY point at it. Start the app, register it, fire an event,
# wait until it is delivered, check what the app did.
set -euo pipefail
junkmail() { node bin/run.js "$@"; }
work=$(mktemp -d)
trap 'kill $APP_PID 2>/dev/null || true; rm -rf "$work"' EXIT

export WEBHOOK_SECRET=whsec_ci_example_secret
node examples/webhook-consumer/server.js > "$work/app.log" &
APP_PID=$!
until grep -q listening "$work/app.log" 2>/dev/null; do sleep 0.05; done
APP_PORT=$(awk '/listening/ {print $2}' "$work/app.log")

junkmail webhooks create --url "http://127.0.0.1:$APP_PORT/hook" --events email.received --secret "$WEBHOOK_SECRET" >/dev/null
junkmail trigger email.received --set subject="CI run" --wait --timeout 30s
failed=$(junkmail attempts list --failed --json | node -p "JSON.parse(require('fs').readFileSync(0, 'utf8')).total")
echo "failed attempts: $failed"
test "$failed" = 0
grep -q '"subject":"CI run"' "$work/app.log"
echo "ok: delivered, signed, verified by the app"
