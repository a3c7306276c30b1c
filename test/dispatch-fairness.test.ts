import {describe, expect, it} from 'vitest'
import {emitEvent} from '../src/emulator/event-operations.js'
import {junkmail} from '../src/providers/junkmail/index.js'
import type {Delivery} from '../src/store/types.js'
import {startTestEmulator} from './support/emulator.js'
import {type ReceivedRequest, startReceiver} from './support/receiver.js'
import {waitUntil} from './support/wait-until.js'

type TestEmulator = Awaited<ReturnType<typeof startTestEmulator>>

/** Emits `count` events of `type` at once (in-process, as the SMTP sink and the API do); resolves with their deliveries. */
async function emitMany(emulator: TestEmulator, type: string, count: number): Promise<Delivery[]> {
  const entry = junkmail.catalog.find((e) => e.type === type)!
  const emitted = await Promise.all(Array.from({length: count}, () => emitEvent(emulator.context, {type, data: entry.sample(Date.now()), source: 'trigger'})))
  return emitted.flatMap((e) => e.deliveries)
}

/** What `request` carried in X-JunkMail-Timestamp: when the emulator says it sent it. */
const stamped = (request: ReceivedRequest) => Number(request.headers['x-junkmail-timestamp'])

describe('one slow endpoint does not delay the others', () => {
  it('a queued attempt is not a timed-out attempt: 200 deliveries to an endpoint answering in 400 ms, 1,000 ms deadline, 0 timeouts; each is stamped and timed from its real send', async () => {
    const receiver = await startReceiver(() => ({status: 200, body: 'ok', delayMs: 400}))
    const emulator = await startTestEmulator({timeScale: 1, attemptTimeoutMs: 1000})
    await emulator.api('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['email.deleted']}})
    const deliveries = await emitMany(emulator, 'email.deleted', 200)
    const store = emulator.context.store
    const attempts = await waitUntil('the 200 first attempts to be recorded', () => {
      const all = deliveries.flatMap((d) => store.attemptsForDelivery(d.id))
      return all.length >= 200 ? all : undefined
    })
    const failed = attempts.filter((a) => a.outcome !== 'success')
    expect(failed.map((a) => `${a.errorClass} after ${a.durationMs} ms`)).toEqual([])
    for (const a of attempts) expect(a.durationMs).toBeLessThan(1000)
    // More than the endpoint's connections: some waited for one, and it shows as lateness, not as time spent in the attempt.
    expect(Math.max(...attempts.map((a) => a.sentAt - a.scheduledAt))).toBeGreaterThanOrEqual(400)
    // Sent when stamped: each request reached the endpoint soon after its X-JunkMail-Timestamp (the
    // attempt's sentAt), not a 400 ms wave or more later. (The endpoint shares this process and
    // the first wave opens 64 connections at once: "soon" is generous.)
    expect(receiver.requests).toHaveLength(200)
    const transit = receiver.requests.map((r) => r.at - stamped(r))
    expect(Math.max(...transit)).toBeLessThan(200)
    const sentAts = new Set(attempts.map((a) => a.sentAt))
    for (const r of receiver.requests) expect(sentAts.has(stamped(r))).toBe(true)
    await receiver.close()
  })

  it('300 deliveries hanging on one endpoint do not delay another origin: its first attempts and its retries arrive on schedule', async () => {
    const hanging = await startReceiver(() => 'hang')
    // The healthy endpoint fails each delivery's first attempt once, so its retries are on the schedule too.
    const seen = new Set<string>()
    const healthy = await startReceiver((r) => {
      const id = r.body.toString()
      if (seen.has(id)) return {status: 200}
      seen.add(id)
      return {status: 503}
    })
    const scale = 600 // 1 min → 100 ms
    const emulator = await startTestEmulator({timeScale: scale, attemptTimeoutMs: 1500})
    await emulator.api('POST', '/api/v1/webhooks', {body: {url: hanging.url, events: ['email.deleted']}})
    await emulator.api('POST', '/api/v1/webhooks', {body: {url: healthy.url, events: ['address.created']}})
    await emitMany(emulator, 'email.deleted', 300)
    await hanging.waitFor(30, 5000)
    const deliveries = await emitMany(emulator, 'address.created', 10)
    const requests = await healthy.waitFor(20, 5000)

    const store = emulator.context.store
    const attempts = await waitUntil('the healthy deliveries to succeed', () => {
      const all = deliveries.flatMap((d) => store.attemptsForDelivery(d.id))
      return all.length === 20 ? all : undefined
    })
    const bySentAt = new Map(attempts.map((a) => [a.sentAt, a]))
    const lateness = requests.map((r) => {
      const a = bySentAt.get(stamped(r))!
      expect(a, `the attempt sent at ${stamped(r)}`).toBeDefined()
      return {number: a.number, late: r.at - a.scheduledAt}
    })
    expect(lateness.filter((l) => l.number === 1)).toHaveLength(10)
    expect(lateness.filter((l) => l.number === 2)).toHaveLength(10)
    // The retry is scheduled 1 min / scale after the failure.
    for (const a of attempts.filter((x) => x.number === 1)) expect(a.nextAttemptAt! - (a.sentAt + a.durationMs)).toBeGreaterThanOrEqual(60_000 / scale - 2)
    for (const l of lateness) expect(l.late, `attempt ${l.number}`).toBeLessThan(150)
    // All of it while the hanging endpoint's first attempts were still in flight (before their 1,500 ms deadline).
    expect(Math.max(...requests.map((r) => r.at))).toBeLessThan(Math.min(...hanging.requests.map((r) => r.at)) + 1500)
    await Promise.all([hanging.close(), healthy.close()])
  })
})
