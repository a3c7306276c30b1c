import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {Feed} from '../src/feed/feed.js'
import type {Happening} from '../src/feed/happening.js'
import {Store} from '../src/store/store.js'
import {startTestEmulator} from './support/emulator.js'
import {startReceiver} from './support/receiver.js'
import {webhookRecord} from './support/records.js'
import {tempDir} from './support/temp-dir.js'
import {deliveriesSettled, waitUntil} from './support/wait-until.js'

const notice = (message: string) => ({kind: 'notice' as const, code: 'test', message})

/** Every object and array inside `value` is frozen. */
function deeplyFrozen(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true
  return Object.isFrozen(value) && Object.values(value).every(deeplyFrozen)
}

describe('the feed', () => {
  it('numbers happenings from 1 in order, stamps them, and tells listeners synchronously', () => {
    const feed = new Feed()
    expect(feed.latestSeq).toBe(0)
    expect(feed.since(0)).toEqual({happenings: [], dropped: 0})
    const seen: Happening[] = []
    const stop = feed.subscribe((h) => seen.push(h))
    const first = feed.append(notice('one'))
    feed.append(notice('two'))
    expect(seen.map((h) => [h.seq, h.kind === 'notice' && h.message])).toEqual([[1, 'one'], [2, 'two']])
    expect(first).toEqual({seq: 1, time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), kind: 'notice', code: 'test', message: 'one'})
    expect(feed.since(1).happenings.map((h) => h.seq)).toEqual([2])
    expect(feed.since(2)).toEqual({happenings: [], dropped: 0})
    stop()
    feed.append(notice('three'))
    expect(seen).toHaveLength(2)
    expect(feed.subscribers).toBe(0)
  })

  it('keeps the newest `capacity` happenings: since() says how many after the seq asked for were dropped', () => {
    const feed = new Feed({capacity: 3})
    for (let i = 1; i <= 7; i++) feed.append(notice(`n${i}`))
    expect(feed.latestSeq).toBe(7)
    expect(feed.oldestSeq).toBe(5)
    expect(feed.since(0)).toMatchObject({dropped: 4})
    expect(feed.since(0).happenings.map((h) => h.seq)).toEqual([5, 6, 7])
    expect(feed.since(3)).toMatchObject({dropped: 1})
    expect(feed.since(4)).toMatchObject({dropped: 0})
    expect(feed.since(6).happenings.map((h) => h.seq)).toEqual([7])
    expect(feed.at(4)).toBeUndefined()
    expect(feed.at(5)?.seq).toBe(5)
    expect(feed.at(8)).toBeUndefined()
    expect(() => feed.since(8)).toThrow(RangeError)
    expect(() => feed.since(-1)).toThrow(RangeError)
    expect(() => new Feed({capacity: 0})).toThrow(RangeError)
  })

  it('appendLazy: the happening is made when first read (at once with a listener), once, stamped with the time it was appended', async () => {
    const feed = new Feed()
    let made = 0
    const make = () => (made++, notice('lazy'))
    feed.appendLazy(make)
    expect(made).toBe(0)
    expect(feed.latestSeq).toBe(1)
    const appendedAt = Date.now()
    await new Promise((resolve) => setTimeout(resolve, 20))
    const first = feed.at(1)!
    expect(made).toBe(1)
    expect(Date.parse(first.time)).toBeLessThanOrEqual(appendedAt)
    expect(feed.since(0).happenings[0]).toBe(first)
    expect(made).toBe(1)
    const seen: Happening[] = []
    feed.subscribe((h) => seen.push(h))
    feed.appendLazy(make)
    expect(made).toBe(2)
    expect(seen.map((h) => h.seq)).toEqual([2])
    expect(feed.at(2)).toBe(seen[0])
  })

  it('freezes a deep copy: what the caller keeps cannot change a happening', () => {
    const feed = new Feed()
    const webhook = {...webhookRecord('w1'), secret: undefined}
    const {secret: _secret, ...shown} = webhook
    const h = feed.append({kind: 'webhook.created', webhook: shown})
    shown.events.push('email.deleted')
    shown.url = 'http://changed'
    expect(h.kind === 'webhook.created' && h.webhook).toMatchObject({url: 'http://127.0.0.1:1/hook', events: ['email.received']})
    expect(deeplyFrozen(h)).toBe(true)
  })

  it('a listener that throws is removed and reported; the others and the appender go on', async () => {
    const feed = new Feed()
    const warnings: string[] = []
    const onWarning = (w: Error) => warnings.push(w.message)
    process.on('warning', onWarning)
    try {
      const seen: number[] = []
      feed.subscribe(() => {
        throw new Error('viewer bug')
      })
      feed.subscribe((h) => seen.push(h.seq))
      expect(() => feed.append(notice('a'))).not.toThrow()
      feed.append(notice('b'))
      expect(seen).toEqual([1, 2])
      expect(feed.subscribers).toBe(1)
      await waitUntil('the warning', () => (warnings.length > 0 ? true : undefined))
      expect(warnings[0]).toContain('viewer bug')
    } finally {
      process.off('warning', onWarning)
    }
  })
})

describe("the emulator's feed", () => {
  it('a trigger: event.created (deliveries pending), then attempt.finished (no request body); frozen, not changed by what happens next', async () => {
    const receiver = await startReceiver()
    const emulator = await startTestEmulator()
    const created = await emulator.api('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['email.received']}})
    const triggered = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.received', wait: true}})
    expect(triggered.status).toBe(201)
    await deliveriesSettled(emulator.api)
    const {happenings, dropped} = emulator.feed.since(0)
    expect(dropped).toBe(0)
    expect(happenings.map((h) => [h.seq, h.kind])).toEqual([[1, 'webhook.created'], [2, 'event.created'], [3, 'attempt.finished']])
    const [webhook, event, attempt] = happenings
    if (webhook.kind !== 'webhook.created' || event.kind !== 'event.created' || attempt.kind !== 'attempt.finished') throw new Error('kinds')
    expect(webhook.webhook).toEqual({...created.body.data, secret: undefined, enabled: true, failureCount: 0, disabledAt: null, disabledReason: null})
    expect(webhook.webhook).not.toHaveProperty('secret')
    expect(event.event).toEqual(triggered.body.data.event)
    expect(event.deliveries).toEqual([expect.objectContaining({id: triggered.body.data.deliveries[0].id, status: 'pending', attemptCount: 0})])
    expect(attempt.attempt).toMatchObject({number: 1, outcome: 'success', eventType: 'email.received', response: {status: 200}})
    expect(attempt.attempt.request.body).toBeNull()
    expect(attempt.attempt.request.headers['X-JunkMail-Signature']).toMatch(/^sha256=/)
    expect(attempt.delivery).toMatchObject({status: 'succeeded', attemptCount: 1})
    for (const h of happenings) expect(deeplyFrozen(h), h.kind).toBe(true)
    expect(Date.parse(attempt.time)).toBeGreaterThanOrEqual(Date.parse(event.time))
    await receiver.close()
  })

  it('delivery.cancelled when a webhook with pending deliveries is deleted (before webhook.deleted), or disabled after its last attempt failed', async () => {
    const receiver = await startReceiver(() => ({status: 500}))
    const emulator = await startTestEmulator({timeScale: 1})
    const hook = (await emulator.api('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['address.created']}})).body.data.id
    await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'address.created', wait: true}})
    // Failed once: pending, its next attempt a real minute away. Deleting the webhook cancels it.
    expect((await emulator.api('DELETE', `/api/v1/webhooks/${hook}`)).status).toBe(200)
    const kinds = () => emulator.feed.since(0).happenings.map((h) => h.kind)
    await waitUntil(() => `webhook.deleted (${kinds()})`, () => (kinds().includes('webhook.deleted') ? true : undefined))
    expect(kinds()).toEqual(['webhook.created', 'event.created', 'attempt.finished', 'delivery.cancelled', 'webhook.deleted'])
    const cancelled = emulator.feed.since(0).happenings[3]
    expect(cancelled.kind === 'delivery.cancelled' && cancelled.delivery).toMatchObject({webhookId: hook, status: 'cancelled', reason: 'webhook deleted', attemptCount: 1})

    // Disabled: 5 failed attempts of one delivery cancel the webhook's other pending one.
    const fast = await startTestEmulator({timeScale: 100_000})
    const other = (await fast.api('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['address.created']}})).body.data.id
    await fast.api('POST', '/_emulator/v1/events', {body: {event: 'address.created'}})
    await fast.api('POST', '/_emulator/v1/events', {body: {event: 'address.created'}})
    await deliveriesSettled(fast.api)
    const feedKinds = () => fast.feed.since(0).happenings.map((h) => h.kind)
    await waitUntil(() => `delivery.cancelled (${feedKinds()})`, () => (feedKinds().includes('delivery.cancelled') ? true : undefined))
    const list = fast.feed.since(0).happenings
    const disabled = list.findIndex((h) => h.kind === 'webhook.disabled')
    const cancelledToo = list.findIndex((h) => h.kind === 'delivery.cancelled')
    expect(disabled).toBeGreaterThan(0)
    expect(cancelledToo).toBeGreaterThan(disabled)
    expect(list[cancelledToo].kind === 'delivery.cancelled' && list[cancelledToo].delivery).toMatchObject({webhookId: other, reason: 'webhook disabled'})
    await receiver.close()
  })

  it('opens with the start notices and warnings: a torn journal line, a runtime file taken over, listening beyond loopback', async () => {
    const dataDir = await tempDir()
    await (await Store.open({dataDir})).close()
    const torn = '{"s":1,"ops":[{"c":"webhooks","r":{"id":"w'
    await writeFile(join(dataDir, 'db.journal'), torn)
    await writeFile(join(dataDir, 'runtime.json'), JSON.stringify({pid: 2 ** 22 + 12345, startedAt: '2026-01-01T00:00:00Z'}))
    const emulator = await startTestEmulator({dataDir, host: '0.0.0.0', apiKey: 'jm_test_not_the_default'})
    const {happenings} = emulator.feed.since(0)
    expect(happenings.map((h) => h.kind === 'notice' || h.kind === 'warning' ? [h.seq, h.kind, h.code] : h.kind)).toEqual([
      [1, 'warning', 'torn_journal_line'],
      [2, 'notice', 'runtime_file_taken_over'],
      [3, 'warning', 'listening_beyond_loopback'],
    ])
    expect(happenings[0]).toMatchObject({message: `dropped the torn last line 1 of ${join(dataDir, 'db.journal')} (${torn.length} bytes): a write cut short by a crash, never acknowledged; nothing committed was lost`})
    expect(happenings[1]).toMatchObject({message: emulator.notices[0]})
    expect(happenings[2]).toMatchObject({message: expect.stringContaining('listen on 0.0.0.0, beyond this machine')})
  })

  it('a run id per start; the ring bound is an option (feedCapacity)', async () => {
    const a = await startTestEmulator({feedCapacity: 2})
    const b = await startTestEmulator()
    expect(a.feed.runId).toMatch(/^[0-9a-f]{16}$/)
    expect(a.feed.runId).not.toBe(b.feed.runId)
    for (let i = 0; i < 3; i++) await a.api('POST', '/_emulator/v1/events', {body: {event: 'address.created'}})
    expect(a.feed.latestSeq).toBe(3)
    expect(a.feed.since(0)).toMatchObject({dropped: 1})
    await expect(startTestEmulator({feedCapacity: 0})).rejects.toThrow('feedCapacity must be a whole number above 0, got 0')
  })
})
