// The event viewer's cost (issue 11's figures): `junkmail dev` with the viewer in a real pseudo-
// terminal (util-linux `script`, 100×30) beside headless `junkmail dev --json`, in the same run,
// alternating (headless, viewer, headless, viewer…: TUI_ROUNDS rounds, 3 by default), each a
// fresh process; medians over the rounds.
//
//   npm run build && node bench/tui.js
//
//   (a) key latency (first viewer run): while 200 events/s arrive for TUI_SECONDS (30), `?` is
//       pressed every 500 ms and the time until the help screen is drawn (the bytes reach the
//       terminal) is measured, then Esc;
//   (b) dispatch rate: TUI_EVENTS (20,000) events fired as fast as the API takes them (64 in
//       flight), each delivered to a local receiver; deliveries per second, viewer vs headless;
//   (c) memory: the dev process's resident memory after those events and TUI_IDLE seconds (40)
//       without load (what it holds once V8's memory reducer has run: it gives back memory only
//       after some idle seconds, in both modes alike), and its peak (VmHWM) during the burst.
//
// Addresses live a day here: the triggers create one each, and their expiry 60 s later would be
// a second burst of events in the middle of the measurement.
//
// Exit status: 0 every target met, 1 a target missed, 2 the benchmark could not run.
import {spawn, spawnSync} from 'node:child_process'
import {mkdtemp, readFile, rm} from 'node:fs/promises'
import {createServer, request, Agent} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {fail, intEnv} from './bench-env.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const bin = join(root, 'bin', 'run.js')
const SECONDS = intEnv('TUI_SECONDS', 30)
const EVENTS = intEnv('TUI_EVENTS', 20_000)
const ROUNDS = intEnv('TUI_ROUNDS', 3)
const IDLE = intEnv('TUI_IDLE', 40)
if (spawnSync('script', ['--version']).status !== 0) fail('tui: needs util-linux `script` (a pseudo-terminal for the viewer)')

const receiver = await startReceiver()
const runs = {headless: [], viewer: []}
for (let round = 1; round <= ROUNDS; round++) {
  for (const mode of ['headless', 'viewer']) {
    console.log(`\n== round ${round}/${ROUNDS}: ${mode}`)
    runs[mode].push(await measure(mode, mode === 'viewer' && round === 1))
  }
}
receiver.close()

const median = (values) => pct(values, 50)
const keys = runs.viewer[0].keys
const of = (mode, field) => median(runs[mode].map((r) => r[field]))
const [rate, headlessRate] = [of('viewer', 'rate'), of('headless', 'rate')]
const [rss, headlessRss] = [of('viewer', 'rss'), of('headless', 'rss')]
const [peak, headlessPeak] = [of('viewer', 'peak'), of('headless', 'peak')]
console.log(`\n== figures (medians of ${ROUNDS} rounds)`)
console.log(`  key → screen with 200 events/s (viewer): p50 ${ms(pct(keys, 50))}  p95 ${ms(pct(keys, 95))}  max ${ms(Math.max(...keys))}  (${keys.length} presses)`)
console.log(`  dispatch rate: viewer ${rate.toFixed(0)}/s, headless ${headlessRate.toFixed(0)}/s → ${((rate / headlessRate) * 100).toFixed(0)}%  (rounds: ${runs.viewer.map((v, i) => `${((v.rate / runs.headless[i].rate) * 100).toFixed(0)}%`).join(', ')})`)
console.log(`  resident memory after ${EVENTS.toLocaleString('en-US')} events and ${IDLE} s idle: viewer ${mb(rss)}, headless ${mb(headlessRss)} → +${mb(rss - headlessRss)}`)
console.log(`  peak during the burst: viewer ${mb(peak)}, headless ${mb(headlessPeak)} → +${mb(peak - headlessPeak)}`)
const targets = [
  ['a key press on screen within 100 ms (p95) at 200 events/s', pct(keys, 95) < 100],
  ['dispatch rate with the viewer ≥ 85% of headless', rate >= 0.85 * headlessRate],
  [`after ${EVENTS.toLocaleString('en-US')} events the viewer holds < 80 MB more than headless`, rss - headlessRss < 80 * 1024 * 1024],
]
console.log('  targets')
for (const [name, met] of targets) console.log(`    ${met ? 'PASS' : 'MISS'}  ${name}`)
process.exit(targets.every(([, met]) => met) ? 0 : 1)

/** Runs one `dev` (in the viewer or headless) through the load; resolves with its figures. */
async function measure(mode, pressKeys) {
  const cwd = await mkdtemp(join(tmpdir(), 'junkmail-tui-bench-'))
  const args = ['dev', '--port', '0', '--smtp-port', '0', '--in-memory', '--data-dir', join(cwd, '.junkmail'), '--max-events', '100000', '--address-lifetime', '86400']
  const env = {...process.env, NODE_ENV: undefined, CI: undefined, TERM: 'xterm-256color'}
  let child
  let screen = ''
  const waiters = []
  if (mode === 'viewer') {
    // In memory there is no runtime file: the API port comes from `status` inside the viewer's header.
    const command = `stty cols 100 rows 30; exec ${process.execPath} ${bin} ${args.join(' ')}`
    child = spawn('script', ['-qfec', command, '/dev/null'], {env, stdio: ['pipe', 'pipe', 'inherit']})
    child.stdout.on('data', (chunk) => {
      const text = chunk.toString('utf8')
      screen = (screen + text).slice(-200_000)
      for (const w of [...waiters]) {
        w.seen += text
        if (w.test(w.seen)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(performance.now()))
      }
    })
  } else {
    child = spawn(process.execPath, [bin, ...args, '--json'], {env, stdio: ['ignore', 'pipe', 'inherit']})
    child.stdout.on('data', (chunk) => (screen = (screen + chunk.toString('utf8')).slice(-200_000)))
  }
  /** Resolves when what the terminal gets from now on (or, with `already`, what it got too) passes `test`. */
  const waitScreen = (test, timeoutMs = 15_000, already = false) =>
    new Promise((resolve, reject) => {
      if (already && test(screen)) return resolve(performance.now())
      const timer = setTimeout(() => reject(new Error(`${mode}: nothing matched in ${timeoutMs} ms; last output: ${JSON.stringify(screen.slice(-400))}`)), timeoutMs)
      waiters.push({test, seen: '', resolve: (t) => (clearTimeout(timer), resolve(t))})
    })
  try {
    // The API URL: from the ready line, or the viewer's header.
    const apiUrl = mode === 'viewer' ? await viewerApi(() => screen, waitScreen) : await readyApi(() => screen)
    const pid = await pidOf(apiUrl)
    const api = client(apiUrl)
    const hook = await api('POST', '/api/v1/webhooks', {url: receiver.url, events: ['email.deleted']})
    if (hook.status !== 201) fail(`${mode}: webhook: ${hook.status}`)

    // (a) 200 events/s for SECONDS, keys pressed every 500 ms (viewer only).
    const keys = []
    const started = Date.now()
    const firing = (async () => {
      let sent = 0
      while (Date.now() - started < SECONDS * 1000) {
        const due = Math.floor(((Date.now() - started) / 1000) * 200)
        const batch = []
        for (; sent < due; sent++) batch.push(api('POST', '/_emulator/v1/events', {event: 'email.deleted', wait: false}))
        await Promise.all(batch)
        await sleep(5)
      }
    })()
    if (pressKeys) {
      while (Date.now() - started < SECONDS * 1000) {
        await sleep(500)
        const shownAt = waitScreen((s) => s.includes('Keys'))
        const pressed = performance.now()
        child.stdin.write('?')
        keys.push((await shownAt) - pressed)
        const back = waitScreen((s) => s.includes('EVENT'))
        child.stdin.write('\u001b')
        await back
      }
    }
    await firing
    await settle(api)

    // (b) and (c): EVENTS as fast as the API takes them, 64 in flight.
    const before = receiver.count
    const t0 = performance.now()
    let next = 0
    await Promise.all(
      Array.from({length: 64}, async () => {
        while (next < EVENTS) {
          next++
          await api('POST', '/_emulator/v1/events', {event: 'email.deleted', wait: false})
        }
      }),
    )
    while (receiver.count - before < EVENTS) await sleep(5)
    const rate = EVENTS / ((performance.now() - t0) / 1000)
    // What the process holds once the load is over: V8 gives back memory after some idle seconds
    // (its memory reducer), in both modes alike; the peak during the burst is printed too.
    const peak = await peakOf(pid)
    await sleep(IDLE * 1000)
    const rss = await rssOf(pid)
    console.log(`  ${keys.length ? `key → screen p95 ${ms(pct(keys, 95))}; ` : ''}${EVENTS} events at ${rate.toFixed(0)} deliveries/s; RSS ${mb(rss)} (peak ${mb(peak)})`)
    return {keys, rate, rss, peak}
  } finally {
    if (mode === 'viewer') child.stdin.write('q')
    else child.kill('SIGTERM')
    await new Promise((resolve) => {
      const timer = setTimeout(() => (child.kill('SIGKILL'), resolve()), 10_000)
      child.once('exit', () => (clearTimeout(timer), resolve()))
    })
    await rm(cwd, {recursive: true, force: true})
  }
}

async function readyApi(output) {
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(20)) {
    const line = output().split('\n')[0]
    if (line?.startsWith('{')) return JSON.parse(line).baseUrl
  }
  fail('headless dev printed no ready line')
}

async function viewerApi(output, waitScreen) {
  await waitScreen((s) => /API http:\/\/127\.0\.0\.1:\d+\/api\/v1/.test(s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')), 15_000, true)
  return /API (http:\/\/127\.0\.0\.1:\d+)\/api\/v1/.exec(output().replace(/\u001b\[[0-9;?]*[A-Za-z]/g, ''))[1]
}

async function pidOf(apiUrl) {
  const {body} = await client(apiUrl)('GET', '/_emulator/v1/status')
  return JSON.parse(body).data.pid
}

async function peakOf(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) * 1024
}

async function rssOf(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024
}

/** Waits until the emulator has no pending delivery. */
async function settle(api) {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(50)) {
    const {body} = await api('GET', '/_emulator/v1/status')
    if (JSON.parse(body).data.counts.pendingDeliveries === 0) return
  }
  fail('deliveries never settled')
}

function client(base) {
  const agent = new Agent({keepAlive: true, maxSockets: 64})
  return (method, path, body) =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body)
      const req = request(`${base}${path}`, {method, agent, headers: {authorization: 'Bearer jm_test_local', ...(data ? {'content-type': 'application/json', 'content-length': Buffer.byteLength(data)} : {})}}, (res) => {
        let text = ''
        res.on('data', (c) => (text += c))
        res.on('end', () => resolve({status: res.statusCode, body: text}))
      })
      req.on('error', reject)
      req.end(data)
    })
}

async function startReceiver() {
  const state = {count: 0, url: '', close: () => {}}
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      state.count++
      res.end('ok')
    })
  })
  server.keepAliveTimeout = 60_000
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.url = `http://127.0.0.1:${server.address().port}/hook`
  state.close = () => (server.closeAllConnections(), server.close())
  return state
}

function pct(values, p) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}
function ms(value) {
  return Number.isFinite(value) ? `${value.toFixed(1)} ms` : '-'
}
function mb(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`
}
function sleep(time) {
  return new Promise((resolve) => setTimeout(resolve, time))
}
