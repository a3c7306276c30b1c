import {spawnSync} from 'node:child_process'
import {readdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {createAddress} from '../src/emulator/address-operations.js'
import {ingestMessage} from '../src/emulator/mail-operations.js'
import {readStoreFiles, Store} from '../src/store/store.js'
import {startTestEmulator} from './support/emulator.js'
import {tempDir} from './support/temp-dir.js'

const child = (name: string, dataDir: string) => {
  // SIGTERM on timeout, so a hung child cannot pass for the SIGKILL it sends itself.
  const result = spawnSync(process.execPath, [fileURLToPath(new URL(`./support/${name}`, import.meta.url)), dataDir], {encoding: 'utf8', timeout: 20_000, killSignal: 'SIGTERM'})
  expect(result.signal, result.stderr).toBe('SIGKILL')
  return result.stdout
}

describe('store: write failures and races', () => {
  it('a full disk in the middle of an append: every caller of that group commit is rejected and all of its changes are rolled back, in memory and on disk; the next commit is kept', async () => {
    const dataDir = await tempDir()
    const out = JSON.parse(child('store-disk-full.mjs', dataDir))
    expect(out.commits).toEqual({A: 'committed', B1: 'rejected ENOSPC', B2: 'rejected ENOSPC', C: 'committed'})
    expect(out.events).toEqual(['failed ENOSPC', 'recovered (13 rolled back)'])
    expect(out.writeErrorAfterB).toBe('ENOSPC')
    // C's line worked, but a short line that fits is not a recovery yet: the probe (a page or more) says it.
    expect(out.writeErrorAfterC).toBe('ENOSPC')
    expect(out.recoveredWithinMs).toBe(true)
    expect(out.writeErrorAfterProbe).toBeNull()
    // Right after B failed, the store is as it was before B: the same objects, put back in place.
    expect(out.afterB).toEqual({
      webhooks: ['A', 'X', 'Y'],
      A: {failureCount: 0, enabled: true, same: true},
      D1: {status: 'pending', attemptCount: 0, hasExtra: false},
      deliveriesForE1: ['D1'],
      attemptsForD1: [],
      attemptT1: null,
      addresses: ['Q'],
      findQ: 'Q',
      findR: null,
      emailsOfQ: ['M'],
      emails: ['M'],
      // A resource replaced, updated, deleted or added in B: as before, in place, by kind.
      resourcesA: ['R1:1', 'R2:1'],
      resourcesB: ['R3:1'],
      R4: null,
    })
    // And so is what a restart reads (the half-written line was cut off: the journal replays cleanly).
    for (const state of [await readStoreFiles(dataDir)]) {
      expect([...state.webhooks.keys()]).toEqual(['A', 'X', 'Y', 'C'])
      expect(state.webhooks.get('A')).toMatchObject({failureCount: 0, enabled: true})
    }
    const store = await Store.open({dataDir})
    expect(store.listWebhooks().map((w) => w.id)).toEqual(['A', 'X', 'Y', 'C'])
    expect(store.getWebhook('A')).toMatchObject({failureCount: 0, enabled: true})
    expect(store.getDelivery('D1')).toMatchObject({status: 'pending', attemptCount: 0})
    expect(store.getDelivery('D2')).toBeUndefined()
    expect(store.getAttempt('T1')).toBeUndefined()
    expect(store.listAddresses().map((a) => a.id)).toEqual(['Q'])
    expect(store.listEmails({addressId: 'Q'}).map((e) => e.id)).toEqual(['M'])
    expect(store.listResources<{id: string; kind: string; v: number}>('k.a').map((r) => `${r.id}:${r.v}`)).toEqual(['R1:1', 'R2:1'])
    expect(store.resourceCounts()).toEqual({'k.a': 2, 'k.b': 1})
    await store.close()
  })

  it("a provider's resources: a replaced one keeps its place in its kind's listing; a kind is not another's; all of it replays after a restart", async () => {
    const dataDir = await tempDir()
    const store = await Store.open({dataDir})
    store.putResource({id: 'a1', kind: 'x.inbox', n: 1})
    store.putResource({id: 'a2', kind: 'x.inbox', n: 1})
    store.putResource({id: 'm1', kind: 'x.message', n: 1})
    store.putResource({id: 'a1', kind: 'x.inbox', n: 2})
    store.updateResource(store.getResource<{id: string; kind: string; n: number}>('x.inbox', 'a2')!, {n: 3})
    expect(store.getResource('x.message', 'a1')).toBeUndefined()
    await store.commit()
    const listed = (s: Store) => [...s.listResources<{id: string; kind: string; n: number}>('x.inbox').map((r) => `${r.id}:${r.n}`), ...s.listResources<{id: string; kind: string; n: number}>('x.message').map((r) => `${r.id}:${r.n}`)]
    expect(listed(store)).toEqual(['a1:2', 'a2:3', 'm1:1'])
    store.deleteResource('m1')
    await store.commit()
    await store.close()
    const again = await Store.open({dataDir})
    expect(listed(again)).toEqual(['a1:2', 'a2:3'])
    expect(again.resourceCounts()).toEqual({'x.inbox': 2})
    await again.close()
  })

  it('a delivery that finishes while a compaction rotates the journal: its event is not pruned before the finish is written (it could still be rolled back); after a kill, a restart prunes them and they do not come back', async () => {
    const dataDir = await tempDir()
    expect(JSON.parse(child('store-prune-race.mjs', dataDir))).toMatchObject({duringCompaction: true, compactionDone: true, E1: true, D1: 'succeeded'})
    const store = await Store.open({dataDir, maxEvents: 1})
    expect(store.getDelivery('D1')).toBeUndefined()
    expect(store.getEvent('E1')).toBeUndefined()
    expect(store.counts().pruned).toEqual({events: 1, deliveries: 1, attempts: 0})
    await store.close()
  })

  it('a change made while db.json is being written, whose journal line then fails, is not kept by that snapshot: it is thrown away, and a restart does not see the change', async () => {
    const dataDir = await tempDir()
    const result = spawnSync(process.execPath, [fileURLToPath(new URL('./support/store-snapshot-rollback.mjs', import.meta.url)), dataDir], {encoding: 'utf8', timeout: 20_000})
    expect(result.status, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({W2: 'rejected ENOSPC', lastError: 'ENOSPC: no space left on device, write', W2held: false})
    // The snapshot was thrown away (its temp file too): db.json is the one written at open, W1 is in the journal.
    expect((await readdir(dataDir)).sort()).toEqual(['db.journal', 'db.json'])
    expect(JSON.parse(await readFile(join(dataDir, 'db.json'), 'utf8')).webhooks).toEqual([])
    const store = await Store.open({dataDir})
    expect(store.listWebhooks().map((w) => w.id)).toEqual(['W1'])
    await store.close()
  })

  it('room for one journal line: a delete, an expiry, a trigger that makes an address are each one line, kept whole and answered with success (they were two lines: the first kept, the second refused, and the client told it failed)', async () => {
    const dataDir = await tempDir()
    const result = spawnSync(process.execPath, [fileURLToPath(new URL('./support/store-room-for-one-line.mjs', import.meta.url)), dataDir], {encoding: 'utf8', timeout: 20_000})
    expect(result.status, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual([
      {operation: 'DELETE /api/v1/addresses/:id', status: 200, address: false, email: false, event: 1, onDisk: false},
      {operation: 'DELETE /api/v1/emails/:id', status: 200, email: false, event: 1, onDisk: false},
      {operation: 'POST /_emulator/v1/addresses/:id/expire', status: 200, expired: true, event: 1, onDisk: 'expired'},
      {operation: 'trigger address.created', status: 201, addresses: ['active'], onDisk: ['active'], events: ['address.created']},
      {operation: 'trigger address.expired', status: 201, addresses: ['expired'], onDisk: ['expired'], events: ['address.expired']},
      {operation: 'trigger address.deleted', status: 201, addresses: [], onDisk: [], events: ['address.deleted']},
    ])
  })

  it('an address deleted while its mail is being stored gets no email record, and not a byte of it is kept', async () => {
    const emulator = await startTestEmulator({dataDir: await tempDir()})
    const ctx = emulator.context
    const address = await createAddress(ctx, {source: 'api', quiet: true})
    const raw = Buffer.from(`From: s@example.com\r\nSubject: hi\r\n\r\n${'body\r\n'.repeat(40_000)}`)
    const stored = ingestMessage(ctx, {chunks: [raw], mailFrom: 's@example.com', recipients: [address], authUser: null, remoteAddress: null, source: 'smtp', emit: false})
    // DELETE /addresses/:id arriving while the message is being stored (ingestMessage waits on its parse).
    ctx.store.deleteAddress(address.id)
    expect(await stored).toEqual([])
    expect(ctx.store.listEmails()).toEqual([])
    expect(ctx.mail.raw.stats()).toMatchObject({bytes: 0, liveBytes: 0})
    await emulator.stop()
  })
})
