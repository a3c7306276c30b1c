// Child process of store-failures.test.ts. Makes the journal's writes fail as a full disk does
// (half of a line written, then ENOSPC) around commit B, then commits C and SIGKILLs itself.
// Prints what each commit() said.
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
const store = await Store.open({dataDir})
const commit = (name) => store.commit().then(() => console.log(`${name} committed`), (e) => console.log(`${name} rejected ${e.code}`))
store.addWebhook(webhook('A'))
await commit('A')
mode = 1
store.addWebhook(webhook('B'))
await commit('B')
store.addWebhook(webhook('C'))
await commit('C')
process.kill(process.pid, 'SIGKILL')
