// Child process of store-failures.test.ts: a delivery finishes while a compaction (which prunes
// under maxEvents: 1) is rotating the journal: exactly between the rename of db.journal to
// db.journal.1 and the opening of the fresh db.journal (fs/promises' open is wrapped to do it
// there), so before the compaction prunes. Then a SIGKILL once the compaction is over.
import fsp from 'node:fs/promises'
import {existsSync, readdirSync} from 'node:fs'
import {syncBuiltinESMExports} from 'node:module'
import {join} from 'node:path'

let onRotation = null
const realOpen = fsp.open
fsp.open = async function (file, flags, ...rest) {
  if (onRotation && String(file).endsWith('db.journal') && flags === 'a') {
    const run = onRotation
    onRotation = null
    run()
  }
  return realOpen.call(this, file, flags, ...rest)
}
syncBuiltinESMExports()
const {Store} = await import('../../dist/src/store/store.js')
const dataDir = process.argv[2]
const event = (id) => ({id, type: 'email.received', createdAt: 0, body: 'x'.repeat(2000), source: 'api'})
const delivery = (id, eventId) => ({id, eventId, webhookId: 'w', url: 'http://127.0.0.1/', status: 'pending', attemptCount: 0, nextAttemptAt: 0, createdAt: 0, completedAt: null, reason: null})
const store = await Store.open({dataDir, maxEvents: 1, compactMinBytes: 1})
const d1 = store.addDelivery(delivery('D1', 'E1'))
store.addEvent(event('E1'))
await store.commit()
store.addEvent(event('E2'))
store.addDelivery(delivery('D2', 'E2'))
const rotated = join(dataDir, 'db.journal.1')
let duringCompaction = null
let updated = null
onRotation = () => {
  store.updateDelivery(d1, {status: 'succeeded'})
  updated = store.commit()
  duringCompaction = existsSync(rotated)
}
await store.commit() // this flush appends, then starts a compaction
await updated
// The compaction is over once db.journal.1 is gone.
for (const deadline = Date.now() + 10_000; existsSync(rotated) && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 5))
console.log(JSON.stringify({duringCompaction, compactionDone: !existsSync(rotated), E1: !!store.getEvent('E1'), D1: store.getDelivery('D1')?.status ?? null, files: readdirSync(dataDir)}))
process.kill(process.pid, 'SIGKILL')
