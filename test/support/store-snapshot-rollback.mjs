// Child process of store-failures.test.ts: a change is made while db.json is being written at close
// (so the snapshot holds it), and its journal line then fails (ENOSPC, as on a full disk): it is
// rolled back, so the snapshot holding it must not replace db.json. fs.writeSync (the journal's
// appends) and fs/promises' open (to act just as the snapshot's temp file is opened) are wrapped.
// Prints what commit() said and what the store reported.
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import {syncBuiltinESMExports} from 'node:module'

let failWrites = false
const writeSync = fs.writeSync
fs.writeSync = function (...args) {
  if (failWrites) throw Object.assign(new Error('ENOSPC: no space left on device, write'), {code: 'ENOSPC'})
  return writeSync.apply(fs, args)
}
let onSnapshot = null
const realOpen = fsp.open
fsp.open = async function (file, ...rest) {
  if (onSnapshot && String(file).endsWith('.db.json.tmp')) {
    const run = onSnapshot
    onSnapshot = null
    run()
  }
  return realOpen.call(this, file, ...rest)
}
syncBuiltinESMExports()
const {Store} = await import('../../dist/src/store/store.js')
const webhook = (id) => ({id, url: 'http://127.0.0.1/', events: [], secret: 's', createdAt: '', enabled: true, failureCount: 0, disabledAt: null, disabledReason: null})
const store = await Store.open({dataDir: process.argv[2]})
store.addWebhook(webhook('W1'))
await store.commit()
let w2 = null
onSnapshot = () => {
  failWrites = true
  store.addWebhook(webhook('W2'))
  w2 = store.commit().then(() => 'committed', (e) => `rejected ${e.code}`)
}
await store.close()
console.log(JSON.stringify({W2: await w2, lastError: store.lastError?.message ?? null, W2held: !!store.getWebhook('W2')}))
