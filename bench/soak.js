// A bounded soak under attack: for SOAK_SECONDS (60), while an attacker process holds slow-body and
// slow-header HTTP connections and drip-feeding SMTP sessions, and 400 deliveries hang on one
// endpoint, normal clients keep using the emulator. Prints, for each build measured, the latency
// (p50/p99/max) and failures of normal API requests and SMTP sessions, and how late a healthy
// endpoint's deliveries arrive. Loopback only. Not a timed test.
//
//   npm run build && node bench/soak.js
//   SOAK_REFERENCE=/tmp/junkmail-base node bench/soak.js   # the same soak against another build, after
//
// Environment (all optional):
//   SOAK_SECONDS=60       how long normal clients are measured under attack
//   SOAK_REFERENCE=DIR    another junkmail checkout (built) to measure the same way, for comparison
//   SOAK_NOFILE=1024      open-file limit of the emulator process (as on a typical laptop)
//   SOAK_SLOW_HTTP=550    slow HTTP connections held (half slow bodies, half slow headers)
//   SOAK_SMTP_DRIPS=550   drip-feeding SMTP sessions held (with the HTTP ones: 1,100, over a 1,024-file limit)
//
// The emulator runs as `junkmail dev` in a child process (in memory, attempt timeout 2 s); the
// attacker is another child process (this file with --attack), so its sockets do not share the
// measuring client's event loop.
//
// Exit status: 0 every target met (for this build), 1 a target missed, 2 the soak could not run.
import {fork, spawn} from 'node:child_process'
import {createServer, request} from 'node:http'
import {connect} from 'node:net'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'

if (process.argv[2] === '--attack') await attack(JSON.parse(process.argv[3]))
else await main()

async function main() {
  const seconds = Number(process.env.SOAK_SECONDS ?? 60)
  const root = fileURLToPath(new URL('..', import.meta.url))
  const builds = [['this build', root]]
  if (process.env.SOAK_REFERENCE) builds.push(['reference', process.env.SOAK_REFERENCE])
  let ok = true
  const results = []
  for (const [name, dir] of builds) {
    console.log(`\n== ${name} (${dir}) — ${seconds} s under attack`)
    const result = await soak(dir, seconds)
    results.push([name, result])
    print(result)
    if (name === 'this build') ok = checkTargets(result)
  }
  if (results.length === 2) {
    const [[, a], [, b]] = results
    console.log('\n== side by side (this build / reference)')
    const row = (label, x, y) => console.log(`  ${label.padEnd(34)} ${String(x).padStart(9)} / ${String(y).padEnd(9)}`)
    row('API failed requests', a.api.failed, b.api.failed)
    row('API p99 ms', fmt(pct(a.api.ms, 99)), fmt(pct(b.api.ms, 99)))
    row('SMTP failed sessions', a.smtp.failed, b.smtp.failed)
    row('SMTP p99 ms', fmt(pct(a.smtp.ms, 99)), fmt(pct(b.smtp.ms, 99)))
    row('healthy delivery lateness max ms', fmt(max(a.late)), fmt(max(b.late)))
    row('healthy deliveries missing', a.missing, b.missing)
  }
  process.exit(ok ? 0 : 1)
}

/** Starts the emulator of `dir`, attacks it, measures normal clients for `seconds`, stops everything. */
async function soak(dir, seconds) {
  const nofile = Number(process.env.SOAK_NOFILE ?? 1024)
  const bin = join(dir, 'bin', 'run.js')
  const args = ['dev', '--json', '--port', '0', '--smtp-port', '0', '--in-memory', '--attempt-timeout', '2000', '--time-scale', '60']
  const command = `ulimit -n ${nofile} 2>/dev/null; exec "${process.execPath}" "${bin}" ${args.join(' ')}`
  const dev = spawn('bash', ['-c', command], {stdio: ['ignore', 'pipe', 'inherit'], env: {...process.env, NODE_ENV: undefined}})
  const lines = createInterface({input: dev.stdout})
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no ready line in 20 s')), 20_000)
    lines.once('line', (line) => (clearTimeout(timer), resolve(JSON.parse(line))))
    dev.once('exit', (code) => reject(new Error(`junkmail dev exited (${code})`)))
  })
  lines.on('line', () => {}) // drained unread
  const base = ready.baseUrl
  const port = ready.port
  const smtpPort = ready.smtpPort
  const key = ready.apiKey
  let attacker
  const healthy = await startEndpoint('answer')
  const hanging = await startEndpoint('hang')
  try {
    const call = (method, path, body) => http(base, method, path, key, body)
    const hook = async (url, events) => {
      const answer = await call('POST', '/api/v1/webhooks', {url, events})
      if (answer.status !== 201) throw new Error(`webhook: ${answer.status} ${answer.text}`)
    }
    await hook(`${healthy.url}/ok`, ['address.created'])
    await hook(`${hanging.url}/hang`, ['email.deleted'])
    for (let i = 0; i < 400; i++) await call('POST', '/_emulator/v1/events', {event: 'email.deleted', wait: false})

    const slowHttp = Number(process.env.SOAK_SLOW_HTTP ?? 550)
    const drips = Number(process.env.SOAK_SMTP_DRIPS ?? 550)
    attacker = fork(fileURLToPath(import.meta.url), ['--attack', JSON.stringify({port, smtpPort, slowHttp, drips})], {stdio: 'inherit'})
    await new Promise((resolve, reject) => {
      attacker.once('message', resolve) // its connections are open
      attacker.once('exit', (code) => reject(new Error(`the attacker exited (${code})`)))
    })
    console.log(`  attack on: ${slowHttp} slow HTTP connections, ${drips} drip-feeding SMTP sessions, 400 deliveries hanging on one endpoint`)

    const api = {ms: [], failed: 0, errors: new Map()}
    const smtp = {ms: [], failed: 0, errors: new Map()}
    const late = []
    const expected = new Set() // addresses of the events sent to the healthy endpoint
    const until = Date.now() + seconds * 1000
    const note = (bucket, error) => {
      bucket.failed++
      const text = String(error?.message ?? error).slice(0, 80)
      bucket.errors.set(text, (bucket.errors.get(text) ?? 0) + 1)
    }
    const loop = async (everyMs, work) => {
      while (Date.now() < until) {
        const started = Date.now()
        await work().catch(() => {})
        await sleep(Math.max(0, everyMs - (Date.now() - started)))
      }
    }
    await Promise.all([
      // Normal API requests, each on a fresh connection (as each CLI command makes).
      loop(100, async () => {
        const started = performance.now()
        try {
          const answer = await call('GET', '/api/v1/webhooks')
          if (answer.status !== 200) throw new Error(`HTTP ${answer.status}`)
          api.ms.push(performance.now() - started)
        } catch (error) {
          note(api, error)
        }
      }),
      // Normal SMTP sessions, one mail each.
      loop(500, async () => {
        const started = performance.now()
        try {
          await sendMail(smtpPort)
          smtp.ms.push(performance.now() - started)
        } catch (error) {
          note(smtp, error)
        }
      }),
      // Events for the healthy endpoint: each should arrive right away.
      loop(250, async () => {
        try {
          const answer = await call('POST', '/_emulator/v1/events', {event: 'address.created', wait: false})
          if (answer.status !== 201) throw new Error(`HTTP ${answer.status}`)
          expected.add(JSON.parse(answer.text).data.event.payload.data.addressId)
        } catch (error) {
          note(api, error)
        }
      }),
    ])
    // Deliveries made in the last moments get a second to arrive.
    await sleep(1000)
    // Lateness: arrival minus the event's own time (the payload's timestamp, same clock).
    const arrived = new Set()
    for (const {body, at} of healthy.received) {
      const payload = JSON.parse(body.toString())
      if (!expected.has(payload.data.addressId)) continue
      arrived.add(payload.data.addressId)
      late.push(at - payload.timestamp)
    }
    const missing = [...expected].filter((id) => !arrived.has(id)).length
    return {api, smtp, late, missing, events: expected.size}
  } finally {
    attacker?.kill('SIGKILL')
    dev.kill('SIGTERM')
    await new Promise((resolve) => (dev.exitCode !== null ? resolve() : dev.once('exit', resolve)))
    healthy.close()
    hanging.close()
  }
}

/** The attacker process: holds slow HTTP connections and drip-feeding SMTP sessions, reopening each one cut. */
async function attack({port, smtpPort, slowHttp, drips}) {
  const slowBody = 'POST /api/v1/webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"url":'
  const hold = (target, first, drip, everyMs) => {
    const open = () => {
      const socket = connect(target, '127.0.0.1')
      let timer = null
      socket.on('connect', () => {
        if (first) socket.write(first)
        timer = setInterval(() => socket.write(drip), everyMs)
      })
      socket.on('data', () => {})
      socket.on('error', () => {})
      // A slow client holds what it has and reopens what is taken from it, a second later (not a
      // connection flood: that is another attack, which no per-connection limit answers).
      socket.on('close', () => {
        clearInterval(timer)
        setTimeout(open, 1000)
      })
    }
    open()
  }
  for (let i = 0; i < slowHttp; i++) {
    if (i % 2 === 0) hold(port, slowBody, ' ', 1000) // a body a byte a second
    else hold(port, 'GET /api/v1/webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X', 1000) // headers a byte a second
  }
  for (let i = 0; i < drips; i++) hold(smtpPort, 'EHLO drip.test\r\nNOOP', 'P', 500) // a command never finished
  await sleep(1000)
  process.send?.('ready')
}

/** One SMTP session: EHLO, MAIL, RCPT, DATA, a small message, QUIT; rejects on any unexpected reply. */
function sendMail(port) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const steps = [
      [220, 'EHLO soak.test\r\n'],
      [250, 'MAIL FROM:<soak@example.com>\r\n'],
      [250, 'RCPT TO:<soak@junkmail.local>\r\n'],
      [250, 'DATA\r\n'],
      [354, 'From: soak@example.com\r\nSubject: soak\r\n\r\nhello\r\n.\r\n'],
      [250, 'QUIT\r\n'],
    ]
    let buffer = ''
    const timer = setTimeout(() => fail(new Error('no answer in 10 s')), 10_000)
    const fail = (error) => {
      clearTimeout(timer)
      socket.destroy()
      reject(error)
    }
    socket.on('data', (chunk) => {
      buffer += chunk
      for (;;) {
        const end = buffer.indexOf('\r\n')
        if (end < 0) return
        const line = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        if (/^\d{3}-/.test(line)) continue
        const step = steps.shift()
        if (!step) return
        if (Number(line.slice(0, 3)) !== step[0]) return fail(new Error(`SMTP: expected ${step[0]}, got ${line}`))
        socket.write(step[1])
        if (steps.length === 0) {
          clearTimeout(timer)
          socket.end()
          resolve()
        }
      }
    })
    socket.on('error', fail)
    socket.on('close', () => steps.length > 0 && fail(new Error('SMTP: connection closed')))
  })
}

/** A webhook endpoint on 127.0.0.1:0 that answers 200 at once, or never. Records what arrives. */
async function startEndpoint(mode) {
  const received = []
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      if (mode === 'hang') return
      received.push({at: Date.now(), body: Buffer.concat(chunks)})
      res.end('ok')
    })
  })
  server.keepAliveTimeout = 60_000
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    received,
    close: () => (server.closeAllConnections(), server.close()),
  }
}

/** One request on a fresh connection; resolves with status and text. */
function http(base, method, path, key, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body)
    const req = request(`${base}${path}`, {method, agent: false, headers: {authorization: `Bearer ${key}`, ...(data ? {'content-type': 'application/json', 'content-length': Buffer.byteLength(data)} : {})}, timeout: 10_000}, (res) => {
      let text = ''
      res.on('data', (c) => (text += c))
      res.on('end', () => resolve({status: res.statusCode, text}))
    })
    req.on('timeout', () => req.destroy(new Error('no answer in 10 s')))
    req.on('error', reject)
    req.end(data)
  })
}

function print(r) {
  const line = (label, ms, failed, errors) => {
    console.log(`  ${label.padEnd(22)} ${String(ms.length).padStart(5)} ok  ${String(failed).padStart(4)} failed   p50 ${fmt(pct(ms, 50))} ms  p99 ${fmt(pct(ms, 99))} ms  max ${fmt(max(ms))} ms`)
    for (const [text, n] of errors ?? []) console.log(`      ${n} × ${text}`)
  }
  line('API requests', r.api.ms, r.api.failed, r.api.errors)
  line('SMTP sessions', r.smtp.ms, r.smtp.failed, r.smtp.errors)
  console.log(`  healthy deliveries     ${r.late.length} of ${r.events} arrived (${r.missing} missing)   lateness p50 ${fmt(pct(r.late, 50))} ms  p99 ${fmt(pct(r.late, 99))} ms  max ${fmt(max(r.late))} ms`)
}

function checkTargets(r) {
  const targets = [
    ['0 failed normal API requests', r.api.failed === 0, r.api.failed],
    ['0 failed normal SMTP sessions', r.smtp.failed === 0, r.smtp.failed],
    ['API p99 < 100 ms', pct(r.api.ms, 99) < 100, `${fmt(pct(r.api.ms, 99))} ms`],
    ['healthy deliveries within 100 ms of schedule (max)', r.missing === 0 && max(r.late) < 100, `${fmt(max(r.late))} ms, ${r.missing} missing`],
  ]
  console.log('  targets')
  for (const [name, met, value] of targets) console.log(`    ${met ? 'PASS' : 'MISS'}  ${name.padEnd(52)} ${value}`)
  return targets.every(([, met]) => met)
}

function pct(values, p) {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}
function max(values) {
  return values.length === 0 ? Number.NaN : Math.max(...values)
}
function fmt(n) {
  return Number.isNaN(n) ? '-' : n.toFixed(1)
}
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
