// Child process of store-failures.test.ts: a delivery finishes while a compaction (which prunes
// its event under maxEvents: 1) is rotating the journal; then a SIGKILL.
import {existsSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
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
const rotating = store.commit() // this flush appends, then starts a compaction
let updated = null
// Runs right after the flush that appends and then starts the compaction has yielded (awaiting the
// journal's rename): the update is queued while that flush is still in progress, before the prune.
setImmediate(() => {
  store.updateDelivery(d1, {status: 'succeeded'})
  updated = store.commit()
})
await rotating
await updated
// The compaction is over once db.journal.1 is gone.
for (const deadline = Date.now() + 10_000; existsSync(rotated) && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 5))
console.log(JSON.stringify({compactionDone: !existsSync(rotated), E1: !!store.getEvent('E1'), D1: !!store.getDelivery('D1'), files: readdirSync(dataDir)}))
process.kill(process.pid, 'SIGKILL')
