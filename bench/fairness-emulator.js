// One build of the emulator under one scenario of bench/dispatch-fairness.js, in its own process
// (a fresh one per build and scenario, so neither inherits the other's JIT or sockets).
//
// Not run by hand: bench/dispatch-fairness.js forks it with one JSON argument
//   {root, scenario: 'hang' | 'slow', urls, timeoutMs, hangCount, healthyCount, healthyIntervalMs, slowCount, limitMs}
// where `root` is a checkout with a built dist/, and it answers over IPC
//   child → parent  {type: 'result', attempts: [{webhook, number, scheduledAt, sentAt, durationMs, outcome, errorClass, body?}],
//                    healthyCount, complete, loopDelay: {p99, max}}
import {monitorEventLoopDelay} from 'node:perf_hooks'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

if (!process.send) {
  console.error('fairness-emulator.js is forked by bench/dispatch-fairness.js; run that')
  process.exit(2)
}

const o = JSON.parse(process.argv[2])
const load = (path) => import(pathToFileURL(join(o.root, 'dist/src', path)).href)
const [{startEmulator}, {emitEvent}, {createWebhook}, {junkmail}] = await Promise.all([
  load('emulator/start-emulator.js'),
  load('emulator/event-operations.js'),
  load('emulator/webhook-operations.js'),
  load('providers/junkmail/index.js'),
])

const fail = (error) => {
  console.error(`fairness-emulator: ${error?.stack ?? error}`)
  process.exit(2)
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const emulator = await startEmulator({port: 0, dataDir: null, smtpPort: false, attemptTimeoutMs: o.timeoutMs, timeScale: 60})
const ctx = emulator.context
const emit = (type) => emitEvent(ctx, {type, data: junkmail.catalog.find((e) => e.type === type).sample(Date.now()), source: 'trigger'})

const names = new Map()
const attempts = []
let onAttempt = () => {}
emulator.events.on('attempt.finished', ({attempt}) => {
  const webhook = names.get(attempt.webhookId)
  attempts.push({
    webhook,
    number: attempt.number,
    scheduledAt: attempt.scheduledAt,
    sentAt: attempt.sentAt,
    durationMs: attempt.durationMs,
    outcome: attempt.outcome,
    errorClass: attempt.errorClass,
    body: webhook === 'healthy' ? ctx.store.getEvent(attempt.eventId)?.body : undefined,
  })
  onAttempt()
})
const webhook = async (name, type) => names.set((await createWebhook(ctx, {url: o.urls[name], events: [type]})).id, name)

/** Resolves once `done()` holds after an attempt, or after `ms`; says which. */
function until(done, ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms)
    onAttempt = () => done() && (clearTimeout(timer), resolve(true))
    onAttempt()
  })
}

const loopDelay = monitorEventLoopDelay({resolution: 10})
loopDelay.enable()
let complete
if (o.scenario === 'hang') {
  await webhook('hang', 'email.deleted')
  await webhook('healthy', 'address.created')
  await Promise.all(Array.from({length: o.hangCount}, () => emit('email.deleted')))
  // The healthy stream, one delivery every healthyIntervalMs on the clock (not after the previous one).
  const start = Date.now()
  for (let i = 0; i < o.healthyCount; i++) {
    await sleep(start + i * o.healthyIntervalMs - Date.now())
    emit('address.created').catch(fail)
  }
  const succeeded = () => attempts.filter((a) => a.webhook === 'healthy' && a.outcome === 'success').length
  complete = await until(() => succeeded() >= o.healthyCount, o.limitMs)
} else {
  await webhook('slow', 'email.deleted')
  await Promise.all(Array.from({length: o.slowCount}, () => emit('email.deleted')))
  complete = await until(() => attempts.filter((a) => a.number === 1).length >= o.slowCount, o.limitMs)
}
loopDelay.disable()
process.send({type: 'result', attempts, complete, loopDelay: {p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6}})
await emulator.stop()
process.disconnect()
