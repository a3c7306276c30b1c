// How long the CLI takes from spawn to exit, for the two commands people run most often:
// `junkmail --help` and `junkmail webhooks list` against a running emulator.
//
//   npx tsc -p . && node bench/cli-startup.js
//
// The emulator is `node bin/run.js dev --port 0 --in-memory --no-smtp --json` in a child process
// (its ready line gives the URL), with three webhooks registered; `webhooks list` gets --api-url
// and --api-key so it needs no runtime file. Each command runs once to warm the disk cache, then
// BENCH_RUNS times; the target is on the median. Then, to show where the time goes, it times
// `node -e ''`, importing @oclif/core, importing every compiled command (what oclif does to list
// commands when there is no oclif.manifest.json), and one GET to the emulator's health route with
// the global fetch and with node:http, each in a fresh process.
//
// Environment (all optional):
//   BENCH_RUNS=10      timed runs of each command
//   BENCH_JSON=1       also print the figures as one JSON line at the end
//   BENCH_REFERENCE=DIR another built checkout of junkmail (e.g. a worktree of an older commit, with
//                      its own node_modules or a symlink to this one's): each command is also timed
//                      with DIR/bin/run.js, runs alternating with this checkout's, and the ratio
//                      (this / reference, medians) is printed. Against the commit before a change,
//                      this shows whether it made the CLI slower.
//
// Exit status: 0 every target met, 1 a target missed, 2 the benchmark could not run properly.
import {spawn} from 'node:child_process'
import {readdir} from 'node:fs/promises'
import {availableParallelism} from 'node:os'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'
import {measureCpuUse} from './cpu-use.js'

const TARGET_MS = 300
const RUNS = Number(process.env.BENCH_RUNS ?? 10)
if (!Number.isInteger(RUNS) || RUNS < 1) fail(`BENCH_RUNS must be a whole number >= 1, not ${process.env.BENCH_RUNS}`)

const root = fileURLToPath(new URL('..', import.meta.url))
const bin = join(root, 'bin', 'run.js')
const reference = process.env.BENCH_REFERENCE ? {root: process.env.BENCH_REFERENCE, bin: join(process.env.BENCH_REFERENCE, 'bin', 'run.js')} : null
const commandsDir = join(root, 'dist', 'commands')
try {
  await readdir(commandsDir)
} catch {
  fail('dist/commands is missing; build first: npx tsc -p .')
}

let exitCode = 2
const emulator = await startEmulator()
try {
  const busy = await measureCpuUse()
  console.log(`junkmail CLI startup: spawn to exit, 1 warm-up + ${RUNS} runs each, ${availableParallelism()} CPUs, ${Math.round(busy * 100)}% busy before the start`)
  if (busy > 0.1) console.log('  note: something else is using the CPU; figures will be higher than on an idle machine')
  console.log(`  emulator: ${emulator.apiUrl} (junkmail dev --in-memory, 3 webhooks)\n`)

  for (let i = 1; i <= 3; i++) {
    await run(['webhooks', 'create', '--url', `http://127.0.0.1:9/hook-${i}`, '--events', 'email.received', ...emulator.flags], {check: 'webhook'})
  }

  const commands = [
    {name: 'junkmail --help', args: ['--help'], check: 'USAGE'},
    {name: 'junkmail webhooks list', args: ['webhooks', 'list', ...emulator.flags], check: 'http://127.0.0.1:9/hook-3'},
  ]
  const results = []
  if (reference) console.log(`reference: ${reference.root} (runs alternate with this checkout's)`)
  for (const command of commands) {
    await run(command.args, command)
    if (reference) await run(command.args, command, reference)
    const times = []
    const referenceTimes = []
    for (let i = 0; i < RUNS; i++) {
      times.push(await run(command.args, command))
      if (reference) referenceTimes.push(await run(command.args, command, reference))
    }
    const stats = summarize(times)
    const line = `${command.name.padEnd(24)} median ${ms(stats.median)}  min ${ms(stats.min)}  max ${ms(stats.max)}`
    if (reference) {
      const ref = summarize(referenceTimes)
      stats.reference = ref.median
      console.log(`${line}\n${'  reference'.padEnd(24)} median ${ms(ref.median)}  min ${ms(ref.min)}  max ${ms(ref.max)}  → ratio ${(stats.median / ref.median).toFixed(2)}`)
    } else console.log(line)
    results.push({...command, ...stats})
  }

  console.log('\nwhere the time goes (fresh process each, median of 5):')
  const breakdown = await explain(emulator.baseUrl)
  for (const [label, value] of breakdown.lines) console.log(`  ${label.padEnd(54)} ${value}`)

  console.log('\ntargets (median)')
  for (const r of results) console.log(`  ${r.median < TARGET_MS ? 'PASS' : 'FAIL'}  ${`${r.name} < ${TARGET_MS} ms`.padEnd(36)} ${ms(r.median)} (max ${ms(r.max)})`)
  if (process.env.BENCH_JSON) {
    const figures = Object.fromEntries(results.map((r) => [r.args[0] === '--help' ? 'help' : 'webhooksList', {median: round(r.median), max: round(r.max), ...(reference ? {reference: round(r.reference)} : {})}]))
    console.log(JSON.stringify({runs: RUNS, cpuBusyBefore: Number(busy.toFixed(2)), ...figures, breakdown: breakdown.figures}))
  }
  exitCode = results.every((r) => r.median < TARGET_MS) ? 0 : 1
} catch (error) {
  console.error(`\nbenchmark error: ${error instanceof Error ? error.message : error}`)
} finally {
  emulator.stop()
}
process.exit(exitCode)

/** Runs `node bin/run.js ...args` and returns its wall time in ms; throws unless it exits 0 and prints `check`. */
async function run(args, {check}, checkout = {root, bin}) {
  const started = performance.now()
  const {code, stdout, stderr} = await spawnNode([checkout.bin, ...args], checkout.root)
  const elapsed = performance.now() - started
  if (code !== 0 || !stdout.includes(check)) {
    throw new Error(`junkmail ${args.join(' ')} exited ${code}${stdout.includes(check) ? '' : ` without printing "${check}"`}\n${stderr || stdout}`)
  }
  return elapsed
}

/** Spawns node with `args`, collects its output, resolves at exit (the moment a shell would return). */
function spawnNode(args, cwd = root) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {cwd, stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, NO_COLOR: '1'}})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, stdout, stderr}))
  })
}

/** Times node alone, @oclif/core, every compiled command module, and one GET by fetch and by node:http, each in a fresh process. */
async function explain(baseUrl) {
  const probe = async (script) => {
    const samples = []
    let last = null
    for (let i = 0; i < 6; i++) {
      const started = performance.now()
      const {code, stdout, stderr} = await spawnNode(['--input-type=module', '-e', script])
      const elapsed = performance.now() - started
      if (code !== 0) throw new Error(`probe failed: ${stderr}`)
      if (i > 0) samples.push(elapsed)
      last = stdout.trim() ? JSON.parse(stdout) : null
    }
    return {wall: summarize(samples).median, last}
  }
  const oclifUrl = new URL('node_modules/@oclif/core/lib/index.js', `file://${root}/`).href
  const nodeAlone = await probe('')
  const oclif = await probe(`
    import {createRequire} from 'node:module'
    const t = performance.now()
    await import(${JSON.stringify(oclifUrl)})
    const ms = performance.now() - t
    const cjs = Object.keys(createRequire(import.meta.url).cache).length
    console.log(JSON.stringify({ms, cjs}))`)
  const commands = await probe(`
    import {readdirSync} from 'node:fs'
    import {join} from 'node:path'
    import {pathToFileURL} from 'node:url'
    const walk = (d) => readdirSync(d, {withFileTypes: true}).flatMap((e) => e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.js') ? [join(d, e.name)] : [])
    const files = walk(${JSON.stringify(commandsDir)})
    await import(${JSON.stringify(oclifUrl)})
    const t = performance.now()
    for (const f of files) await import(pathToFileURL(f).href)
    console.log(JSON.stringify({ms: performance.now() - t, files: files.length}))`)
  const health = JSON.stringify(`${baseUrl}/_emulator/v1/health`)
  const byFetch = await probe(`const r = await fetch(${health}); await r.text()`)
  const byHttp = await probe(`
    import http from 'node:http'
    await new Promise((resolve, reject) => http.get(${health}, (r) => r.resume().on('end', resolve)).on('error', reject))`)
  const manifest = await readdir(root).then((names) => names.includes('oclif.manifest.json'))
  return {
    lines: [
      ['node -e "" (Node itself)', `${ms(nodeAlone.wall)} wall`],
      [`import @oclif/core (${oclif.last.cjs} CommonJS modules)`, `${ms(oclif.last.ms)} in-process, ${ms(oclif.wall)} wall`],
      [`import all ${commands.last.files} compiled commands (after oclif)`, `${ms(commands.last.ms)} in-process`],
      ['oclif.manifest.json', manifest ? 'present: help reads it instead of importing commands' : 'absent: help and command lookup import every command'],
      ['one GET with the global fetch (undici, llhttp in WASM)', `${ms(byFetch.wall)} wall, ${ms(byFetch.wall - nodeAlone.wall)} over node alone`],
      ['one GET with node:http', `${ms(byHttp.wall)} wall, ${ms(byHttp.wall - nodeAlone.wall)} over node alone`],
    ],
    figures: {
      node: round(nodeAlone.wall),
      oclifImport: round(oclif.last.ms),
      oclifCjsModules: oclif.last.cjs,
      commandsImport: round(commands.last.ms),
      commandFiles: commands.last.files,
      manifest,
      fetchGet: round(byFetch.wall),
      httpGet: round(byHttp.wall),
    },
  }
}

/** Starts `junkmail dev` in memory on a free port and waits for its NDJSON ready line. */
async function startEmulator() {
  const child = spawn(process.execPath, [bin, 'dev', '--port', '0', '--in-memory', '--no-smtp', '--json'], {cwd: root, stdio: ['ignore', 'pipe', 'inherit']})
  const lines = createInterface({input: child.stdout})
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('junkmail dev printed no ready line within 15 s')), 15_000)
    child.on('exit', (code) => reject(new Error(`junkmail dev exited (${code}) before it was ready`)))
    lines.once('line', (line) => {
      clearTimeout(timer)
      try {
        resolve(JSON.parse(line))
      } catch {
        reject(new Error(`junkmail dev: first line is not JSON: ${line}`))
      }
    })
  }).catch((error) => {
    child.kill()
    fail(error.message)
  })
  if (ready.type !== 'ready' || !ready.apiUrl) {
    child.kill()
    fail(`junkmail dev: unexpected ready line ${JSON.stringify(ready)}`)
  }
  lines.on('line', () => {}) // keep draining the NDJSON stream
  const baseUrl = ready.baseUrl ?? ready.apiUrl.replace(/\/api\/v1\/?$/, '')
  return {apiUrl: ready.apiUrl, baseUrl, flags: ['--api-url', ready.apiUrl, '--api-key', ready.apiKey], stop: () => child.kill('SIGTERM')}
}

function summarize(times) {
  const sorted = [...times].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  return {median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length}
}

function ms(value) {
  return `${Math.round(value)} ms`
}

function round(value) {
  return Math.round(value)
}

function fail(message) {
  console.error(message)
  process.exit(2)
}
