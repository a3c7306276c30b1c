// Child process of store-failures.test.ts. Makes the journal's writes fail as a full disk does
// (half of a line written, then ENOSPC) for one group commit, B: two callers whose changes share its
// line (an add, an update, deletes, a delivery and an attempt in the indexes, an address with its
// mail). Then commits C, waits for the store to report that it writes again, and SIGKILLs itself.
// Prints one JSON line: what each commit() said, and what the store held right after B failed.
import fs from 'node:fs'
import {syncBuiltinESMExports} from 'node:module'

const dataDir = process.argv[2]
let mode = 0
const writeSync = fs.writeSync
fs.writeSync = function (fd, buffer, offset, ...rest) {
  if (mode === 1) {
    mode = 2
    return writeSync.call(fs, fd, buffer, offset, Math.floor((buffer.length - offset) / 2))
  }
  if (mode === 2) {
    mode = 0
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'})
  }
  return writeSync.call(fs, fd, buffer, offset, ...rest)
}
syncBuiltinESMExports()
const {Store} = await import('../../dist/src/store/store.js')
const webhook = (id) => ({id, url: 'http://127.0.0.1/', events: [], secret: 's', createdAt: '', enabled: true, failureCount: 0, disabledAt: null, disabledReason: null})
const delivery = (id) => ({id, eventId: 'E1', webhookId: 'A', url: 'http://127.0.0.1/', status: 'pending', attemptCount: 0, nextAttemptAt: 0, createdAt: 0, completedAt: null, reason: null})
const address = (id, email) => ({id, email, createdAt: '', expiresAt: '', expiresAtMs: 0, status: 'active', expiredAt: null, lifetimeSeconds: 60, source: 'api'})
const email = (id, addressId) => ({id, addressId, to: 'q@junkmail.local', messageId: null, from: 'f@example.com', subject: 's', receivedAt: '', size: 1, rawFile: `mail/${id}.eml`, envelope: {mailFrom: '', rcptTo: [], authUser: null, remoteAddress: null}, parseError: null})

const store = await Store.open({dataDir})
const out = {commits: {}, events: []}
store.on('failed', (error) => out.events.push(`failed ${error.code}`))
store.on('recovered', ({rolledBackChanges}) => out.events.push(`recovered (${rolledBackChanges} rolled back)`))
const commit = (name) => store.commit().then(() => (out.commits[name] = 'committed'), (e) => (out.commits[name] = `rejected ${e.code}`))

const A = store.addWebhook(webhook('A'))
store.addWebhook(webhook('X'))
store.addWebhook(webhook('Y'))
store.addEvent({id: 'E1', type: 'email.received', createdAt: 0, body: '{}', source: 'api'})
const D1 = store.addDelivery(delivery('D1'))
store.addAddress(address('Q', 'q@junkmail.local'))
store.addEmail(email('M', 'Q'))
// A provider's resources (the generic collection), two kinds.
store.putResource({id: 'R1', kind: 'k.a', v: 1})
const R2 = store.putResource({id: 'R2', kind: 'k.a', v: 1})
store.putResource({id: 'R3', kind: 'k.b', v: 1})
await commit('A')

mode = 1
// Group B: two callers, one line.
store.addWebhook(webhook('B'))
store.updateWebhook(A, {failureCount: 7, enabled: false})
store.deleteWebhook('X')
store.addDelivery(delivery('D2'))
store.addAttempt({id: 'T1', deliveryId: 'D1', eventId: 'E1', webhookId: 'A', number: 1, outcome: 'success'})
store.updateDelivery(D1, {status: 'succeeded', attemptCount: 1, extra: 'added field'})
const b1 = commit('B1')
store.deleteAddress('Q')
store.addAddress(address('R', 'r@junkmail.local'))
store.putResource({id: 'R1', kind: 'k.a', v: 2})
store.updateResource(R2, {v: 9})
store.deleteResource('R3')
store.putResource({id: 'R4', kind: 'k.a', v: 1})
const b2 = commit('B2')
await Promise.all([b1, b2])
out.writeErrorAfterB = store.writeError?.code ?? null
out.afterB = {
  webhooks: store.listWebhooks().map((w) => w.id),
  A: {failureCount: A.failureCount, enabled: A.enabled, same: store.getWebhook('A') === A},
  D1: {status: D1.status, attemptCount: D1.attemptCount, hasExtra: 'extra' in D1},
  deliveriesForE1: store.deliveriesForEvent('E1').map((d) => d.id),
  attemptsForD1: store.attemptsForDelivery('D1').map((a) => a.id),
  attemptT1: store.getAttempt('T1') ?? null,
  addresses: store.listAddresses().map((a) => a.id),
  findQ: store.findAddress('q@junkmail.local')?.id ?? null,
  findR: store.findAddress('r@junkmail.local')?.id ?? null,
  emailsOfQ: store.listEmails({addressId: 'Q'}).map((e) => e.id),
  emails: store.listEmails().map((e) => e.id),
  resourcesA: store.listResources('k.a').map((r) => `${r.id}:${r.v}`),
  resourcesB: store.listResources('k.b').map((r) => `${r.id}:${r.v}`),
  R4: store.getResource('k.a', 'R4') ?? null,
}

store.addWebhook(webhook('C'))
await commit('C')
out.writeErrorAfterC = store.writeError?.code ?? null
// Recovery is the probe's to say (within 50 ms here).
const started = Date.now()
await store.whenWritable()
out.recoveredWithinMs = Date.now() - started < 1000
out.writeErrorAfterProbe = store.writeError?.code ?? null
console.log(JSON.stringify(out))
process.kill(process.pid, 'SIGKILL')
