// Child process of store-kill.test.ts: opens a store with a tiny compaction threshold (so it
// compacts every few hundred milliseconds) and keeps adding deliveries and updating older ones.
// After each store.commit() it prints what that commit made durable:
//   "+<id>" a delivery added, "=<id> <attemptCount>" a delivery updated.
import {Store} from '../../dist/src/store/store.js'

const dataDir = process.argv[2]
const store = await Store.open({dataDir, compactMinBytes: 16 * 1024})
const reason = 'r'.repeat(300)
let n = 0
process.stdout.write('ready\n')
for (;;) {
  const lines = []
  for (let i = 0; i < 40; i++) {
    const id = `${process.pid}-${n++}`
    store.addDelivery({id, eventId: 'e', webhookId: 'w', url: 'http://127.0.0.1/', status: 'pending', attemptCount: 0, nextAttemptAt: 0, createdAt: Date.now(), completedAt: null, reason})
    lines.push(`+${id}`)
    // Update a delivery written a while ago (most likely already in a snapshot by now).
    if (n > 200) {
      const old = store.getDelivery(`${process.pid}-${n - 200}`)
      store.updateDelivery(old, {attemptCount: old.attemptCount + 1})
      lines.push(`=${old.id} ${old.attemptCount}`)
    }
  }
  await store.commit()
  process.stdout.write(lines.join('\n') + '\n')
  // About 20,000 changes a second: enough for many compactions, small enough files to stay quick.
  await new Promise((resolve) => setTimeout(resolve, 2))
}
