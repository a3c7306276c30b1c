import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {createAddress} from '../src/emulator/address-operations.js'
import {ingestMessage} from '../src/emulator/mail-operations.js'
import {Store} from '../src/store/store.js'
import {startTestEmulator} from './support/emulator.js'
import {tempDir} from './support/temp-dir.js'

const child = (name: string, dataDir: string) => {
  // SIGTERM on timeout, so a hung child cannot pass for the SIGKILL it sends itself.
  const result = spawnSync(process.execPath, [fileURLToPath(new URL(`./support/${name}`, import.meta.url)), dataDir], {encoding: 'utf8', timeout: 20_000, killSignal: 'SIGTERM'})
  expect(result.signal, result.stderr).toBe('SIGKILL')
  return result.stdout
}

describe('store: write failures and races', () => {
  it('a full disk in the middle of an append: that commit is rejected, the next one is kept, and so are the changes of the failed one', async () => {
    const dataDir = await tempDir()
    expect(child('store-disk-full.mjs', dataDir)).toBe('A committed\nB rejected ENOSPC\nC committed\n')
    const store = await Store.open({dataDir})
    // C was reported committed; B's change was written with it once the disk had room again.
    expect(store.listWebhooks().map((w) => w.id).sort()).toEqual(['A', 'B', 'C'])
    await store.close()
  })

  it('a delivery that finishes while a compaction prunes its event does not come back after a kill', async () => {
    const dataDir = await tempDir()
    expect(JSON.parse(child('store-prune-race.mjs', dataDir))).toMatchObject({compactionDone: true, E1: false, D1: false})
    const store = await Store.open({dataDir, maxEvents: 1})
    expect(store.getDelivery('D1')).toBeUndefined()
    expect(store.getEvent('E1')).toBeUndefined()
    expect(store.counts().pruned).toEqual({events: 1, deliveries: 1, attempts: 0})
    await store.close()
  })

  it('an address deleted while its mail is being stored gets no email record, and the .eml goes too', async () => {
    const emulator = await startTestEmulator({dataDir: await tempDir()})
    const ctx = emulator.context
    const address = await createAddress(ctx, {source: 'api', quiet: true})
    // Large enough to be written through the thread pool (smaller ones are written at once).
    const raw = Buffer.from(`From: s@example.com\r\nSubject: hi\r\n\r\n${'body\r\n'.repeat(40_000)}`)
    const stored = ingestMessage(ctx, {chunks: [raw], mailFrom: 's@example.com', recipients: [address], authUser: null, remoteAddress: null, source: 'smtp', emit: false})
    // DELETE /addresses/:id arriving while the message is written.
    setImmediate(() => ctx.store.deleteAddress(address.id))
    expect(await stored).toEqual([])
    expect(ctx.store.listEmails()).toEqual([])
    expect(await ctx.mail.raw.list()).toEqual([])
  })
})
