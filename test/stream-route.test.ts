import {describe, expect, it} from 'vitest'
import type {SseMessage} from '../src/ui/sources/sse-parser.js'
import {startTestEmulator} from './support/emulator.js'
import {openStream} from './support/sse-stream.js'
import {waitUntil} from './support/wait-until.js'

const hello = (m: SseMessage) => m.event === 'hello'
const happenings = (messages: SseMessage[]) => messages.filter((m) => m.event === 'message').map((m) => JSON.parse(m.data))
const trigger = (emulator: Awaited<ReturnType<typeof startTestEmulator>>) => emulator.api('POST', '/_emulator/v1/events', {body: {event: 'address.created'}})

describe('GET /_emulator/v1/stream', () => {
  it('needs a full-access key (401 without, 403 for a narrower one) and an allowed Host and Origin', async () => {
    const emulator = await startTestEmulator()
    const none = await openStream(emulator.url, {key: null})
    expect(none.status).toBe(401)
    expect(JSON.parse(none.body()).error).toMatchObject({code: 'unauthorized', field: 'Authorization'})
    const narrow = await emulator.api('POST', '/_emulator/v1/api-keys', {body: {scopes: ['webhooks:manage', 'addresses:manage', 'emails:read', 'emails:manage']}})
    const forbidden = await openStream(emulator.url, {key: narrow.body.data.key})
    expect(forbidden.status).toBe(403)
    expect(JSON.parse(forbidden.body()).error).toMatchObject({code: 'forbidden', field: 'Authorization'})
    expect((await openStream(emulator.url, {headers: {host: 'evil.example'}})).status).toBe(403)
    expect((await openStream(emulator.url, {headers: {origin: 'http://evil.example'}})).status).toBe(403)
    expect(emulator.context.feed.subscribers).toBe(0)
  })

  it('says hello, then streams each happening as it comes: id <runId>:<seq>, the happening as JSON', async () => {
    const emulator = await startTestEmulator({dataDir: null})
    await trigger(emulator)
    const stream = await openStream(emulator.url)
    expect(stream.status).toBe(200)
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    expect(stream.headers['cache-control']).toBe('no-store')
    const {runId} = emulator.feed
    const first = await stream.waitFor(hello)
    // No resume point: from now on (what happened before the connect is not replayed).
    expect(JSON.parse(first.data)).toEqual({runId, latestSeq: 1, after: 1, fresh: true, dropped: 0, heartbeatMs: 15_000})
    expect(first.id).toBe(`${runId}:1`)
    await trigger(emulator)
    await trigger(emulator)
    await stream.waitFor((m) => m.id === `${runId}:3`)
    expect(stream.messages.slice(1).map((m) => m.id)).toEqual([`${runId}:2`, `${runId}:3`])
    expect(happenings(stream.messages)).toEqual(emulator.feed.since(1).happenings)
  })

  it('resumes after ?since=<seq> or Last-Event-ID (which wins: it is what a reconnecting client sends); a malformed or future one is a 400', async () => {
    const emulator = await startTestEmulator()
    for (let i = 0; i < 4; i++) await trigger(emulator)
    const {runId} = emulator.feed
    const since = await openStream(emulator.url, {query: '?since=2'})
    await since.waitFor((m) => m.id === `${runId}:4`)
    expect(JSON.parse(since.messages[0].data)).toMatchObject({after: 2, fresh: false, dropped: 0})
    expect(happenings(since.messages).map((h) => h.seq)).toEqual([3, 4])

    const resumed = await openStream(emulator.url, {query: '?since=0', headers: {'last-event-id': `${runId}:3`}})
    await resumed.waitFor((m) => m.id === `${runId}:4`)
    expect(JSON.parse(resumed.messages[0].data)).toMatchObject({after: 3, fresh: false})
    expect(happenings(resumed.messages).map((h) => h.seq)).toEqual([4])
    await trigger(emulator)
    await resumed.waitFor((m) => m.id === `${runId}:5`)

    for (const [query, headers, field] of [
      ['?since=abc', {}, 'since'],
      ['?since=9', {}, 'since'],
      ['', {'last-event-id': `${runId}:99`}, 'Last-Event-ID'],
      ['', {'last-event-id': 'not an id'}, 'Last-Event-ID'],
    ] as const) {
      const refused = await openStream(emulator.url, {query, headers})
      expect(refused.status, `${query} ${JSON.stringify(headers)}`).toBe(400)
      expect(JSON.parse(refused.body()).error).toMatchObject({code: 'validation_error', field})
    }
  })

  it('a resume point of another run (the emulator restarted) is fresh: this run is replayed from its start', async () => {
    const before = await startTestEmulator()
    await trigger(before)
    const oldId = `${before.feed.runId}:1`
    await before.stop()
    const emulator = await startTestEmulator()
    await trigger(emulator)
    await trigger(emulator)
    const stream = await openStream(emulator.url, {headers: {'last-event-id': oldId}})
    await stream.waitFor((m) => m.id === `${emulator.feed.runId}:2`)
    expect(JSON.parse(stream.messages[0].data)).toMatchObject({runId: emulator.feed.runId, after: 0, fresh: true, dropped: 0})
    expect(happenings(stream.messages).map((h) => h.seq)).toEqual([1, 2])
  })

  it('says how many happenings the ring dropped after the resume point, and goes on from the oldest it holds', async () => {
    const emulator = await startTestEmulator({feedCapacity: 3})
    for (let i = 0; i < 5; i++) await trigger(emulator)
    const stream = await openStream(emulator.url, {query: '?since=0'})
    await stream.waitFor((m) => m.id?.endsWith(':5') ?? false)
    expect(JSON.parse(stream.messages[0].data)).toMatchObject({after: 2, dropped: 2, fresh: false})
    expect(stream.messages[0].id).toBe(`${emulator.feed.runId}:2`)
    expect(happenings(stream.messages).map((h) => h.seq)).toEqual([3, 4, 5])
  })

  it('sends a heartbeat comment, and outlives the request timeout (which only bounds receiving the request)', async () => {
    const emulator = await startTestEmulator({streamHeartbeatMs: 100, apiHeadersTimeoutMs: 200, apiRequestTimeoutMs: 300})
    const stream = await openStream(emulator.url)
    expect(JSON.parse((await stream.waitFor(hello)).data).heartbeatMs).toBe(100)
    const opened = Date.now()
    await waitUntil('1.2 s of stream', () => (Date.now() - opened >= 1200 ? true : undefined), 5000)
    expect(stream.isClosed()).toBe(false)
    expect(stream.comments.length).toBeGreaterThanOrEqual(5)
    expect(new Set(stream.comments)).toEqual(new Set(['heartbeat']))
    await trigger(emulator)
    await stream.waitFor((m) => m.event === 'message')
  })

  it('cuts a client that stops reading once the ring has dropped what it has not read, instead of buffering for it', async () => {
    const emulator = await startTestEmulator({feedCapacity: 20})
    const stream = await openStream(emulator.url)
    await stream.waitFor(hello)
    stream.pause()
    expect(emulator.context.feed.subscribers).toBe(1)
    // 80 happenings of 256 KiB each: far more than the socket buffers and the ring hold.
    const big = 'x'.repeat(256 * 1024)
    for (let i = 0; i < 80; i++) {
      emulator.context.feed.append({kind: 'notice', code: 'test', message: `${i} ${big}`})
      await new Promise((resolve) => setImmediate(resolve))
    }
    await waitUntil('the stream to be cut', () => (emulator.context.feed.subscribers === 0 ? true : undefined))
    stream.resume()
    await stream.closed
    expect(happenings(stream.messages).length).toBeLessThan(80)
    // It can resume: the hello says what it missed.
    const last = stream.messages.at(-1)!.id!
    const again = await openStream(emulator.url, {headers: {'last-event-id': last}})
    const resumed = JSON.parse((await again.waitFor(hello)).data)
    expect(resumed).toMatchObject({fresh: false, after: 60})
    expect(resumed.dropped).toBeGreaterThan(0)
  })

  it('leaves nothing behind when the client goes; at most streamMaxClients at once (503 too_many_streams beyond)', async () => {
    const emulator = await startTestEmulator({streamMaxClients: 2})
    const a = await openStream(emulator.url)
    const b = await openStream(emulator.url)
    await Promise.all([a.waitFor(hello), b.waitFor(hello)])
    expect(emulator.context.feed.subscribers).toBe(2)
    const third = await openStream(emulator.url)
    expect(third.status).toBe(503)
    expect(third.headers['retry-after']).toBe('5')
    expect(JSON.parse(third.body()).error).toMatchObject({code: 'too_many_streams'})
    a.close()
    await waitUntil('the first stream to be let go', () => (emulator.context.feed.subscribers === 1 ? true : undefined))
    const fourth = await openStream(emulator.url)
    expect(fourth.status).toBe(200)
    await fourth.waitFor(hello)
    b.close()
    fourth.close()
    await waitUntil('every stream to be let go', () => (emulator.context.feed.subscribers === 0 ? true : undefined))
  })

  it('streams are not taken for slow clients at the connection cap: other clients get their turn, the streams stay', async () => {
    const emulator = await startTestEmulator({apiMaxConnections: 3, streamHeartbeatMs: 100})
    const streams = await Promise.all([openStream(emulator.url), openStream(emulator.url)])
    await Promise.all(streams.map((s) => s.waitFor(hello)))
    for (let i = 0; i < 5; i++) expect((await trigger(emulator)).status).toBe(201)
    for (const s of streams) await s.waitFor((m) => m.id === `${emulator.feed.runId}:5`)
    expect(streams.map((s) => s.isClosed())).toEqual([false, false])
  })

  it('HEAD answers the headers and ends; stopping the emulator closes open streams at once', async () => {
    const emulator = await startTestEmulator()
    const head = await openStream(emulator.url, {method: 'HEAD'})
    expect(head.status).toBe(200)
    expect(head.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    await head.closed
    const stream = await openStream(emulator.url)
    await stream.waitFor(hello)
    const started = Date.now()
    await emulator.stop()
    await stream.closed
    expect(Date.now() - started).toBeLessThan(2000)
  })
})
