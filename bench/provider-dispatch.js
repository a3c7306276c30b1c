// Does a provider cost anything in the dispatcher? (issue 12's first figure: Sendook's dispatch
// throughput at least 95% of JunkMail's, same run.) Each round starts one emulator per provider,
// in turn (junkmail, sendook, junkmail, sendook…), in-process with a persisted store in a temp
// dir, one webhook to the same local receiver, and fires PROVIDER_EVENTS events of a comparable
// message event (JunkMail email.received, Sendook message.received) with sample data through
// emitEvent(), PROVIDER_CONCURRENCY in flight; deliveries per second until the last attempt is
// recorded. Medians over PROVIDER_ROUNDS (5) rounds; the first PROVIDER_WARMUP (2,000) events of
// each run are not timed.
//
//   npm run build && node bench/provider-dispatch.js
//
// Exit status: 0 the target is met, 1 missed, 2 could not run.
import {createServer} from 'node:http'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fail, intEnv} from './bench-env.js'

const EVENTS = intEnv('PROVIDER_EVENTS', 10_000)
const WARMUP = intEnv('PROVIDER_WARMUP', 2_000)
const ROUNDS = intEnv('PROVIDER_ROUNDS', 5)
const CONCURRENCY = intEnv('PROVIDER_CONCURRENCY', 256)
const TYPES = {junkmail: 'email.received', sendook: 'message.received'}

const dist = await Promise.all([
  import('../dist/src/emulator/start-emulator.js'),
  import('../dist/src/emulator/event-operations.js'),
  import('../dist/src/emulator/webhook-operations.js'),
  import('../dist/src/providers/registry.js'),
]).catch(() => fail('dist/ is missing: npm run build first'))
const [{startEmulator}, {emitEvent}, {createWebhook}, {loadProvider}] = dist

const receiver = createServer((req, res) => {
  req.resume()
  req.on('end', () => res.end('ok'))
})
receiver.keepAliveTimeout = 60_000
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve))
const url = `http://127.0.0.1:${receiver.address().port}/hook`

const rates = {junkmail: [], sendook: []}
console.log(`provider dispatch: ${EVENTS} events per run after ${WARMUP} untimed, ${CONCURRENCY} in flight, ${ROUNDS} rounds`)
for (let round = 1; round <= ROUNDS; round++) {
  const line = []
  for (const name of ['junkmail', 'sendook']) {
    const rate = await measure(name)
    rates[name].push(rate)
    line.push(`${name} ${rate.toFixed(0)}/s`)
  }
  console.log(`  round ${round}: ${line.join(', ')} → ${((rates.sendook.at(-1) / rates.junkmail.at(-1)) * 100).toFixed(0)}%`)
}
receiver.close()
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]
const ratio = median(rates.sendook) / median(rates.junkmail)
console.log(`\nmedians: junkmail ${median(rates.junkmail).toFixed(0)}/s, sendook ${median(rates.sendook).toFixed(0)}/s → ${(ratio * 100).toFixed(1)}%`)
console.log(`  ${ratio >= 0.95 ? 'PASS' : 'MISS'}  Sendook's dispatch rate ≥ 95% of JunkMail's`)
process.exit(ratio >= 0.95 ? 0 : 1)

async function measure(name) {
  const provider = await loadProvider(name)
  const entry = provider.catalog.find((e) => e.type === TYPES[name])
  const dataDir = await mkdtemp(join(tmpdir(), `junkmail-provider-bench-${name}-`))
  const emulator = await startEmulator({port: 0, dataDir, smtpPort: false, provider, maxEvents: 1_000_000})
  try {
    await createWebhook(emulator.context, {url, events: [entry.type]})
    let done = 0
    let target = 0
    let onTarget = () => {}
    emulator.events.on('attempt.finished', ({attempt}) => {
      if (attempt.outcome !== 'success') fail(`${name}: an attempt failed: ${attempt.errorMessage}`)
      if (++done === target) onTarget()
    })
    const fire = async (n) => {
      target = done + n
      const all = new Promise((resolve) => (onTarget = resolve))
      let next = 0
      await Promise.all(
        Array.from({length: CONCURRENCY}, async () => {
          while (next < n) {
            next++
            await emitEvent(emulator.context, {type: entry.type, data: entry.sample(Date.now()), source: 'trigger'})
          }
        }),
      )
      await all
    }
    await fire(WARMUP)
    const started = performance.now()
    await fire(EVENTS)
    return EVENTS / ((performance.now() - started) / 1000)
  } finally {
    await emulator.stop()
    await rm(dataDir, {recursive: true, force: true})
  }
}
