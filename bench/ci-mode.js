// Issue 13's figures: what CI mode costs a test suite.
//
// (a) `junkmail exec -- true` from spawn to exit (start, ready, run, stop), against a bare
//     `node -e ""` spawned the same way, alternating, CI_RUNS (15) each after one warm-up:
//     targets under 1 s and under 3 times the bare Node.
// (b) startEmulator() + stop() in this process, in memory, free ports, CI_STARTS (30) times:
//     target under 150 ms (a fresh emulator per test).
// (c) clock advance 3h on a manual clock with CI_PENDING (1,000) deliveries pending, each to an
//     endpoint that always answers 500, so each walks the rest of JunkMail's 5-attempt schedule
//     (4 more attempts at 1, 5, 30 and 120 min): target under 2 s.
//
//   npm run build && node bench/ci-mode.js
//
// Exit status: 0 every target met, 1 one missed, 2 could not run.
import {spawn} from 'node:child_process'
import {createServer} from 'node:http'
import {fileURLToPath} from 'node:url'
import {fail, intEnv} from './bench-env.js'
import {measureCpuUse} from './cpu-use.js'

const RUNS = intEnv('CI_RUNS', 15)
const STARTS = intEnv('CI_STARTS', 30)
const PENDING = intEnv('CI_PENDING', 1000)
const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url))
const {startEmulator} = await import('../dist/src/index.js').catch(() => fail('dist/ is missing: npm run build first'))

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]

/** Spawn to exit of one command, ms. */
function timed(args) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, args, {stdio: ['ignore', 'ignore', 'pipe'], env: {...process.env, JUNKMAIL_API_URL: undefined, JUNKMAIL_PORT: undefined}})
    let stderr = ''
    child.stderr.on('data', (c) => (stderr += c))
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`${args.join(' ')} exited ${code}: ${stderr}`))))
  })
}

const busy = await measureCpuUse()
console.log(`CI mode: ${RUNS} runs of exec, ${STARTS} in-process starts, clock advance over ${PENDING} pending deliveries; ${Math.round(busy * 100)}% busy before the start`)
const results = []

// (a)
const exec = []
const bare = []
await timed([bin, 'exec', '--', 'true'])
await timed(['-e', ''])
for (let i = 0; i < RUNS; i++) {
  exec.push(await timed([bin, 'exec', '--', 'true']))
  bare.push(await timed(['-e', '']))
}
const ratio = median(exec) / median(bare)
console.log(`\n(a) junkmail exec -- true: median ${median(exec).toFixed(0)} ms (p90 ${quantile(exec, 0.9).toFixed(0)}); bare node -e "": median ${median(bare).toFixed(0)} ms → ${ratio.toFixed(1)}×`)
results.push(['exec -- true under 1 s', median(exec) < 1000, `${median(exec).toFixed(0)} ms`])
results.push(['exec -- true under 3× a bare node -e ""', ratio < 3, `${ratio.toFixed(1)}×`])

// (b)
const starts = []
for (let i = 0; i < STARTS + 1; i++) {
  const started = performance.now()
  const emulator = await startEmulator()
  await emulator.stop()
  if (i > 0) starts.push(performance.now() - started)
}
console.log(`(b) startEmulator() + stop(), in memory, free ports: median ${median(starts).toFixed(1)} ms (p90 ${quantile(starts, 0.9).toFixed(1)}, first after warm-up excluded)`)
results.push(['startEmulator() + stop() under 150 ms', median(starts) < 150, `${median(starts).toFixed(1)} ms`])

// (c)
const receiver = createServer((req, res) => {
  req.resume()
  req.on('end', () => res.writeHead(500).end('no'))
})
receiver.keepAliveTimeout = 60_000
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve))
const url = `http://127.0.0.1:${receiver.address().port}/hook`
const emulator = await startEmulator({clock: 'manual', smtpPort: false, disableAfterFailedDeliveries: null, maxEvents: 1_000_000})
await emulator.webhooks.create({url, events: ['email.received']})
let attempts = 0
emulator.events.on('attempt.finished', () => attempts++)
for (let i = 0; i < PENDING; i++) await emulator.trigger('email.received')
while (attempts < PENDING) await new Promise((resolve) => setTimeout(resolve, 10))
const pending = emulator.history.deliveries({status: 'pending', limit: PENDING + 1}).length
if (pending !== PENDING) fail(`${pending} deliveries pending after the first attempts, expected ${PENDING}`)
const started = performance.now()
await emulator.clock.advance('3h')
const took = performance.now() - started
const failed = emulator.history.deliveries({status: 'failed', limit: PENDING + 1}).length
await emulator.stop()
receiver.close()
if (failed !== PENDING || attempts !== PENDING * 5) fail(`after advance 3h: ${failed} failed deliveries and ${attempts} attempts, expected ${PENDING} and ${PENDING * 5}`)
console.log(`(c) clock advance 3h: ${PENDING} deliveries through 4 more attempts each (${PENDING * 4} attempts) to failed in ${took.toFixed(0)} ms`)
results.push([`clock advance 3h over ${PENDING} pending deliveries under 2 s`, took < 2000, `${took.toFixed(0)} ms`])

console.log('\ntargets')
for (const [name, ok, figure] of results) console.log(`  ${ok ? 'PASS' : 'MISS'}  ${name}  ${figure}`)
process.exit(results.every(([, ok]) => ok) ? 0 : 1)
