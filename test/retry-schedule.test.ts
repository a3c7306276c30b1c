import {describe, expect, it} from 'vitest'
import {junkmail} from '../src/providers/junkmail/index.js'
import {runCli} from './support/cli.js'
import {startTestEmulator} from './support/emulator.js'
import {startReceiver} from './support/receiver.js'
import {tempDir} from './support/temp-dir.js'
import {deliveriesSettled, waitUntil} from './support/wait-until.js'

/**
 * Tolerance of the compressed schedule: attempt n+1 reaches the receiver no earlier than
 * delay/scale after attempt n, and at most 150 ms later (timer granularity, a busy 2-core CI box).
 */
const EARLY_MS = 2
const LATE_MS = 150

describe('retry schedule, auto-disable and re-enable', () => {
  it('an always-failing endpoint gets 5 attempts spaced by the documented delays / time scale, then the webhook is disabled', async () => {
    const scale = 1200 // 1 min → 50 ms, 5 min → 250 ms, 30 min → 1.5 s, 2 h → 6 s
    const receiver = await startReceiver(() => ({status: 500, body: 'nope'}))
    const emulator = await startTestEmulator({timeScale: scale})
    const {body: created} = await emulator.api('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['email.received']}})
    const webhookId: string = created.data.id
    const disabled = new Promise((resolve) => emulator.events.once('webhook.disabled', resolve))

    await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.received'}})
    const requests = await receiver.waitFor(5, 15_000)
    await disabled

    expect(junkmail.retryDelaysMs).toEqual([60_000, 300_000, 1_800_000, 7_200_000])
    const gaps = requests.slice(1).map((r, i) => r.at - requests[i].at)
    junkmail.retryDelaysMs.forEach((delay, i) => {
      const expected = delay / scale
      expect(gaps[i], `gap before attempt ${i + 2}`).toBeGreaterThanOrEqual(expected - EARLY_MS)
      expect(gaps[i], `gap before attempt ${i + 2}`).toBeLessThanOrEqual(expected + LATE_MS)
    })

    // The attempts are all recorded, each with its response and the time of the next one.
    const {body: attempts} = await emulator.api('GET', `/_emulator/v1/attempts?webhookId=${webhookId}`)
    expect(attempts.data.map((a: any) => a.number).sort()).toEqual([1, 2, 3, 4, 5])
    for (const a of attempts.data) {
      expect(a.outcome).toBe('failure')
      expect(a.response.status).toBe(500)
      expect(a.response.body).toBe('nope')
      expect(a.errorClass).toBe('http_status')
      expect(a.nextAttemptAt === null).toBe(a.number === 5)
    }

    // Disabled: shown as such, and nothing more is sent to it.
    const {body: listed} = await emulator.api('GET', '/api/v1/webhooks')
    expect(listed.data[0]).toMatchObject({id: webhookId, enabled: false, failureCount: 5})
    const {body: triggered} = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.received'}})
    expect(triggered.data.deliveries).toEqual([])
    expect(await deliveriesSettled(emulator.api)).toMatchObject({deliveries: 1, attempts: 5})
    expect(receiver.requests).toHaveLength(5)

    // `junkmail webhooks enable` (the real CLI) brings it back.
    const enabled = await runCli(['webhooks', 'enable', webhookId, '--api-url', emulator.url, '--json'])
    expect(enabled.code, enabled.stderr).toBe(0)
    expect(JSON.parse(enabled.stdout)).toMatchObject({id: webhookId, enabled: true, failureCount: 0})
    await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.received'}})
    await receiver.waitFor(6)
    await receiver.close()
  }, 30_000)

  it('a success after failures completes the delivery and resets the failure count', async () => {
    let n = 0
    const receiver = await startReceiver(() => (++n < 3 ? {status: 502} : {status: 204}))
    const emulator = await startTestEmulator({timeScale: 60_000})
    const {body: created} = await emulator.api('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['address.created']}})
    const {body: t} = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'address.created'}})
    await receiver.waitFor(3)
    await deliveriesSettled(emulator.api)
    const {body: d} = await emulator.api('GET', `/_emulator/v1/deliveries/${t.data.deliveries[0].id}`)
    expect(d.data).toMatchObject({status: 'succeeded', attemptCount: 3})
    expect(receiver.requests).toHaveLength(3)
    expect(d.data.attempts.map((a: any) => a.outcome)).toEqual(['failure', 'failure', 'success'])
    const {body: w} = await emulator.api('GET', `/api/v1/webhooks/${created.data.id}`)
    expect(w.data).toMatchObject({enabled: true, failureCount: 0})
    await receiver.close()
  })

  it('timeouts, refused connections, resets, DNS failures and redirects are failures, each with its class; redirects are not followed', async () => {
    const hang = await startReceiver(() => 'hang')
    const reset = await startReceiver(() => 'destroy')
    const redirect = await startReceiver(() => ({status: 302, headers: {location: '/elsewhere'}}))
    const closed = await startReceiver()
    const closedUrl = closed.url
    await closed.close()
    const emulator = await startTestEmulator({timeScale: 1, attemptTimeoutMs: 300})
    const unknownHost = 'http://does-not-exist.invalid/hook'
    for (const url of [hang.url, reset.url, redirect.url, closedUrl, unknownHost]) {
      await emulator.api('POST', '/api/v1/webhooks', {body: {url, events: ['email.deleted']}})
    }
    const started = Date.now()
    const {body} = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.deleted', wait: true}})
    const byUrl = Object.fromEntries(body.data.deliveries.map((d: any) => [d.url, d.firstAttempt]))
    expect(byUrl[hang.url]).toMatchObject({outcome: 'failure', errorClass: 'timeout', response: null})
    expect(byUrl[hang.url].durationMs).toBeGreaterThanOrEqual(290)
    expect(byUrl[hang.url].durationMs).toBeLessThan(1000)
    expect(byUrl[reset.url]).toMatchObject({outcome: 'failure', errorClass: 'connection_reset', response: null})
    expect(byUrl[redirect.url]).toMatchObject({outcome: 'failure', errorClass: 'http_status', response: {status: 302}})
    expect(byUrl[closedUrl]).toMatchObject({outcome: 'failure', errorClass: 'connection_refused', response: null})
    expect(byUrl[unknownHost]).toMatchObject({outcome: 'failure', errorClass: 'dns', response: null})
    expect(Date.now() - started).toBeLessThan(3000)
    expect(redirect.requests.map((r) => r.url)).toEqual(['/'])
    for (const d of body.data.deliveries) expect(d.firstAttempt.nextAttemptAt).not.toBeNull()
    await Promise.all([hang.close(), reset.close(), redirect.close()])
  })
})

describe('cancelling the pending deliveries of a webhook that stops receiving', () => {
  it('auto-disable cancels the webhook\'s other pending deliveries at once (not when their next attempt comes), and nothing more is sent for them', async () => {
    // 1 min → 17 ms, 5 min → 83 ms, 30 min → 500 ms, 2 h → 2 s.
    const receiver = await startReceiver(() => ({status: 500}))
    const emulator = await startTestEmulator({timeScale: 3600})
    const {body: created} = await emulator.api('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['email.deleted']}})
    const {body: first} = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.deleted'}})
    const firstId: string = first.data.deliveries[0].id
    await waitUntil('attempt 4 of the first delivery', () => (emulator.context.store.getDelivery(firstId)?.attemptCount === 4 ? true : undefined))
    // A second delivery starts now: its 4th attempt comes ~600 ms later and its 5th ~2.6 s later,
    // so it is pending (next attempt well in the future) when the first one's 5th attempt, ~2 s
    // from now, fails and disables the webhook.
    const {body: second} = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.deleted'}})
    const secondId: string = second.data.deliveries[0].id
    const atDisable = await new Promise<{reason: string; second: unknown; first: unknown}>((resolve) =>
      emulator.events.once('webhook.disabled', ({reason}) => {
        // Read synchronously, as the disable happens.
        const store = emulator.context.store
        resolve({reason, first: {...store.getDelivery(firstId)}, second: {...store.getDelivery(secondId)}})
      }),
    )
    expect(atDisable.reason).toBe(`5 attempts of delivery ${firstId} failed`)
    expect(atDisable.first).toMatchObject({status: 'failed', attemptCount: 5, nextAttemptAt: null})
    expect(atDisable.second).toMatchObject({status: 'cancelled', reason: 'webhook disabled', nextAttemptAt: null, completedAt: expect.any(Number)})
    expect((atDisable.second as {attemptCount: number}).attemptCount).toBeLessThan(5)

    const counts = await deliveriesSettled(emulator.api)
    const {body: delivery} = await emulator.api('GET', `/_emulator/v1/deliveries/${secondId}`)
    expect(delivery.data).toMatchObject({status: 'cancelled', reason: 'webhook disabled'})
    // Every request the receiver got is a recorded attempt: 5 of the first, the second's until the disable.
    const secondAttempts = delivery.data.attempts.length
    expect(counts).toMatchObject({attempts: 5 + secondAttempts})
    expect(receiver.requests).toHaveLength(5 + secondAttempts)
    const {body: webhook} = await emulator.api('GET', `/api/v1/webhooks/${created.data.id}`)
    expect(webhook.data).toMatchObject({enabled: false, disabledReason: atDisable.reason})
    await receiver.close()
  })

  it('deleting a webhook cancels its pending deliveries at once (reason "webhook deleted"); they are not retried', async () => {
    const receiver = await startReceiver(() => ({status: 503}))
    // Time scale 1: the next attempt would be a real minute away.
    const emulator = await startTestEmulator({timeScale: 1})
    const {body: created} = await emulator.api('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['address.created']}})
    const other = await emulator.api('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['address.created']}})
    const ids: string[] = []
    for (let i = 0; i < 2; i++) {
      const {body} = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'address.created', webhookId: created.data.id, wait: true}})
      expect(body.data.deliveries[0].firstAttempt).toMatchObject({outcome: 'failure', nextAttemptAt: expect.any(String)})
      ids.push(body.data.deliveries[0].id)
    }
    const {body: kept} = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'address.created', webhookId: other.body.data.id, wait: true}})
    expect((await emulator.api('GET', '/_emulator/v1/status')).body.data.counts.pendingDeliveries).toBe(3)

    expect((await emulator.api('DELETE', `/api/v1/webhooks/${created.data.id}`)).status).toBe(200)
    // At once: no waiting for the next attempt's time.
    for (const id of ids) {
      const {body} = await emulator.api('GET', `/_emulator/v1/deliveries/${id}`)
      expect(body.data).toMatchObject({status: 'cancelled', reason: 'webhook deleted', nextAttemptAt: null, completedAt: expect.any(String), attemptCount: 1})
    }
    // The other webhook's delivery is untouched.
    const {body: untouched} = await emulator.api('GET', `/_emulator/v1/deliveries/${kept.data.deliveries[0].id}`)
    expect(untouched.data).toMatchObject({status: 'pending', attemptCount: 1})
    expect((await emulator.api('GET', '/_emulator/v1/status')).body.data.counts.pendingDeliveries).toBe(1)
    expect(receiver.requests).toHaveLength(3)
    await receiver.close()
  })

  it('a delivery cancelled while its attempt is in flight stays cancelled: the attempt is recorded, nothing is rescheduled', async () => {
    const receiver = await startReceiver(() => 'hang')
    const emulator = await startTestEmulator({timeScale: 1, attemptTimeoutMs: 400})
    const {body: created} = await emulator.api('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['address.created']}})
    const {body: triggered} = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'address.created'}})
    const deliveryId: string = triggered.data.deliveries[0].id
    await receiver.waitFor(1)
    // The attempt is in flight (the endpoint hangs until the 400 ms deadline): delete the webhook.
    expect((await emulator.api('DELETE', `/api/v1/webhooks/${created.data.id}`)).status).toBe(200)
    const attempt = await waitUntil('the in-flight attempt to be recorded', () => emulator.context.store.attemptsForDelivery(deliveryId)[0])
    expect(attempt).toMatchObject({number: 1, outcome: 'failure', errorClass: 'timeout', nextAttemptAt: null})
    const {body} = await emulator.api('GET', `/_emulator/v1/deliveries/${deliveryId}`)
    expect(body.data).toMatchObject({status: 'cancelled', reason: 'webhook deleted', attemptCount: 1, nextAttemptAt: null})
    expect((await emulator.api('GET', '/_emulator/v1/status')).body.data.counts.pendingDeliveries).toBe(0)
    await receiver.close()
  })

  it('a pending delivery found at start whose webhook is disabled or gone, or whose event is gone, is cancelled when its attempt comes, and not sent', async () => {
    const {Store} = await import('../src/store/store.js')
    const dataDir = await tempDir()
    const receiver = await startReceiver()
    // A data dir as an older build, or a hand edit, could leave it: pending deliveries whose
    // webhook can no longer receive them, and one that can (the control).
    const store = await Store.open({dataDir})
    const now = Date.now()
    const webhook = (id: string, enabled: boolean) =>
      store.addWebhook({id, url: `${receiver.url}/${id}`, events: ['email.received'], secret: 'whsec_x', createdAt: '2026-01-01T00:00:00Z', enabled, failureCount: 0, disabledAt: null, disabledReason: null})
    webhook('healthy', true)
    webhook('disabled', false)
    const event = (id: string) => store.addEvent({id, type: 'email.received', createdAt: now, body: `{"event":"email.received","timestamp":${now},"data":{}}`, source: 'trigger'})
    event('e1')
    const delivery = (id: string, webhookId: string, eventId: string) =>
      store.addDelivery({id, eventId, webhookId, url: `${receiver.url}/${webhookId}`, status: 'pending', attemptCount: 0, nextAttemptAt: now, createdAt: now, completedAt: null, reason: null})
    delivery('to-healthy', 'healthy', 'e1')
    delivery('to-disabled', 'disabled', 'e1')
    delivery('to-deleted', 'deleted', 'e1')
    delivery('event-gone', 'healthy', 'pruned')
    await store.close()

    const emulator = await startTestEmulator({dataDir})
    const expected: Record<string, object> = {
      'to-healthy': {status: 'succeeded', attemptCount: 1},
      'to-disabled': {status: 'cancelled', reason: 'webhook disabled', attemptCount: 0},
      'to-deleted': {status: 'cancelled', reason: 'webhook deleted', attemptCount: 0},
      'event-gone': {status: 'cancelled', reason: 'event pruned', attemptCount: 0},
    }
    await deliveriesSettled(emulator.api)
    for (const [id, state] of Object.entries(expected)) {
      const {body} = await emulator.api('GET', `/_emulator/v1/deliveries/${id}`)
      expect(body.data, id).toMatchObject(state)
    }
    expect(receiver.requests.map((r) => r.url)).toEqual(['/healthy'])
    await receiver.close()
  })
})
