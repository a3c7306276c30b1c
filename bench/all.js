// Runs every benchmark in turn (each prints its own figures) and exits with the worst status:
// 0 every target met, 1 a target missed, 2 a benchmark could not run.
import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

const benches = ['dispatch-throughput.js', 'dispatch-fairness.js', 'cli-startup.js', 'smtp-ingest.js']
let worst = 0
for (const name of benches) {
  const file = fileURLToPath(new URL(name, import.meta.url))
  console.log(`\n── ${name} ${'─'.repeat(Math.max(0, 60 - name.length))}`)
  const {status} = spawnSync(process.execPath, [file], {stdio: 'inherit'})
  worst = Math.max(worst, status ?? 2)
}
process.exit(worst)
