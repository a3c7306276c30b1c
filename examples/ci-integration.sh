#!/usr/bin/env bash
# A CI-style integration run: start the emulator headless, register an endpoint, fire an event,
# check that it was delivered, stop. Run from the repo root after `npm install`:
#   examples/ci-integration.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill $RECEIVER_PID $JM_PID 2>/dev/null || true; rm -rf "$work"' EXIT

# A stand-in for your app: answers 200 to every POST and logs the body.
node -e '
  require("node:http").createServer((req, res) => {
    let body = ""; req.on("data", (c) => (body += c));
    req.on("end", () => { console.log(req.headers["x-junkmail-signature"], body); res.end("ok") })
  }).listen(0, "127.0.0.1", function () { console.log("listening", this.address().port) })
' > "$work/receiver.log" &
RECEIVER_PID=$!
until grep -q listening "$work/receiver.log" 2>/dev/null; do sleep 0.1; done
RECEIVER_PORT=$(awk '/listening/ {print $2}' "$work/receiver.log")

node bin/run.js dev --port 0 --smtp-port 0 --in-memory --time-scale 3600 --json > "$work/junkmail.ndjson" &
JM_PID=$!
until grep -q '"type":"ready"' "$work/junkmail.ndjson" 2>/dev/null; do sleep 0.1; done
ready=$(head -1 "$work/junkmail.ndjson")
export JUNKMAIL_API_URL=$(node -p "JSON.parse(process.argv[1]).baseUrl" "$ready")
export JUNKMAIL_API_KEY=$(node -p "JSON.parse(process.argv[1]).apiKey" "$ready")

secret=$(node bin/run.js webhooks create --url "http://127.0.0.1:$RECEIVER_PORT/hook" --events email.received --json | node -p "JSON.parse(require('fs').readFileSync(0, 'utf8')).secret")
echo "webhook secret: $secret"
node bin/run.js trigger email.received --set subject="CI run" --fail-on-error
failed=$(node bin/run.js attempts list --failed --json | node -p "JSON.parse(require('fs').readFileSync(0, 'utf8')).length")
echo "failed attempts: $failed"
test "$failed" = 0
grep -q '"subject":"CI run"' "$work/receiver.log"
kill -TERM $JM_PID
wait $JM_PID
echo "ok: delivered, signed, emulator stopped cleanly"
