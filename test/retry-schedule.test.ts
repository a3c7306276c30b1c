import {describe, expect, it} from 'vitest'
import {junkmail} from '../src/providers/junkmail/index.js'
import {runCli} from './support/cli.js'
import {startTestEmulator} from './support/emulator.js'
import {startReceiver} from './support/receiver.js'

/**
 * Tolerance of the compressed schedule: attempt n+1 reaches the receiver no earlier than
 * delay/scale after attempt n, and at most 150 ms later (timer granularity, a busy 2-core CI box).
 */
const EARLY_MS = 2
const LATE_MS = 150
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

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
    await sleep(300)
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
    await sleep(100)
    const {body: d} = await emulator.api('GET', `/_emulator/v1/deliveries/${t.data.deliveries[0].id}`)
    expect(d.data).toMatchObject({status: 'succeeded', attemptCount: 3})
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
