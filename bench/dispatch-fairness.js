// Whether one slow endpoint delays the others, and whether a queued attempt is counted as a
// timed-out one: this build and, side by side, a reference build (the current main, say).
//
//   npx tsc -p . && BENCH_REFERENCE=/tmp/junkmail-ref node bench/dispatch-fairness.js
//
// (a) hang: BENCH_HANG (400) deliveries at once to an endpoint that never answers (attempt timeout
//     BENCH_TIMEOUT_MS, 2,000 ms), then BENCH_HEALTHY (240) deliveries to a healthy endpoint on
//     another origin, one every BENCH_HEALTHY_INTERVAL_MS (25 ms). The healthy endpoint answers 503
//     to the first attempt of every 4th delivery, so retries (1 min at --time-scale 60 = 1 s) are
//     measured too. Lateness = arrival at the endpoint - the attempt's scheduled time (its
//     delivery's creation for a first attempt, the retry's due time for a retry).
// (b) slow: BENCH_SLOW (200) deliveries at once to an endpoint answering in BENCH_SLOW_MS
//     (1,000 ms), the same attempt timeout: how many first attempts are recorded as timeouts.
//
// Each build runs each scenario in a fresh emulator process (bench/fairness-emulator.js), in memory,
// against fresh endpoints in another process (bench/fairness-endpoints.js), loopback only, one run
// after the other. A run is cut after BENCH_LIMIT_MS (30,000 ms) of waiting.
//
// Targets, on this build: (a) every healthy delivery arrives, the lateness max < 100 ms;
// (b) 0 timeouts.
//
// Environment (all optional):
//   BENCH_REFERENCE=DIR       a checkout with a built dist/ to measure too (see bench/README.md)
//   BENCH_TIMEOUT_MS=2000  BENCH_HANG=400  BENCH_HEALTHY=240  BENCH_HEALTHY_INTERVAL_MS=25
//   BENCH_SLOW=200  BENCH_SLOW_MS=1000  BENCH_LIMIT_MS=30000
//   BENCH_JSON=1              also print the figures as one JSON line at the end
//
// Exit status: 0 every target met, 1 a target missed, 2 the benchmark could not run properly.
import {fork} from 'node:child_process'
import {existsSync} from 'node:fs'
import {availableParallelism} from 'node:os'
import {resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {fail, intEnv} from './bench-env.js'
import {measureCpuUse} from './cpu-use.js'

const TARGET_LATENESS_MS = 100

const settings = {
  timeoutMs: intEnv('BENCH_TIMEOUT_MS', 2000),
  hangCount: intEnv('BENCH_HANG', 400),
  healthyCount: intEnv('BENCH_HEALTHY', 240),
  healthyIntervalMs: intEnv('BENCH_HEALTHY_INTERVAL_MS', 25),
  slowCount: intEnv('BENCH_SLOW', 200),
  slowMs: intEnv('BENCH_SLOW_MS', 1000),
  limitMs: intEnv('BENCH_LIMIT_MS', 30_000),
}
const here = fileURLToPath(new URL('.', import.meta.url))
const builds = [{name: 'this build', root: resolve(here, '..')}]
if (process.env.BENCH_REFERENCE) builds.unshift({name: 'reference', root: resolve(process.env.BENCH_REFERENCE)})
for (const b of builds) {
  if (!existsSync(resolve(b.root, 'dist/src/emulator/start-emulator.js'))) fail(`${b.root} has no built dist/; build it first: (cd ${b.root} && npx tsc -p .)`)
}

let exitCode = 2
try {
  const busy = await measureCpuUse()
  const s = settings
  console.log(`junkmail dispatch fairness, ${availableParallelism()} CPUs, ${pct(busy)} busy before the start`)
  if (busy > 0.1) console.log('  note: something else is using the CPU; lateness will be worse than on an idle machine')
  for (const b of builds) console.log(`  ${b.name}: ${b.root}`)

  const figures = {}
  for (const b of builds) figures[b.name] = {hang: hangFigures(await run(b, 'hang')), slow: slowFigures(await run(b, 'slow'))}
  const names = builds.map((b) => b.name)
  const table = (rows) => {
    console.log(`  ${''.padEnd(46)}${names.map((n) => n.padStart(14)).join('')}`)
    for (const [label, pick, format = ms] of rows) console.log(`  ${label.padEnd(46)}${names.map((n) => format(pick(figures[n])).padStart(14)).join('')}`)
  }

  console.log(`\n(a) ${s.hangCount} deliveries hanging on one endpoint (attempt timeout ${fmt(s.timeoutMs)} ms); meanwhile ${s.healthyCount} to a healthy`)
  console.log(`    endpoint on another origin, one every ${s.healthyIntervalMs} ms (a 503 to the first attempt of every 4th: retried 1 s later)`)
  table([
    ['healthy: deliveries arrived', (f) => `${f.hang.arrivedDeliveries}/${s.healthyCount}`, String],
    ['healthy: lateness p50', (f) => f.hang.lateness.p50],
    ['healthy: lateness p99', (f) => f.hang.lateness.p99],
    ['healthy: lateness max', (f) => f.hang.lateness.max],
    ['  of first attempts: max', (f) => f.hang.firstLateness.max],
    ['  of retries: max', (f) => f.hang.retryLateness.max],
    ['  waiting in the emulator (sent - scheduled) max', (f) => f.hang.waited.max],
    ['hanging: requests open at once at most', (f) => f.hang.maxOpen, String],
    ['hanging: attempts recorded as timeouts', (f) => f.hang.timeouts, String],
    ['hanging: longest timed-out attempt', (f) => f.hang.longestTimeout],
    ['emulator event loop delay max', (f) => f.hang.loopDelayMax],
  ])

  console.log(`\n(b) ${s.slowCount} deliveries at once to an endpoint answering in ${fmt(s.slowMs)} ms (attempt timeout ${fmt(s.timeoutMs)} ms)`)
  table([
    ['first attempts recorded as timeouts', (f) => f.slow.timeouts, String],
    ['first attempts succeeded', (f) => f.slow.succeeded, String],
    ['attempt duration p50', (f) => f.slow.duration.p50],
    ['attempt duration max', (f) => f.slow.duration.max],
    ['waiting in the emulator (sent - scheduled) max', (f) => f.slow.waited.max],
    ['sent (timestamp) to arrival, max', (f) => f.slow.transit.max],
    ['requests open at once at most', (f) => f.slow.maxOpen, String],
    ['first emit to last answer', (f) => f.slow.lastAnswerMs],
  ])

  const mine = figures['this build']
  const targets = [
    [`(a) every healthy delivery arrived`, mine.hang.arrivedDeliveries === s.healthyCount, `${mine.hang.arrivedDeliveries}/${s.healthyCount}`],
    [`(a) healthy lateness max < ${TARGET_LATENESS_MS} ms`, mine.hang.lateness.max < TARGET_LATENESS_MS, ms(mine.hang.lateness.max)],
    ['(b) 0 timeouts', mine.slow.timeouts === 0, String(mine.slow.timeouts)],
  ]
  console.log('\ntargets (this build)')
  for (const [name, ok, value] of targets) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${name.padEnd(38)} ${value}`)
  if (process.env.BENCH_JSON) console.log(JSON.stringify({settings, cpuBusyBefore: Number(busy.toFixed(2)), figures}))
  exitCode = targets.every(([, ok]) => ok) ? 0 : 1
} catch (error) {
  console.error(`\nbenchmark error: ${error instanceof Error ? error.stack : error}`)
}
process.exit(exitCode)

// ── the runs ───────────────────────────────────────────────────────────────

/** One build, one scenario: fresh endpoints and a fresh emulator process; their records. */
async function run(build, scenario) {
  console.error(`  … ${build.name}: ${scenario}`)
  const endpoints = fork(resolve(here, 'fairness-endpoints.js'), [String(settings.slowMs)], {stdio: ['ignore', 'inherit', 'inherit', 'ipc']})
  try {
    const {urls} = await message(endpoints, 'ready', 10_000)
    const options = {root: build.root, scenario, urls, ...settings}
    const emulator = fork(resolve(here, 'fairness-emulator.js'), [JSON.stringify(options)], {stdio: ['ignore', 'inherit', 'inherit', 'ipc']})
    let result
    try {
      // The emulator process waits at most limitMs for its deliveries; the rest is the stream itself and start-up.
      const streamMs = scenario === 'hang' ? settings.healthyCount * settings.healthyIntervalMs : 0
      result = await message(emulator, 'result', settings.limitMs + streamMs + 30_000)
    } finally {
      emulator.kill()
    }
    endpoints.send({type: 'report'})
    const report = await message(endpoints, 'report', 10_000)
    if (!result.complete) console.error(`  ${build.name}, ${scenario}: not every delivery finished within ${fmt(settings.limitMs)} ms; figures are for what did`)
    return {...result, ...report}
  } finally {
    endpoints.kill()
  }
}

function hangFigures(r) {
  const byKey = new Map(r.attempts.filter((a) => a.webhook === 'healthy').map((a) => [`${a.sentAt} ${a.body}`, a]))
  const late = []
  const first = []
  const retry = []
  const delivered = new Set()
  for (const arrival of r.arrivals.healthy) {
    const attempt = byKey.get(`${arrival.stamp} ${arrival.body}`)
    if (!attempt) continue // sent, but its attempt not recorded before the run ended
    const lateness = arrival.at - attempt.scheduledAt
    late.push(lateness)
    ;(attempt.number === 1 ? first : retry).push(lateness)
    if (attempt.outcome === 'success') delivered.add(arrival.body)
  }
  const hanging = r.attempts.filter((a) => a.webhook === 'hang')
  const timeouts = hanging.filter((a) => a.errorClass === 'timeout')
  return {
    arrivedDeliveries: delivered.size,
    lateness: percentiles(late),
    firstLateness: percentiles(first),
    retryLateness: percentiles(retry),
    waited: percentiles(r.attempts.filter((a) => a.webhook === 'healthy').map((a) => a.sentAt - a.scheduledAt)),
    maxOpen: r.maxOpen.hang,
    timeouts: timeouts.length,
    longestTimeout: Math.max(0, ...timeouts.map((a) => a.durationMs)),
    loopDelayMax: r.loopDelay.max,
  }
}

function slowFigures(r) {
  const first = r.attempts.filter((a) => a.webhook === 'slow' && a.number === 1)
  const start = Math.min(...first.map((a) => a.scheduledAt))
  return {
    timeouts: first.filter((a) => a.errorClass === 'timeout').length,
    succeeded: first.filter((a) => a.outcome === 'success').length,
    duration: percentiles(first.map((a) => a.durationMs)),
    waited: percentiles(first.map((a) => a.sentAt - a.scheduledAt)),
    transit: percentiles(r.arrivals.slow.map((x) => x.at - x.stamp)),
    maxOpen: r.maxOpen.slow,
    lastAnswerMs: Math.max(...first.filter((a) => a.outcome === 'success').map((a) => a.sentAt + a.durationMs)) - start,
  }
}

// ── plumbing ───────────────────────────────────────────────────────────────

/** The next IPC message of `type` from `child`; rejects when it exits first or after `ms`. */
function message(child, type, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no ${type} message within ${ms} ms`)), ms)
    const onMessage = (m) => m.type === type && done(null, m)
    const onExit = (code) => done(new Error(`child exited (${code}) before its ${type} message`))
    const done = (error, value) => {
      clearTimeout(timer)
      child.off('message', onMessage)
      child.off('exit', onExit)
      error ? reject(error) : resolve(value)
    }
    child.on('message', onMessage)
    child.on('exit', onExit)
  })
}

function percentiles(values) {
  if (values.length === 0) return {p50: NaN, p99: NaN, max: NaN}
  const sorted = Float64Array.from(values).sort()
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
  return {p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]}
}



function ms(value) {
  return Number.isFinite(value) ? `${fmt(value)} ms` : '-'
}

function fmt(value) {
  return Math.round(value).toLocaleString('en-US')
}

function pct(ratio) {
  return `${Math.round(ratio * 100)}%`
}
