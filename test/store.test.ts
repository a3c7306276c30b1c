import {readdir, readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {Store} from '../src/store/store.js'
import {startTestEmulator} from './support/emulator.js'
import {startReceiver} from './support/receiver.js'
import {webhookRecord} from './support/records.js'
import {tempDir} from './support/temp-dir.js'

const webhook = webhookRecord

describe('store', () => {
  it('persists to <data dir>/db.json (with db.journal between snapshots) and reads it back after a reopen', async () => {
    const dataDir = await tempDir()
    const store = await Store.open({dataDir})
    store.addWebhook(webhook('w1'))
    store.addEvent({id: 'e1', type: 'email.received', createdAt: 1, body: '{"event":"email.received"}', source: 'trigger'})
    await store.commit()
    await store.close()
    expect((await readdir(dataDir)).sort()).toEqual(['db.journal', 'db.json'])
    // A clean close folds the journal into db.json.
    expect(await readFile(join(dataDir, 'db.journal'), 'utf8')).toBe('')
    const text = await readFile(join(dataDir, 'db.json'), 'utf8')
    expect(JSON.parse(text).webhooks[0].id).toBe('w1')

    const reopened = await Store.open({dataDir})
    expect(reopened.getWebhook('w1')).toMatchObject({url: 'http://127.0.0.1:1/hook'})
    expect(reopened.getEvent('e1')?.body).toBe('{"event":"email.received"}')
    await reopened.close()
  })

  it('changes reach the journal at commit, and a reopen without a clean close (a kill) replays them', async () => {
    const dataDir = await tempDir()
    const store = await Store.open({dataDir})
    const w = store.addWebhook(webhook('w1'))
    store.addWebhook(webhook('w2'))
    await store.commit()
    store.updateWebhook(w, {failureCount: 3})
    store.deleteWebhook('w2')
    await store.commit()
    // No close(): as after kill -9. db.json is still the empty snapshot; the journal has the changes.
    expect(JSON.parse(await readFile(join(dataDir, 'db.json'), 'utf8')).webhooks).toEqual([])
    const journal = await readFile(join(dataDir, 'db.journal'), 'utf8')
    expect(journal.trim().split('\n')).toHaveLength(2)
    // A torn last line (a kill in the middle of an append) is ignored.
    const {appendFile} = await import('node:fs/promises')
    await appendFile(join(dataDir, 'db.journal'), '{"s":99,"ops":[{"c":"webhooks","r":{"id":"w3"')
    const reopened = await Store.open({dataDir})
    expect(reopened.listWebhooks().map((x) => [x.id, x.failureCount])).toEqual([['w1', 3]])
    // Opening folds everything into db.json and empties the journal.
    expect(JSON.parse(await readFile(join(dataDir, 'db.json'), 'utf8')).webhooks).toHaveLength(1)
    expect(await readFile(join(dataDir, 'db.journal'), 'utf8')).toBe('')
    await reopened.close()
  })

  it('at start, db.journal.1 (older) is replayed before db.journal (newer): the newer change of a record wins, in Store.open and readStoreFiles alike', async () => {
    const {writeFile} = await import('node:fs/promises')
    const {readStoreFiles} = await import('../src/store/store.js')
    const dataDir = await tempDir()
    const store = await Store.open({dataDir})
    store.addWebhook(webhook('w1'))
    await store.close()
    const seq: number = JSON.parse(await readFile(join(dataDir, 'db.json'), 'utf8')).journalSeq
    const line = (s: number, ops: object[]) => `${JSON.stringify({s, ops})}\n`
    const w = (changes: object) => ({c: 'webhooks', r: {...webhook('w1'), ...changes}})
    // As a kill in the middle of a compaction leaves them: db.journal.1 holds the batches before
    // the rotation, db.journal those after. The same record changes in both.
    await writeFile(join(dataDir, 'db.journal.1'), line(seq + 1, [w({failureCount: 1}), {c: 'webhooks', r: webhook('w2')}]) + line(seq + 2, [w({failureCount: 2})]))
    await writeFile(join(dataDir, 'db.journal'), line(seq + 3, [w({failureCount: 3, enabled: false})]) + line(seq + 4, [{c: 'webhooks', d: 'w2'}]))
    const files = await readStoreFiles(dataDir)
    expect([...files.webhooks.values()].map((x) => [x.id, x.failureCount, x.enabled])).toEqual([['w1', 3, false]])
    const reopened = await Store.open({dataDir})
    expect(reopened.listWebhooks().map((x) => [x.id, x.failureCount, x.enabled])).toEqual([['w1', 3, false]])
    // The next batch numbers go on from the newest one replayed.
    reopened.updateWebhook(reopened.getWebhook('w1')!, {failureCount: 4})
    await reopened.commit()
    expect(JSON.parse((await readFile(join(dataDir, 'db.journal'), 'utf8')).trim()).s).toBe(seq + 5)
    await reopened.close()
    expect(JSON.parse(await readFile(join(dataDir, 'db.json'), 'utf8')).webhooks).toMatchObject([{id: 'w1', failureCount: 4, enabled: false}])
  })

  it('an update to a record is persisted (the per-record serialisation cache is invalidated)', async () => {
    const dataDir = await tempDir()
    const store = await Store.open({dataDir})
    const w = store.addWebhook(webhook('w1'))
    await store.commit()
    store.updateWebhook(w, {enabled: false, failureCount: 5})
    await store.commit()
    await store.close()
    const db = JSON.parse(await readFile(join(dataDir, 'db.json'), 'utf8'))
    expect(db.webhooks[0]).toMatchObject({enabled: false, failureCount: 5})
  })

  it('the history cap prunes the oldest finished events, counts what it pruned, and status shows it', async () => {
    const receiver = await startReceiver()
    const emulator = await startTestEmulator({maxEvents: 3})
    await emulator.api('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['email.received']}})
    const ids: string[] = []
    for (let i = 0; i < 6; i++) {
      const {body} = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.received', wait: true}})
      ids.push(body.data.event.id)
    }
    await emulator.context.store.commit()
    await emulator.context.store.commit()
    const {body: status} = await emulator.api('GET', '/_emulator/v1/status')
    expect(status.data.counts).toMatchObject({events: 3, deliveries: 3, attempts: 3, pruned: {events: 3, deliveries: 3, attempts: 3}})
    const {body: events} = await emulator.api('GET', '/_emulator/v1/events')
    expect(events.data.map((e: any) => e.id)).toEqual(ids.slice(3).reverse())
    await receiver.close()
  })

  it('an event with a pending delivery is never pruned', async () => {
    const receiver = await startReceiver(() => ({status: 500}))
    const emulator = await startTestEmulator({maxEvents: 1, timeScale: 1})
    await emulator.api('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['email.received']}})
    for (let i = 0; i < 3; i++) await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.received', wait: true}})
    await emulator.context.store.commit()
    const {body: status} = await emulator.api('GET', '/_emulator/v1/status')
    expect(status.data.counts).toMatchObject({events: 3, pendingDeliveries: 3, pruned: {events: 0}})
    await receiver.close()
  })
  it('compacts in the background; when writing db.json fails, again and again, a kill loses nothing', async () => {
    const {mkdir, rm} = await import('node:fs/promises')
    const dataDir = await tempDir()
    const store = await Store.open({dataDir, compactMinBytes: 4096})
    const reason = 'x'.repeat(200)
    const addSome = async (from: number, n: number) => {
      for (let i = from; i < from + n; i++) {
        store.addDelivery({id: `d${i}`, eventId: 'e', webhookId: 'w', url: 'http://127.0.0.1/', status: 'pending', attemptCount: 0, nextAttemptAt: 0, createdAt: i, completedAt: null, reason})
        await store.commit()
      }
    }
    const waitFor = async (what: string, test: () => Promise<boolean> | boolean) => {
      for (let i = 0; i < 200 && !(await test()); i++) await new Promise((r) => setTimeout(r, 10))
      expect(await test(), what).toBe(true)
    }
    // Block the snapshot's temp file: a directory in its place makes the write fail (as a full disk would).
    await mkdir(join(dataDir, '.db.json.tmp'))
    await addSome(0, 100)
    await waitFor('the failed compaction is reported', () => store.lastError !== null)
    const firstFailure = store.lastError
    expect(await readdir(dataDir)).toContain('db.journal.1')
    // More changes while db.json still cannot be written: the next compaction fails too, and must
    // not rotate over db.journal.1, whose changes db.json lacks.
    await addSome(100, 100)
    await waitFor('a second compaction to have failed', () => store.lastError !== null && store.lastError !== firstFailure)
    expect(await readdir(dataDir)).toContain('db.journal.1')
    await store.commit()
    await rm(join(dataDir, '.db.json.tmp'), {recursive: true})
    // Reopened as after a kill (no close): every delivery is there.
    const reopened = await Store.open({dataDir})
    expect(reopened.counts().deliveries).toBe(200)
    await reopened.close()
  })
})
