// Child process of store-kill.test.ts: opens a store with a tiny compaction threshold (so it
// compacts every few hundred milliseconds) and keeps adding deliveries and updating older ones.
// After each store.commit() it prints what that commit made durable:
//   "+<id>" a delivery added, "=<id> <attemptCount>" a delivery updated.
// With `--kill-in-compaction` it SIGKILLs itself in the middle of a compaction: once db.journal.1
// exists (the journal set aside while db.json is rewritten), it updates the deliveries it added
// last (their previous state is in db.journal.1, the update goes to the new db.journal), commits,
// and if db.journal.1 is still there, kills itself at once. Without the flag the parent kills it.
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {Store} from '../../dist/src/store/store.js'

const dataDir = process.argv[2]
const killInCompaction = process.argv.includes('--kill-in-compaction')
const rotated = join(dataDir, 'db.journal.1')
const store = await Store.open({dataDir, compactMinBytes: 16 * 1024})
const reason = 'r'.repeat(300)
const giveUpAt = Date.now() + 20_000
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
  if (killInCompaction && existsSync(rotated)) {
    const updates = []
    for (let k = n - 40; k < n; k++) {
      const recent = store.getDelivery(`${process.pid}-${k}`)
      store.updateDelivery(recent, {attemptCount: recent.attemptCount + 1})
      updates.push(`=${recent.id} ${recent.attemptCount}`)
    }
    await store.commit()
    // Writes to a pipe are synchronous on Linux: the parent gets these lines even after the kill.
    process.stdout.write(updates.join('\n') + '\n')
    if (existsSync(rotated)) {
      process.stdout.write('killed-in-compaction\n')
      process.kill(process.pid, 'SIGKILL')
    }
  }
  if (killInCompaction && Date.now() > giveUpAt) {
    process.stdout.write('no-compaction-caught\n')
    process.exit(3)
  }
  // About 20,000 changes a second: enough for many compactions, small enough files to stay quick.
  await new Promise((resolve) => setTimeout(resolve, 2))
}
