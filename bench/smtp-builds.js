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
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {cpuMs, expectWebhooks, findSmtpSource, forkReady, smtpSource, startDev} from './smtp-load.js'

const builds = process.argv.slice(2).map((dir) => resolve(dir))
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const MAILS = Number(process.env.BENCH_MAILS ?? 10_000)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2_000)
const tool = findSmtpSource()
if (builds.length === 0 || !tool) {
  console.error(builds.length === 0 ? 'usage: node bench/smtp-builds.js <build dir> [<build dir>…]' : 'smtp-source not found (see bench/README.md)')
  process.exit(2)
}
const now = () => performance.timeOrigin + performance.now()
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const children = []
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')))
const receiver = await forkReady('mail-webhook-receiver.js', {}, children)

async function run(build) {
  const dataDir = mkdtempSync(join(tmpdir(), 'junkmail-bench-builds-'))
  const emulator = await startDev(join(build, 'bin', 'run.js'), receiver.url, dataDir, children)
  let arrived = await expectWebhooks(receiver, WARMUP, emulator.secret)
  await smtpSource(tool, emulator.port, WARMUP)
  await arrived()
  arrived = await expectWebhooks(receiver, MAILS, emulator.secret)
  const cpu0 = cpuMs(emulator.child.pid)
  const t0 = now()
  await smtpSource(tool, emulator.port, MAILS)
  const got = await arrived()
  const result = {rate: MAILS / ((Math.max(now(), got.times.at(-1)) - t0) / 1000), cpu: (cpuMs(emulator.child.pid) - cpu0) / MAILS}
  if (got.badSignatures > 0) throw new Error(`${build}: ${got.badSignatures} webhooks failed the signature check`)
  await emulator.stop()
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
  receiver.child.kill()
}
