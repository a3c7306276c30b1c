// Builds of junkmail side by side under the same SMTP load: each a fresh `junkmail dev` with a
// persisted data dir and --forward-to the signature-checking receiver, 2,000 mails untimed, then
// 10,000 from Postfix's smtp-source (8 sessions, ~1 KB), counted until the last webhook arrived;
// the builds take turns, BENCH_ROUNDS (3) rounds, and the medians are printed. For before/after
// figures of a change (issue 15: the spool against the file per mail).
//
//   git worktree add /tmp/before <commit> && ln -s "$PWD/node_modules" /tmp/before/node_modules
//   (cd /tmp/before && npm run build) && npm run build
//   node bench/smtp-builds.js /tmp/before .
//
// Prints rate and CPU per mail (emulator process, all threads) for each run and the medians.
// Exit status: 0 printed, 2 could not run (no smtp-source: see bench/README.md).
import {fork, spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const builds = process.argv.slice(2).map((dir) => resolve(dir))
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const MAILS = Number(process.env.BENCH_MAILS ?? 10_000)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2_000)
const source = [process.env.SMTP_SOURCE, '/tmp/postfix-x/usr/sbin/smtp-source'].find((p) => p && existsSync(p))
if (builds.length === 0 || !source) {
  console.error(builds.length === 0 ? 'usage: node bench/smtp-builds.js <build dir> [<build dir>…]' : 'smtp-source not found (see bench/README.md)')
  process.exit(2)
}
const sourceEnv = {...process.env, LD_LIBRARY_PATH: join(dirname(source), '..', 'lib', 'postfix')}
const now = () => performance.timeOrigin + performance.now()
const cpuMs = (pid) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const receiver = fork(join(here, 'mail-webhook-receiver.js'), {stdio: ['ignore', 'inherit', 'inherit', 'ipc']})
const {url} = await new Promise((r) => receiver.once('message', r))
/** Arms the receiver for `count` webhooks; resolves to a function awaiting them. */
const expectWebhooks = (count, secret) =>
  new Promise((resolve) => {
    receiver.once('message', () => {
      const got = new Promise((done) => receiver.once('message', done))
      resolve(() => got)
    })
    receiver.send({type: 'expect', count, secret})
  })
const smtpSource = (port, count) =>
  new Promise((resolve, reject) => {
    const args = ['-s', '8', '-m', String(count), '-l', '1000', '-d', '-f', 'bench@example.com', '-t', 'bench@junkmail.local', '-M', 'bench.local', `127.0.0.1:${port}`]
    spawn(source, args, {env: sourceEnv, stdio: 'inherit'}).on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`smtp-source exited ${code}`))))
  })

async function run(build) {
  const dataDir = mkdtempSync(join(tmpdir(), 'junkmail-bench-builds-'))
  const args = [join(build, 'bin', 'run.js'), 'dev', '--json', '--port', '0', '--smtp-port', '0', '--data-dir', dataDir, '--forward-to', url, '--events', 'email.received', '--address-lifetime', '2592000']
  const emulator = spawn(process.execPath, args, {stdio: ['ignore', 'pipe', 'inherit']})
  const ready = await new Promise((resolve, reject) => {
    let text = ''
    const onData = (chunk) => {
      text += chunk
      const nl = text.indexOf('\n')
      if (nl < 0) return
      emulator.stdout.off('data', onData)
      emulator.stdout.on('data', () => {})
      resolve(JSON.parse(text.slice(0, nl)))
    }
    emulator.stdout.on('data', onData)
    emulator.once('exit', (code) => reject(new Error(`${build}: junkmail dev exited ${code}`)))
  })
  const secret = ready.forwardTo.secret
  let arrived = await expectWebhooks(WARMUP, secret)
  await smtpSource(ready.smtpPort, WARMUP)
  await arrived()
  arrived = await expectWebhooks(MAILS, secret)
  const cpu0 = cpuMs(emulator.pid)
  const t0 = now()
  await smtpSource(ready.smtpPort, MAILS)
  const got = await arrived()
  const result = {rate: MAILS / ((Math.max(now(), got.times.at(-1)) - t0) / 1000), cpu: (cpuMs(emulator.pid) - cpu0) / MAILS}
  if (got.badSignatures > 0) throw new Error(`${build}: ${got.badSignatures} webhooks failed the signature check`)
  await new Promise((r) => (emulator.once('exit', r), emulator.kill('SIGTERM')))
  rmSync(dataDir, {recursive: true, force: true})
  return result
}

try {
  const results = new Map(builds.map((b) => [b, []]))
  for (let round = 1; round <= ROUNDS; round++) {
    for (const build of builds) {
      const r = await run(build)
      results.get(build).push(r)
      console.log(`round ${round}  ${build}: ${Math.round(r.rate).toLocaleString('en-US')} mails/s, ${r.cpu.toFixed(3)} ms CPU per mail`)
    }
  }
  console.log(`\nmedians of ${ROUNDS} rounds (${MAILS.toLocaleString('en-US')} mails after ${WARMUP.toLocaleString('en-US')}, smtp-source, signed webhooks delivered):`)
  for (const [build, runs] of results) {
    console.log(`  ${build}: ${Math.round(median(runs.map((r) => r.rate))).toLocaleString('en-US')} mails/s, ${median(runs.map((r) => r.cpu)).toFixed(3)} ms CPU per mail`)
  }
} catch (error) {
  console.error(error)
  process.exitCode = 2
} finally {
  receiver.kill()
}
