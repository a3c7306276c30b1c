// Issue 12's second figure: a Sendook send with 10 recipients, at time scale 3600, has every
// outcome event delivered p50 < 20 ms after its simulated delay (5 s / 3600 = 1.4 ms after the send).
//
// One emulator (Sendook, persisted store in a temp dir, time scale 3600), one webhook subscribed
// to every message event, a local receiver in this process that notes when each request arrives
// (performance clock, sub-millisecond). OUTCOME_SENDS (100) sends through the HTTP API
// (POST /v1/inboxes/:id/messages/send), one after the other, OUTCOME_GAP_MS (10) apart, each to 10
// recipients with the simulator's outcomes mixed (success@, bounce@, suppressionlist@, a +reject
// tag, 6 ordinary addresses): 10 outcome events per send. For each outcome: receipt time minus its
// due time (the message's createdAt plus the scaled delay). The reference, measured in the same
// run, is the same for message.sent, which goes out at once (receipt minus createdAt): what any
// event costs from the store to the endpoint. Medians over OUTCOME_ROUNDS (5) rounds of the
// per-round p50 and p95.
//
//   npm run build && node bench/sendook-outcomes.js
//
// Exit status: 0 the target is met, 1 missed, 2 could not run.
import {createServer} from 'node:http'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fail, intEnv} from './bench-env.js'

const SENDS = intEnv('OUTCOME_SENDS', 100)
const GAP_MS = intEnv('OUTCOME_GAP_MS', 10)
const ROUNDS = intEnv('OUTCOME_ROUNDS', 5)
const SCALE = 3600
const RECIPIENTS = [
  'success@simulator.amazonses.com',
  'bounce@simulator.amazonses.com',
  'suppressionlist@simulator.amazonses.com',
  'orders+reject@example.com',
  ...Array.from({length: 6}, (_, i) => `customer${i}@example.com`),
]

const dist = await Promise.all([
  import('../dist/src/emulator/start-emulator.js'),
  import('../dist/src/providers/registry.js'),
  import('../dist/src/providers/sendook/outcomes.js'),
]).catch(() => fail('dist/ is missing: npm run build first'))
const [{startEmulator}, {loadProvider}, {OUTCOME_DELAY_MS}] = dist
const now = () => performance.timeOrigin + performance.now()

/** Received webhook bodies with their arrival time. */
let arrivals = []
const receiver = createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    arrivals.push({at: now(), body: JSON.parse(Buffer.concat(chunks).toString())})
    res.end('ok')
  })
})
receiver.keepAliveTimeout = 60_000
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve))
const url = `http://127.0.0.1:${receiver.address().port}/hook`

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
}
const median = (values) => quantile(values, 0.5)

console.log(`sendook outcomes: ${SENDS} sends of ${RECIPIENTS.length} recipients, ${GAP_MS} ms apart, time scale ${SCALE} (outcome due ${(OUTCOME_DELAY_MS / SCALE).toFixed(2)} ms after the send), ${ROUNDS} rounds`)
const results = {outcomeP50: [], outcomeP95: [], sentP50: [], sentP95: []}
for (let round = 1; round <= ROUNDS; round++) {
  const r = await measure()
  for (const key of Object.keys(results)) results[key].push(r[key])
  console.log(`  round ${round}: outcomes after their due time p50 ${r.outcomeP50.toFixed(2)} ms, p95 ${r.outcomeP95.toFixed(2)} ms (${r.outcomes}); message.sent after the send p50 ${r.sentP50.toFixed(2)} ms, p95 ${r.sentP95.toFixed(2)} ms`)
}
receiver.close()
const p50 = median(results.outcomeP50)
console.log(`\nmedians: outcome events p50 ${p50.toFixed(2)} ms, p95 ${median(results.outcomeP95).toFixed(2)} ms after the simulated delay; reference message.sent p50 ${median(results.sentP50).toFixed(2)} ms, p95 ${median(results.sentP95).toFixed(2)} ms → ratio ${(p50 / median(results.sentP50)).toFixed(2)}`)
console.log(`  ${p50 < 20 ? 'PASS' : 'MISS'}  10-recipient send: every outcome event delivered, p50 < 20 ms after the simulated delay`)
process.exit(p50 < 20 ? 0 : 1)

async function measure() {
  const dataDir = await mkdtemp(join(tmpdir(), 'junkmail-outcome-bench-'))
  const emulator = await startEmulator({port: 0, dataDir, smtpPort: false, provider: await loadProvider('sendook'), timeScale: SCALE})
  const call = async (method, path, body) => {
    const response = await fetch(emulator.url + path, {method, headers: {authorization: `Bearer ${emulator.apiKey}`, 'content-type': 'application/json'}, body: JSON.stringify(body)})
    if (!response.ok) fail(`${method} ${path}: HTTP ${response.status} ${await response.text()}`)
    return response.json()
  }
  try {
    arrivals = []
    await call('POST', '/v1/webhooks', {url, events: ['message.sent', 'message.delivered', 'message.bounced', 'message.rejected', 'message.complained']})
    const inbox = await call('POST', '/v1/inboxes', {name: 'billing'})
    const sent = new Map()
    for (let i = 0; i < SENDS; i++) {
      const m = await call('POST', `/v1/inboxes/${inbox._id}/messages/send`, {to: RECIPIENTS, subject: `Invoice ${i}`, text: 'Your invoice', html: '<p>Your invoice</p>'})
      sent.set(m._id, Date.parse(m.createdAt))
      await new Promise((resolve) => setTimeout(resolve, GAP_MS))
    }
    const expected = SENDS * (RECIPIENTS.length + 1)
    const deadline = Date.now() + 30_000
    while (arrivals.length < expected) {
      if (Date.now() > deadline) fail(`only ${arrivals.length} of ${expected} webhooks arrived in 30 s`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const outcome = []
    const first = []
    for (const {at, body} of arrivals) {
      const createdAt = sent.get(body.messageId)
      if (createdAt === undefined) fail(`a webhook about an unknown message: ${body.messageId}`)
      if (body.event === 'message.sent') first.push(at - createdAt)
      else outcome.push(at - (createdAt + OUTCOME_DELAY_MS / SCALE))
    }
    if (outcome.length !== SENDS * RECIPIENTS.length) fail(`${outcome.length} outcome events for ${SENDS * RECIPIENTS.length} recipients`)
    return {outcomes: outcome.length, outcomeP50: median(outcome), outcomeP95: quantile(outcome, 0.95), sentP50: median(first), sentP95: quantile(first, 0.95)}
  } finally {
    await emulator.stop()
    await rm(dataDir, {recursive: true, force: true})
  }
}
