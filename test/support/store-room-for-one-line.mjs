// Child process of store-failures.test.ts: an emulator whose journal takes exactly one more line and
// then fails with ENOSPC (fs.writeSync wrapped), as a disk with room for one short line does. Each
// operation runs with that one line of room; its answer is then checked against the store: answered
// with success, everything it does is there; refused, nothing of it is. Prints one JSON line per
// operation: its status and what the store holds afterwards (then, as a restart reads it).
import fs from 'node:fs'
import {syncBuiltinESMExports} from 'node:module'

let room = null // lines the journal still takes; null: no limit
const writeSync = fs.writeSync
fs.writeSync = function (...args) {
  if (room === 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'})
  if (room !== null) room--
  return writeSync.apply(fs, args)
}
syncBuiltinESMExports()
const {startEmulator} = await import('../../dist/src/emulator/start-emulator.js')
const {readStoreFiles} = await import('../../dist/src/store/store.js')
const dataDir = process.argv[2]
const emulator = await startEmulator({port: 0, smtpPort: false, dataDir})
const store = emulator.context.store
const call = async (method, path, body) => {
  const response = await fetch(emulator.url + path, {
    method,
    headers: {authorization: `Bearer ${emulator.apiKey}`, ...(body ? {'content-type': 'application/json'} : {})},
    body: body ? JSON.stringify(body) : undefined,
  })
  return {status: response.status, body: await response.json()}
}
/** An address with one mail, written with room to spare. */
const addressWithMail = async (localPart) => {
  const address = (await call('POST', '/api/v1/addresses', {localPart})).body.data
  await call('POST', '/_emulator/v1/events', {event: 'email.received', set: {addressId: address.id}})
  return {address, email: store.listEmails({addressId: address.id})[0]}
}
const eventsOf = (type, field, value, events) => [...events.values()].filter((e) => e.type === type && JSON.parse(e.body).data[field] === value).length
const withOneLine = async (operation) => {
  // (A build without whenWritable retried failed lines at once: they are written by now.)
  await (store.whenWritable ? store.whenWritable() : new Promise((resolve) => setTimeout(resolve, 100)))
  room = 1
  const answer = await operation()
  room = null
  return answer.status
}

const results = []
{
  const {address, email} = await addressWithMail('to-delete')
  const status = await withOneLine(() => call('DELETE', `/api/v1/addresses/${address.id}`))
  const files = await readStoreFiles(dataDir)
  results.push({operation: 'DELETE /api/v1/addresses/:id', status, address: !!store.getAddress(address.id), email: !!store.getEmail(email.id), event: eventsOf('address.deleted', 'addressId', address.id, files.events), onDisk: files.addresses.has(address.id)})
}
{
  const {email} = await addressWithMail('mail-to-delete')
  const status = await withOneLine(() => call('DELETE', `/api/v1/emails/${email.id}`))
  const files = await readStoreFiles(dataDir)
  results.push({operation: 'DELETE /api/v1/emails/:id', status, email: !!store.getEmail(email.id), event: eventsOf('email.deleted', 'emailId', email.id, files.events), onDisk: files.emails.has(email.id)})
}
{
  const address = (await call('POST', '/api/v1/addresses', {localPart: 'to-expire'})).body.data
  const status = await withOneLine(() => call('POST', `/_emulator/v1/addresses/${address.id}/expire`))
  const files = await readStoreFiles(dataDir)
  results.push({operation: 'POST /_emulator/v1/addresses/:id/expire', status, expired: store.getAddress(address.id).status === 'expired', event: eventsOf('address.expired', 'addressId', address.id, files.events), onDisk: files.addresses.get(address.id).status})
}
for (const [event, set] of [['address.created', {email: 'triggered@junkmail.local'}], ['address.expired', {}], ['address.deleted', {}]]) {
  const before = new Set(store.listAddresses().map((a) => a.id))
  const eventsBefore = new Set(store.listEvents().map((e) => e.id))
  const status = await withOneLine(() => call('POST', '/_emulator/v1/events', {event, set}))
  const files = await readStoreFiles(dataDir)
  results.push({
    operation: `trigger ${event}`,
    status,
    addresses: store.listAddresses().filter((a) => !before.has(a.id)).map((a) => a.status),
    onDisk: [...files.addresses.values()].filter((a) => !before.has(a.id)).map((a) => a.status),
    events: [...files.events.values()].filter((e) => !eventsBefore.has(e.id)).map((e) => e.type),
  })
}
await emulator.stop()
console.log(JSON.stringify(results))
