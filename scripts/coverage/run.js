// `npm run coverage` (after `npm run build`): runs the whole suite with V8 coverage in every
// process, the CLI children included, then prints the coverage of src/, commands/ and bin/ and
// writes the HTML report to coverage/. Arguments are passed to `vitest run` (e.g. a test file).
// Exits with vitest's code: the report is printed even when tests fail.
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {writeCoverageReport} from './write-report.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const reportDir = join(root, 'coverage')
const rawDir = mkdtempSync(join(tmpdir(), 'junkmail-coverage-'))
const preload = new URL('./child-preload.js', import.meta.url).href
const config = fileURLToPath(new URL('./vitest.config.ts', import.meta.url))

const vitest = spawn(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', config, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: {...process.env, NODE_V8_COVERAGE: rawDir, NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${preload}`].filter(Boolean).join(' ')},
})
let interrupted = null
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) process.on(signal, () => vitest.kill((interrupted = signal)))
const [code, signal] = await new Promise((resolve) => vitest.on('exit', (...exit) => resolve(exit)))

try {
  if (interrupted || signal) throw new Error(`Interrupted (${interrupted ?? signal}): no report`)
  const started = performance.now()
  rmSync(reportDir, {recursive: true, force: true})
  const report = await writeCoverageReport({root, rawDir, reportDir})
  const warn = (files, what) => files.length > 0 && console.warn(`${what}:\n  ${files.join('\n  ')}`)
  warn(report.notBuilt, 'Not counted (no compiled file in dist/: did npm run build fail?)')
  warn(report.leftOut, 'Partly counted (some process ran other code than these files now on disk, as when dist/ is rebuilt during the run: its coverage of them is left out)')
  warn(report.notCompiled, 'Not counted (a test ran these through vitest instead of dist/: see scripts/coverage/vitest.config.ts)')
  if (report.cutShort > 0) console.warn(`Not counted: ${report.cutShort} coverage file(s) cut short by a SIGKILL while being written (up to 100 ms of a process each)`)
  console.log(`\nHTML report: ${join('coverage', 'index.html')} (${Math.round(performance.now() - started)} ms)`)
  process.exitCode = code ?? 1
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
} finally {
  rmSync(rawDir, {recursive: true, force: true})
}
