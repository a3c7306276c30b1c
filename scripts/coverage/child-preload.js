// Preloaded (NODE_OPTIONS --import) into every process of `npm run coverage`: vitest, its
// workers, and every child a test starts (scripts/coverage/run.js sets it up).
import {sep} from 'node:path'
import {fileURLToPath} from 'node:url'
import {takeCoverage} from 'node:v8'

const root = fileURLToPath(new URL('../..', import.meta.url))

// A process killed by SIGKILL never writes its NODE_V8_COVERAGE file. Children that SIGKILL
// themselves (test/support/store-*.mjs) write it just before.
const kill = process.kill
process.kill = function (pid, signal) {
  if ((pid === process.pid || pid === 0) && (signal === 'SIGKILL' || signal === 9)) takeCoverage()
  return kill.call(this, pid, signal)
}

// Children a test ends with SIGKILL (the crash tests, and test/support/dev-process.ts after each
// test) cannot write it either: junkmail's own processes (bin/run.js, test/support/*.mjs, not
// vitest) write it every 100 ms, so only their last 100 ms or less go uncounted.
const main = process.argv[1] ?? ''
if (main.startsWith(root) && !main.includes(`${sep}node_modules${sep}`)) setInterval(takeCoverage, 100).unref()

// With NODE_ENV test or development inherited (a test that spawns the CLI without clearing it),
// oclif loads dist/ through tsx, and V8 then runs tsx's output of each file, not the file on
// disk the report maps. Load dist/ as Node does for users.
globalThis.oclif = {...globalThis.oclif, enableAutoTranspile: false}
