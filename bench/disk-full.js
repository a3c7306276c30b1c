// What junkmail dev does on a full disk, with a client that keeps making requests meanwhile.
//
//   npx tsc -p . && sudo node bench/disk-full.js      (root: it mounts a small tmpfs)
//
// `node bin/run.js dev --json` runs in a child process with its data dir on a 2 MiB tmpfs, a local
// webhook receiver subscribed to address.created, and one client making BENCH_RATE requests a
// second, one after the other, in turn: create a webhook, create an address, delete an address,
// trigger address.created, send a mail over SMTP to an address, read the webhook list. After 5 s
// the disk is filled (a file of zeros until ENOSPC) and stays full for BENCH_FULL_SECONDS, then the
// file is removed and the run goes on for 5 s. The emulator is stopped, started again on the same
// data dir, and every answer the client got is checked against what the restarted emulator holds.
//
// Figures: the emulator's CPU (user + system, from /proc) while the disk is full, and with room
// again for comparison; the store.error and store.recovered lines it printed; requests answered
// with success or refused (any error status: 503 from the API, 451 from SMTP are expected); after
// the restart, successes missing and refusals present anyway; deliveries received about changes
// that were refused.
//
// Targets: CPU under 5% while the disk is full; exactly one store.error line (and one
// store.recovered); every success there after the restart, no refusal there; refusals only 503 or
// 451; no delivery about a refused change; reads all answered 200.
//
// Environment (all optional):
//   BENCH_FULL_SECONDS=30   how long the disk stays full
//   BENCH_RATE=20           client requests per second
//
// Exit status: 0 every target met, 1 a target missed, 2 the benchmark could not run properly.
import {execFile, execFileSync, spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdtemp, open, readFile, rm} from 'node:fs/promises'
import {createServer} from 'node:http'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {measureCpuUse} from './cpu-use.js'

const FULL_SECONDS = Number(process.env.BENCH_FULL_SECONDS ?? 30)
const RATE = Number(process.env.BENCH_RATE ?? 20)
if (!(FULL_SECONDS > 0)) fail(`BENCH_FULL_SECONDS must be a positive number, not ${process.env.BENCH_FULL_SECONDS}`)
if (!(RATE > 0 && RATE <= 200)) fail(`BENCH_RATE must be between 0 and 200, not ${process.env.BENCH_RATE}`)
const CPU_TARGET = 0.05
const run = promisify(execFile)
const root = fileURLToPath(new URL('..', import.meta.url))
const BIN = join(root, 'bin', 'run.js')
if (!existsSync(join(root, 'dist', 'commands', 'dev.js'))) fail('dist/ is missing; build first: npx tsc -p .')
if (process.getuid?.() !== 0) fail('a small disk needs a tmpfs mount, which needs root (run it as root, or in CI)')
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).trim()) || 100

const disk = await mkdtemp(join(tmpdir(), 'junkmail-disk-full-'))
try {
  await run('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk])
} catch (error) {
  await rm(disk, {recursive: true, force: true})
  fail(`mount -t tmpfs failed: ${error.message.split('\n')[0]}`)
}
const dataDir = join(disk, 'data')
const filler = join(disk, 'filler')
const children = new Set()
let exitCode = 2
try {
  exitCode = await main()
} catch (error) {
  console.error(`disk-full: could not run: ${error.stack ?? error}`)
} finally {
  for (const child of children) child.kill('SIGKILL')
  await run('umount', ['-l', disk]).catch(() => {})
  await rm(disk, {recursive: true, force: true})
}
process.exit(exitCode)

async function main() {
  const busy = await measureCpuUse()
  const receiver = await startReceiver()
  let dev = await startDev()
  const {default: nodemailer} = await import('nodemailer')
  const smtp = nodemailer.createTransport({host: '127.0.0.1', port: dev.ready.smtpPort, secure: false, ignoreTLS: true, pool: false})
  console.log(`disk-full: junkmail dev on a 2 MiB tmpfs; one client, ${RATE} requests/s; the disk full for ${FULL_SECONDS} s; ${Math.round(busy * 100)}% of the CPUs busy before the start`)
  const hook = await call(dev, 'POST', '/api/v1/webhooks', {url: receiver.url, events: ['address.created']})
  if (hook.status !== 201) throw new Error(`could not register the receiver: ${hook.status}`)

  const answers = [] // {kind, key, ok, refused, status, phase}
  const live = [] // local parts of addresses answered 201 and not deleted (as the client knows)
  let n = 0
  let phase = 'before'
  let stopClient = false
  const client = (async () => {
    const interval = 1000 / RATE
    for (let next = Date.now(); !stopClient; next += interval) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())))
      const i = n++
      const record = (kind, key, answer) => answers.push({kind, key, phase, ...answer})
      switch (i % 6) {
        case 0: {
          const key = `http://127.0.0.1:9/hook/${i}`
          // (Subscribed to an event nothing here fires: the run is about the store, not about failing deliveries.)
          record('webhook', key, outcome((await call(dev, 'POST', '/api/v1/webhooks', {url: key, events: ['email.deleted']})).status, 201))
          break
        }
        case 1: {
          const key = `b${i}`
          const response = await call(dev, 'POST', '/api/v1/addresses', {localPart: key})
          const answer = outcome(response.status, 201)
          if (answer.ok) live.push({key, id: response.body.data.id})
          record('address', key, answer)
          break
        }
        case 2: {
          const target = live.length > 4 ? live.shift() : null
          if (!target) break
          const answer = outcome((await call(dev, 'DELETE', `/api/v1/addresses/${target.id}`)).status, 200)
          if (!answer.ok) live.unshift(target)
          record('delete', target.key, answer)
          break
        }
        case 3: {
          const key = `t${i}`
          record('trigger', key, outcome((await call(dev, 'POST', '/_emulator/v1/events', {event: 'address.created', set: {email: `${key}@junkmail.local`}})).status, 201))
          break
        }
        case 4: {
          const to = live.at(-1)
          if (!to) break
          const key = `mail-${i}`
          let status
          try {
            const info = await smtp.sendMail({from: 'bench@example.com', to: `${to.key}@junkmail.local`, subject: key, text: 'hello'})
            status = Number(info.response.slice(0, 3))
          } catch (error) {
            status = error.responseCode ?? -1
          }
          record('mail', key, {to: to.key, ...(status === 250 ? {ok: true, refused: false, status} : {ok: false, refused: status >= 400, status})})
          break
        }
        default:
          record('read', 'webhooks', outcome((await call(dev, 'GET', '/api/v1/webhooks')).status, 200))
      }
    }
  })()

  await sleep(5000)
  const before = await cpuMs(dev.child.pid)
  const fullStart = Date.now()
  phase = 'full'
  const filled = await fillDisk(filler)
  await sleep(FULL_SECONDS * 1000 - (Date.now() - fullStart))
  const fullCpu = (await cpuMs(dev.child.pid)) - before
  const fullMs = Date.now() - fullStart
  await rm(filler)
  const freedAt = Date.now()
  phase = 'after'
  const recovered = await dev.waitForLine((l) => l.type === 'store.recovered', 10_000).catch(() => null)
  const recoveredAfterMs = recovered ? Date.parse(recovered.time) - freedAt : null
  // For comparison: the same client with room on the disk.
  const afterStart = Date.now()
  const afterBefore = await cpuMs(dev.child.pid)
  await sleep(5000)
  const afterShare = ((await cpuMs(dev.child.pid)) - afterBefore) / (Date.now() - afterStart)
  stopClient = true
  await client
  smtp.close()
  const storeLines = dev.lines.filter((l) => l.type === 'store.error' || l.type === 'store.recovered')
  await dev.stop()

  dev = await startDev()
  const state = await readBack(dev)
  await sleep(500) // any delivery resumed at the restart
  await dev.stop()
  await receiver.close()

  // Check every answer against what the restarted emulator holds.
  const deletedOk = new Set(answers.filter((a) => a.kind === 'delete' && a.ok).map((a) => a.key))
  const present = (a) => {
    if (a.kind === 'webhook') return state.webhookUrls.has(a.key)
    if (a.kind === 'address') return state.localParts.has(a.key) || deletedOk.has(a.key)
    if (a.kind === 'delete') return !state.localParts.has(a.key)
    if (a.kind === 'trigger') return state.localParts.has(a.key)
    // (Deleting an address deletes its mail.)
    if (a.kind === 'mail') return state.subjects.has(a.key) || (a.ok && deletedOk.has(a.to))
    return true
  }
  const changes = answers.filter((a) => a.kind !== 'read')
  const successes = changes.filter((a) => a.ok)
  const refusals = changes.filter((a) => a.refused)
  const others = answers.filter((a) => !a.ok && !a.refused)
  const missing = successes.filter((a) => !present(a))
  // (A refused delete is retried later: only if no later one succeeded must its address be there.)
  const kept = refusals.filter((a) => present(a) && !(a.kind === 'delete' && deletedOk.has(a.key)))
  const reads = answers.filter((a) => a.kind === 'read')
  const badReads = reads.filter((a) => !a.ok)
  const deliveredAboutRefused = receiver.emails.filter((email) => !state.everCreated(email))
  const errors = storeLines.filter((l) => l.type === 'store.error')
  const recoveries = storeLines.filter((l) => l.type === 'store.recovered')
  const count = (p) => answers.filter((a) => a.phase === p)
  const describePhase = (p) => {
    const list = count(p)
    const refused = list.filter((a) => a.refused)
    const statuses = [...new Set(refused.map((a) => a.status))].sort().join('/')
    return `${list.length} requests: ${list.filter((a) => a.ok).length} succeeded, ${refused.length} refused${refused.length ? ` (${statuses})` : ''}${list.some((a) => !a.ok && !a.refused) ? `, ${list.filter((a) => !a.ok && !a.refused).length} without an answer` : ''}`
  }
  const fullShare = fullCpu / fullMs
  console.log('')
  console.log(`  before the disk filled (5 s):     ${describePhase('before')}`)
  console.log(`  disk full (${(fullMs / 1000).toFixed(1)} s, ${Math.round(filled / 1024)} KiB of zeros):`)
  console.log(`    emulator CPU                     ${pct(fullShare)} of one core (${fullCpu} ms)   target < ${pct(CPU_TARGET)}`)
  console.log(`    requests                         ${describePhase('full')}`)
  console.log(`  after the disk had room (5 s):     ${describePhase('after')}`)
  console.log(`    recovered                        ${recoveredAfterMs === null ? 'never reported' : `${recoveredAfterMs} ms after the filler was removed`}`)
  console.log(`    emulator CPU (last 5 s)          ${pct(afterShare)} of one core: the same client, with room`)
  console.log(`  store.error lines                  ${errors.length}   target 1${errors[0] ? `  (${errors[0].message})` : ''}`)
  console.log(`  store.recovered lines              ${recoveries.length}${recoveries[0] ? `  (after ${recoveries[0].failedForMs} ms, ${recoveries[0].rolledBackChanges} changes refused)` : ''}`)
  console.log(`  after a restart:`)
  console.log(`    successes checked                ${successes.length}, missing: ${missing.length}   target 0${missing.length ? ` (${missing.slice(0, 3).map((a) => `${a.kind} ${a.key}`).join(', ')})` : ''}`)
  console.log(`    refusals checked                 ${refusals.length}, there anyway: ${kept.length}   target 0${kept.length ? ` (${kept.slice(0, 3).map((a) => `${a.kind} ${a.key}`).join(', ')})` : ''}`)
  console.log(`  reads (GET /api/v1/webhooks)       ${reads.length}, not 200: ${badReads.length}   target 0`)
  console.log(`  deliveries of address.created      ${receiver.emails.length}, about a refused change: ${deliveredAboutRefused.length}   target 0`)
  if (others.length) console.log(`  no answer                          ${others.length} (${[...new Set(others.map((a) => a.kind))].join(', ')})`)
  const refusedOnlyAsUnavailable = refusals.every((a) => a.status === 503 || a.status === 451)
  console.log(`  refusals all 503 (API) or 451 (SMTP): ${refusedOnlyAsUnavailable ? 'yes' : 'no'}`)
  const met = refusedOnlyAsUnavailable && fullShare < CPU_TARGET && errors.length === 1 && missing.length === 0 && kept.length === 0 && badReads.length === 0 && deliveredAboutRefused.length === 0 && recoveries.length === 1
  if (refusals.length === 0) {
    console.log('\n  the store never refused a change: the disk never filled as planned')
    return 2
  }
  console.log(`\n  ${met ? 'every target met' : 'a target missed'}`)
  return others.length ? 2 : met ? 0 : 1
}

/** What the restarted emulator holds: webhook URLs, address local parts, mail subjects. */
async function readBack(dev) {
  const webhooks = (await call(dev, 'GET', '/api/v1/webhooks')).body.data
  const addresses = (await call(dev, 'GET', '/api/v1/addresses?limit=100000')).body.data
  const emails = (await call(dev, 'GET', '/api/v1/emails?limit=100000')).body.data
  const events = (await call(dev, 'GET', '/_emulator/v1/events?type=address.created&limit=100000')).body.data
  const created = new Set(events.map((e) => e.payload.data.email))
  return {
    webhookUrls: new Set(webhooks.map((w) => w.url)),
    localParts: new Set(addresses.map((a) => a.email.split('@')[0])),
    subjects: new Set(emails.map((e) => e.subject)),
    everCreated: (email) => created.has(email),
  }
}

/** Answered with success, or with an error (the change must then not have happened). */
function outcome(status, expected) {
  return {ok: status === expected, refused: status !== expected && status >= 400, status}
}

async function call(dev, method, path, body) {
  try {
    const response = await fetch(dev.ready.baseUrl + path, {
      method,
      headers: {authorization: `Bearer ${dev.ready.apiKey}`, ...(body ? {'content-type': 'application/json'} : {})},
      body: body ? JSON.stringify(body) : undefined,
    })
    const text = await response.text()
    return {status: response.status, body: text ? JSON.parse(text) : null}
  } catch {
    return {status: -1, body: null}
  }
}

/** Starts `junkmail dev --json` on the data dir; resolves at its ready line. */
async function startDev() {
  const child = spawn(process.execPath, [BIN, 'dev', '--json', '--port', '0', '--smtp-port', '0', '--data-dir', dataDir, '--address-lifetime', '2592000'], {
    env: {...process.env, NODE_ENV: undefined},
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  children.add(child)
  const exited = new Promise((resolve) => child.once('exit', (code) => (children.delete(child), resolve(code))))
  const lines = []
  const watchers = []
  createInterface({input: child.stdout}).on('line', (text) => {
    let line
    try {
      line = JSON.parse(text)
    } catch {
      line = {type: 'not-json', text}
    }
    lines.push(line)
    for (const w of [...watchers]) if (w.match(line)) (watchers.splice(watchers.indexOf(w), 1), w.resolve(line))
  })
  const waitForLine = (match, timeoutMs) =>
    lines.find(match)
      ? Promise.resolve(lines.find(match))
      : new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no such line in ${timeoutMs} ms`)), timeoutMs)
          watchers.push({match, resolve: (l) => (clearTimeout(timer), resolve(l))})
        })
  const ready = await Promise.race([waitForLine((l) => l.type === 'ready', 20_000), exited.then((code) => Promise.reject(new Error(`junkmail dev exited (${code}) before its ready line: ${lines.map((l) => JSON.stringify(l)).join(' ')}`)))])
  return {
    child,
    ready,
    lines,
    waitForLine,
    async stop() {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** A local endpoint that answers 200 and keeps the email named by each address.created it gets. */
async function startReceiver() {
  const emails = []
  const server = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      try {
        emails.push(JSON.parse(Buffer.concat(chunks).toString()).data.email)
      } catch {}
      res.end('ok')
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {url: `http://127.0.0.1:${server.address().port}/hook`, emails, close: () => new Promise((resolve) => server.close(resolve))}
}

/** CPU time (user + system) the process has used, in ms. */
async function cpuMs(pid) {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ')
  return Math.round(((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond)
}

/** Writes zeros to `file` until the disk is full; returns the bytes written. */
async function fillDisk(file) {
  const handle = await open(file, 'w')
  let written = 0
  try {
    for (let chunk = 64 * 1024; chunk >= 1; chunk = Math.floor(chunk / 2)) {
      const zeros = Buffer.alloc(chunk)
      for (;;) {
        try {
          written += (await handle.write(zeros)).bytesWritten
        } catch (error) {
          if (error.code !== 'ENOSPC') throw error
          break
        }
      }
    }
  } finally {
    await handle.close()
  }
  return written
}

function pct(share) {
  return `${(share * 100).toFixed(2)}%`
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))
}

function fail(message) {
  console.error(`disk-full: ${message}`)
  process.exit(2)
}
