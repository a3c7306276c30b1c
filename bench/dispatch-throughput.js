// How many signed webhook deliveries per second the emulator sends and records, compared with a
// bare undici POST loop to the same receiver, and whether that rate holds as the store grows.
//
//   npx tsc -p . && node bench/dispatch-throughput.js
//
// (a) bare: undici `request` through an Agent configured like the dispatcher's (connections and
//     attempts in flight to one origin read from dist/src/dispatch/dispatcher.js), same body size and headers,
//     body consumed, to a node:http receiver in a child process.
// (b) emulator: startEmulator() with a persisted store in a temp dir, one webhook to the same
//     receiver, events emitted in-process through emitEvent() (what every event source calls: the
//     SMTP sink, the address clock, the API) by BENCH_CONCURRENCY concurrent callers. Timed from
//     the first event until the receiver has every request, every attempt is recorded
//     (attempt.finished) and store.commit() has resolved (the store's files hold them all).
//     The targets are checked on this run: it is the dispatcher and the store at work.
// (c) flat cost: rate over the first and the last BENCH_WINDOW attempts recorded, leaving out the
//     first and last BENCH_CONCURRENCY (ramp-up and drain, which flatter the edges); the very first
//     and last windows are printed too.
// (d) the same as (b) through triggerEvent() (what POST /_emulator/v1/events and `junkmail
//     trigger` call): each email.received trigger also creates an address and stores a real
//     message (in the mail spool), so the ids resolve. For information; skipped when BENCH_FIRE is set.
//
// Environment (all optional):
//   BENCH_EVENTS=20000        events (and bare requests) measured
//   BENCH_WARMUP=1000         events (and bare requests) sent first, not measured
//   BENCH_CONCURRENCY=256     triggers in flight at once (each awaits its commit, like the API route)
//   BENCH_EVENT_TYPE=email.received
//   BENCH_FIRE=emit           `trigger`: run (b) through triggerEvent() instead (and skip (d))
//   BENCH_WINDOW=1000         window of (c)
//   BENCH_KEEP_DATA=1         keep the temp data dir (its path is printed)
//   BENCH_JSON=1              also print the figures as one JSON line at the end
//
// Exit status: 0 every target met, 1 a target missed, 2 the benchmark could not run properly.
import {fork} from 'node:child_process'
import {mkdtemp, rm, stat} from 'node:fs/promises'
import {availableParallelism, tmpdir} from 'node:os'
import {join} from 'node:path'
import {monitorEventLoopDelay} from 'node:perf_hooks'
import {fileURLToPath} from 'node:url'
import {Agent, request} from 'undici'
import {fail, intEnv} from './bench-env.js'
import {measureCpuUse} from './cpu-use.js'

const TARGET_RATE = 3000
const TARGET_SHARE_OF_BARE = 0.5
const TARGET_FLAT = 0.8
/** No attempt recorded for this long: the run is stuck. */
const STALL_MS = 60_000

const N = intEnv('BENCH_EVENTS', 20_000)
const WARMUP = intEnv('BENCH_WARMUP', 1_000)
const CONCURRENCY = intEnv('BENCH_CONCURRENCY', 256)
const WINDOW = Math.min(intEnv('BENCH_WINDOW', 1_000), Math.floor(N / 2))
if (N < 20) fail('BENCH_EVENTS must be at least 20')
const TYPE = process.env.BENCH_EVENT_TYPE ?? 'email.received'
const FIRE = process.env.BENCH_FIRE ?? 'emit'
if (FIRE !== 'trigger' && FIRE !== 'emit') fail(`BENCH_FIRE must be trigger or emit, not ${FIRE}`)

const dist = await importDist()
const entry = dist.junkmail.catalog.find((e) => e.type === TYPE)
if (!entry) fail(`unknown BENCH_EVENT_TYPE ${TYPE}; known: ${dist.junkmail.catalog.map((e) => e.type).join(', ')}`)
const limits = await dispatcherLimits()

/** Wall clock in ms, comparable across processes (the receiver stamps arrivals the same way). */
const now = () => performance.timeOrigin + performance.now()

const receiver = await startReceiver()
let exitCode = 2
try {
  const busy = await measureCpuUse()
  console.log(`junkmail dispatch throughput: ${N} events of ${TYPE} (warm-up ${WARMUP}), ${availableParallelism()} CPUs, ${pct(busy)} busy before the start`)
  if (busy > 0.1) console.log('  note: something else is using the CPU; figures will be lower than on an idle machine')
  console.log(`  receiver: node:http in a child process, 200 "ok", keep-alive (${receiver.url})`)
  console.log(`  dispatcher: ${limits.connections} connections, ${limits.inFlight} attempts in flight to one origin (read from dist/src/dispatch/dispatcher.js)`)
  console.log('')

  const bare = await runBare()
  const emulator = await runEmulator(FIRE, '(b)')
  exitCode = report(bare, emulator, busy)
  if (!process.env.BENCH_FIRE) {
    // The same through triggerEvent, as `junkmail trigger` does: each event also creates an
    // address and a received mail (in the mail spool) for real. Printed for information.
    console.log('')
    const triggered = await runEmulator('trigger', '(d)')
    console.log(`    = ${pct(triggered.rate / bare.rate)} of the bare loop; dispatch alone (b) did ${fmt(emulator.rate)}/s`)
  }
} catch (error) {
  console.error(`\nbenchmark error: ${error instanceof Error ? error.stack : error}`)
} finally {
  receiver.close()
}
process.exit(exitCode)

// ── (a) bare undici loop ────────────────────────────────────────────────────

async function runBare() {
  const sentAt = Date.now()
  const body = JSON.stringify(dist.junkmail.envelope(TYPE, entry.sample(sentAt), sentAt))
  const headers = dist.junkmail.headers(body, dist.generateSecret(), sentAt)
  const agent = new Agent({
    connections: limits.connections,
    keepAliveTimeout: limits.keepAliveTimeout,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
    connect: {timeout: 10_000},
  })
  const loop = async (n) => {
    let next = 0
    let failures = 0
    const worker = async () => {
      while (next < n) {
        next++
        const res = await request(receiver.url, {method: 'POST', headers, body, dispatcher: agent})
        for await (const _chunk of res.body);
        if (res.statusCode !== 200) failures++
      }
    }
    await Promise.all(Array.from({length: Math.min(limits.inFlight, n)}, worker))
    if (failures > 0) throw new Error(`bare loop: ${failures} responses were not 200`)
  }
  try {
    if (WARMUP > 0) {
      const {received} = await receiver.expect(WARMUP)
      await loop(WARMUP)
      await received
    }
    const {received} = await receiver.expect(N)
    const t0 = now()
    await loop(N)
    const t1 = now()
    await received
    const seconds = (t1 - t0) / 1000
    const result = {requests: N, seconds, rate: N / seconds, bodyBytes: Buffer.byteLength(body), headers: Object.keys(headers)}
    console.log(`(a) bare undici POST loop: ${N} requests in ${seconds.toFixed(2)} s = ${fmt(result.rate)} req/s (body ${result.bodyBytes} B, headers ${result.headers.join(', ')})`)
    return result
  } finally {
    await agent.close()
  }
}

// ── (b) the emulator ───────────────────────────────────────────────────────

async function runEmulator(mode, label) {
  const dataDir = await mkdtemp(join(tmpdir(), 'junkmail-bench-'))
  // Addresses the triggers create must not expire (and fire address.expired) mid-run.
  const emulator = await dist.startEmulator({port: 0, dataDir, smtpPort: false, addressLifetimeSeconds: 30 * 24 * 3600})
  const ctx = emulator.context
  try {
    await dist.createWebhook(ctx, {url: receiver.url, events: [TYPE]})
    const fire =
      mode === 'emit'
        ? () => dist.emitEvent(ctx, {type: TYPE, data: entry.sample(Date.now()), source: 'trigger'})
        : () => dist.triggerEvent(ctx, {type: TYPE})

    let finished = new Float64Array(0)
    let count = 0
    let failures = 0
    let bodyBytes = 0
    let onAll = () => {}
    emulator.events.on('attempt.finished', ({attempt}) => {
      if (count < finished.length) finished[count] = now()
      count++
      if (attempt.outcome !== 'success') failures++
      if (count === finished.length) onAll()
    })
    emulator.events.on('event.created', ({event}) => (bodyBytes += Buffer.byteLength(event.body)))

    const run = async (n, label) => {
      finished = new Float64Array(n)
      count = 0
      failures = 0
      bodyBytes = 0
      const allRecorded = new Promise((resolve) => (onAll = resolve))
      const {received} = await receiver.expect(n)
      const latencies = new Float64Array(n)
      let next = 0
      let firedAt = 0
      let peakRss = 0
      const loopDelay = monitorEventLoopDelay({resolution: 10})
      loopDelay.enable()
      const cpu0 = process.cpuUsage()
      const t0 = now()
      const progress = watch(label, t0, () => ({next, count, n}), (rss) => (peakRss = Math.max(peakRss, rss)))
      try {
        const worker = async () => {
          while (next < n) {
            const i = next++
            const started = performance.now()
            await fire()
            latencies[i] = performance.now() - started
          }
        }
        await Promise.race([
          Promise.all(Array.from({length: Math.min(CONCURRENCY, n)}, worker)).then(() => (firedAt = now())),
          progress.stalled,
        ])
        const [times] = await Promise.race([Promise.all([received, allRecorded]), progress.stalled])
        const recordedAt = now()
        await ctx.store.commit()
        const t1 = now()
        const cpu = process.cpuUsage(cpu0)
        loopDelay.disable()
        if (failures > 0) throw new Error(`${failures} of ${n} attempts failed: the receiver did not answer 200`)
        const seconds = (t1 - t0) / 1000
        const dbBytes = await storeBytes(dataDir)
        return {
          events: n,
          seconds,
          rate: n / seconds,
          firedSeconds: (firedAt - t0) / 1000,
          recordedSeconds: (recordedAt - t0) / 1000,
          commitMs: t1 - recordedAt,
          latency: percentiles(latencies),
          bodyBytes: bodyBytes / n,
          dbBytes,
          peakRss,
          cpu: {user: cpu.user / 1e6, system: cpu.system / 1e6, perEventUs: (cpu.user + cpu.system) / n},
          loopDelay: {p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6},
          t0,
          finished,
          received: Float64Array.from(times),
        }
      } finally {
        progress.stop()
      }
    }

    if (WARMUP > 0) await run(WARMUP, 'warm-up')
    const result = await run(N, 'measured')
    const how = mode === 'emit' ? `emitEvent(${TYPE}, sample data)` : `triggerEvent(${TYPE}): a new address and a stored message each`
    console.log(`${label} emulator, persisted store: ${N} deliveries in ${result.seconds.toFixed(2)} s = ${fmt(result.rate)} deliveries/s`)
    console.log(`    fired by ${how}, ${CONCURRENCY} in flight; each call took p50 ${result.latency.p50.toFixed(0)} ms, p99 ${result.latency.p99.toFixed(0)} ms, max ${result.latency.max.toFixed(0)} ms`)
    console.log(`    all fired at ${result.firedSeconds.toFixed(2)} s, all recorded at ${result.recordedSeconds.toFixed(2)} s, final commit ${result.commitMs.toFixed(0)} ms`)
    console.log(`    CPU of this process: ${result.cpu.user.toFixed(1)} s user + ${result.cpu.system.toFixed(1)} s system = ${fmt(result.cpu.perEventUs)} µs per delivery (all threads; less sensitive to other load than the rate)`)
    console.log(`    event loop blocked: p99 ${result.loopDelay.p99.toFixed(0)} ms, max ${result.loopDelay.max.toFixed(0)} ms (monitorEventLoopDelay)`)
    console.log(`    event body ${fmt(result.bodyBytes)} B on average; store files ${(result.dbBytes / 1e6).toFixed(1)} MB (warm-up included); peak RSS ${(result.peakRss / 1e6).toFixed(0)} MB`)
    if (process.env.BENCH_KEEP_DATA) console.log(`    data dir kept: ${dataDir}`)
    return result
  } finally {
    await emulator.stop()
    if (!process.env.BENCH_KEEP_DATA) await rm(dataDir, {recursive: true, force: true})
  }
}

/** Prints progress every 10 s to stderr; `stalled` rejects when nothing is recorded for STALL_MS. */
function watch(label, t0, state, onRss) {
  let last = -1
  let lastChange = now()
  let reject = () => {}
  const stalled = new Promise((_, r) => (reject = r))
  stalled.catch(() => {})
  let ticks = 0
  const timer = setInterval(() => {
    const {next, count, n} = state()
    onRss(process.memoryUsage.rss())
    if (count !== last) {
      last = count
      lastChange = now()
    } else if (now() - lastChange > STALL_MS) {
      reject(new Error(`${label}: stalled, ${count} of ${n} attempts recorded, ${next} fired, nothing new for ${STALL_MS / 1000} s`))
    }
    if (++ticks % 40 === 0) console.error(`    … ${label}: ${((now() - t0) / 1000).toFixed(0)} s, ${next}/${n} fired, ${count} recorded`)
  }, 250)
  return {stalled, stop: () => clearInterval(timer)}
}

// ── (c) and the summary ────────────────────────────────────────────────────

function report(bare, emulator, busy) {
  // The first attempts wait for the first triggers, and the last BENCH_CONCURRENCY run with no trigger
  // competing: both make the edges look better than the middle. The target is on the steady state.
  const skip = Math.max(0, Math.min(CONCURRENCY, Math.floor((N - 2 * WINDOW) / 2)))
  const flat = flatness(emulator.finished, emulator.t0, skip)
  const edges = flatness(emulator.finished, emulator.t0, 0)
  const flatReceived = flatness(emulator.received, emulator.t0, skip)
  console.log(`(c) flat cost, windows of ${WINDOW} attempts recorded, leaving out the first and last ${skip} (ramp-up, drain):`)
  console.log(`    first ${fmt(flat.first)}/s, last ${fmt(flat.last)}/s = ${pct(flat.ratio)}`)
  console.log(`    by receive time: first ${fmt(flatReceived.first)}/s, last ${fmt(flatReceived.last)}/s = ${pct(flatReceived.ratio)}`)
  console.log(`    the very first and last ${WINDOW}: first ${fmt(edges.first)}/s, last ${fmt(edges.last)}/s = ${pct(edges.ratio)}`)
  console.log(`    rate per tenth of the run (attempts recorded/s): ${tenths(emulator.finished, emulator.t0).map(fmt).join('  ')}`)

  const share = emulator.rate / bare.rate
  const targets = [
    [`emulator >= ${TARGET_RATE} deliveries/s`, emulator.rate >= TARGET_RATE, `${fmt(emulator.rate)}/s`],
    [`emulator >= ${pct(TARGET_SHARE_OF_BARE)} of bare`, share >= TARGET_SHARE_OF_BARE, `${pct(share)} (${fmt(emulator.rate)} / ${fmt(bare.rate)})`],
    [`last ${WINDOW} >= ${pct(TARGET_FLAT)} of first ${WINDOW}`, flat.ratio >= TARGET_FLAT, `${pct(flat.ratio)} (${fmt(flat.last)} / ${fmt(flat.first)})`],
  ]
  console.log('\ntargets')
  for (const [name, ok, value] of targets) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${name.padEnd(30)} ${value}`)

  if (process.env.BENCH_JSON) {
    const figures = {
      events: N,
      type: TYPE,
      fire: FIRE,
      concurrency: CONCURRENCY,
      cpuBusyBefore: Number(busy.toFixed(2)),
      bareRate: Math.round(bare.rate),
      emulatorRate: Math.round(emulator.rate),
      share: Number(share.toFixed(3)),
      flatFirst: Math.round(flat.first),
      flatLast: Math.round(flat.last),
      flatRatio: Number(flat.ratio.toFixed(3)),
      edgesRatio: Number(edges.ratio.toFixed(3)),
      triggerP50Ms: Math.round(emulator.latency.p50),
      triggerP99Ms: Math.round(emulator.latency.p99),
      loopDelayMaxMs: Math.round(emulator.loopDelay.max),
      cpuUsPerEvent: Math.round(emulator.cpu.perEventUs),
      storeMB: Number((emulator.dbBytes / 1e6).toFixed(1)),
      pass: targets.every(([, ok]) => ok),
    }
    console.log(JSON.stringify(figures))
  }
  return targets.every(([, ok]) => ok) ? 0 : 1
}

/** Bytes of the store's files (db.json and, if the store keeps one, its journal), not the raw mail. */
async function storeBytes(dataDir) {
  let total = 0
  for (const name of ['db.json', 'db.journal', 'db.journal.1']) total += await stat(join(dataDir, name)).then((s) => s.size, () => 0)
  return total
}

/** Rate of the first and the last WINDOW completions after leaving out `skip` at each end; each window is timed from the completion before it. */
function flatness(times, t0, skip) {
  const n = times.length
  const at = (i) => (i < 0 ? t0 : times[i])
  const rate = (start) => WINDOW / ((at(start + WINDOW - 1) - at(start - 1)) / 1000)
  const first = rate(skip)
  const last = rate(n - skip - WINDOW)
  return {first, last, ratio: last / first}
}

function tenths(times, t0) {
  const n = times.length
  const out = []
  let previous = t0
  for (let k = 1; k <= 10; k++) {
    const end = times[Math.floor((n * k) / 10) - 1]
    out.push(Math.floor(n / 10) / ((end - previous) / 1000))
    previous = end
  }
  return out
}

function percentiles(values) {
  const sorted = Float64Array.from(values).sort()
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]
  return {p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]}
}

// ── plumbing ───────────────────────────────────────────────────────────────

/** Forks bench/webhook-receiver.js; `expect(n)` resolves once armed with `received`, a promise of the n arrival times. */
async function startReceiver() {
  const child = fork(fileURLToPath(new URL('./webhook-receiver.js', import.meta.url)), [], {stdio: ['ignore', 'inherit', 'inherit', 'ipc']})
  const waiting = new Map()
  const next = (type) => new Promise((resolve) => waiting.set(type, resolve))
  child.on('message', (message) => {
    const resolve = waiting.get(message.type)
    waiting.delete(message.type)
    resolve?.(message)
  })
  child.on('exit', (code) => {
    if (!closing) {
      console.error(`receiver exited (${code})`)
      process.exit(2)
    }
  })
  let closing = false
  const {url} = await next('ready')
  return {
    url,
    async expect(count) {
      const armed = next('armed')
      const received = next('received').then((m) => m.times)
      child.send({type: 'expect', count})
      await armed
      return {received}
    },
    close() {
      closing = true
      child.kill()
    },
  }
}

/** The dispatcher's connections per origin and attempts in flight, from its compiled module, so (a) follows it. */
async function dispatcherLimits() {
  const dispatcher = await import('../dist/src/dispatch/dispatcher.js')
  const read = (name) => {
    const value = dispatcher[name]
    if (!Number.isInteger(value) || value <= 0) fail(`dist/src/dispatch/dispatcher.js exports no ${name}; update bench/dispatch-throughput.js`)
    return value
  }
  // To one origin (this benchmark has one receiver) the dispatcher has at most its per-origin
  // limit in flight, on as many connections.
  const perOrigin = read('DEFAULT_MAX_IN_FLIGHT_PER_ORIGIN')
  return {connections: perOrigin, keepAliveTimeout: read('KEEP_ALIVE_TIMEOUT_MS'), inFlight: Math.min(perOrigin, read('DEFAULT_MAX_IN_FLIGHT'))}
}

async function importDist() {
  try {
    const [start, events, webhooks, provider] = await Promise.all([
      import('../dist/src/emulator/start-emulator.js'),
      import('../dist/src/emulator/event-operations.js'),
      import('../dist/src/emulator/webhook-operations.js'),
      import('../dist/src/providers/junkmail/index.js'),
    ])
    return {
      startEmulator: start.startEmulator,
      triggerEvent: events.triggerEvent,
      emitEvent: events.emitEvent,
      createWebhook: webhooks.createWebhook,
      junkmail: provider.junkmail,
      generateSecret: provider.generateSecret,
    }
  } catch (error) {
    fail(`cannot load dist/ (${error.message}); build first: npx tsc -p .`)
  }
}



function fmt(value) {
  return Math.round(value).toLocaleString('en-US')
}

function pct(ratio) {
  return `${Math.round(ratio * 100)}%`
}
