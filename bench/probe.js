// Issue 14's figure: a full `junkmail probe` of a local endpoint that answers in 1 ms completes in
// under 2 s. The endpoint (in a child process, as an app would be) verifies the signature over the
// raw body and answers after 1 ms. PROBE_RUNS (10) probes through runProbe() (every check, every
// JunkMail event type), after one warm-up; the reference in the same run is as many signed POSTs,
// one after the other, as a probe sends, through the same HTTP client: what the checks cost beyond
// the requests themselves.
//
//   npm run build && node bench/probe.js
//
// Exit status: 0 the target is met, 1 missed, 2 could not run.
import {spawn} from 'node:child_process'
import {fail, intEnv} from './bench-env.js'

const RUNS = intEnv('PROBE_RUNS', 10)
const SECRET = 'whsec_bench_probe'
const [{runProbe}, {loadProvider}, {httpCall}] = await Promise.all([
  import('../dist/src/probe/run-probe.js'),
  import('../dist/src/providers/registry.js'),
  import('../dist/src/cli/http-call.js'),
]).catch(() => fail('dist/ is missing: npm run build first'))

const app = spawn(
  process.execPath,
  [
    '-e',
    `const {createHmac} = require('node:crypto')
     require('node:http').createServer((req, res) => {
       const c = []; req.on('data', (d) => c.push(d)); req.on('end', () => setTimeout(() => {
         const ok = req.headers['x-junkmail-signature'] === 'sha256=' + createHmac('sha256', ${JSON.stringify(SECRET)}).update(Buffer.concat(c)).digest('hex')
         res.writeHead(req.method !== 'POST' ? 405 : ok ? 200 : 401).end()
       }, 1))
     }).listen(0, '127.0.0.1', function () { console.log(this.address().port) })`,
  ],
  {stdio: ['ignore', 'pipe', 'inherit']},
)
const port = await new Promise((resolve) => app.stdout.once('data', (d) => resolve(Number(String(d).trim()))))
const url = `http://127.0.0.1:${port}/hook`
const provider = await loadProvider('junkmail')
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

const probes = []
const bare = []
let requests
const warm = await runProbe({url, secret: SECRET, provider})
if (!warm.ok) fail(`the endpoint should pass every MUST: ${JSON.stringify(warm.checks.filter((c) => c.verdict === 'fail'))}`)
// As many requests as a probe sends (two for duplicate and out-of-order, one for the rest; none for the deadline checks).
requests = warm.checks.reduce((n, c) => n + (c.id.startsWith('deadline') ? 0 : c.id === 'duplicate' || c.id === 'out-of-order' ? 2 : 1), 0)
const body = JSON.stringify(provider.envelope('email.received', provider.catalog[0].sample(Date.now()), Date.now()))
for (let i = 0; i < RUNS; i++) {
  let t = performance.now()
  const report = await runProbe({url, secret: SECRET, provider})
  probes.push(performance.now() - t)
  if (!report.ok) fail('a probe failed a MUST')
  t = performance.now()
  for (let r = 0; r < requests; r++) await httpCall(url, {method: 'POST', headers: provider.headers(body, SECRET, Date.now(), {sign: true}), body, timeoutMs: 10_000})
  bare.push(performance.now() - t)
}
app.kill()
const p = median(probes)
console.log(`probe of a 1 ms endpoint (${warm.checks.length} checks, ${requests} requests): median ${p.toFixed(0)} ms over ${RUNS} runs (min ${Math.min(...probes).toFixed(0)}, max ${Math.max(...probes).toFixed(0)})`)
console.log(`reference, the same number of signed POSTs one after the other: median ${median(bare).toFixed(0)} ms → probe/requests ${(p / median(bare)).toFixed(2)}×`)
console.log(`  ${p < 2000 ? 'PASS' : 'MISS'}  a full probe of a local 1 ms endpoint in under 2 s`)
process.exit(p < 2000 ? 0 : 1)
