import {describe, expect, it} from 'vitest'
import {runCli} from './support/cli.js'
import {type ApiResponse, startTestEmulator} from './support/emulator.js'
import {startReceiver} from './support/receiver.js'
import {deliveriesSettled} from './support/wait-until.js'

/** Asserts a JSON error answer with its status, code and field. */
function expectError(response: ApiResponse, status: number, code: string, field: string) {
  expect(response.status, response.text).toBe(status)
  expect(response.body.error).toMatchObject({status, code, field, message: expect.any(String)})
}

describe('emulator routes: deliveries, resend and trigger to a disabled webhook', () => {
  it('GET /_emulator/v1/deliveries lists newest first and filters by webhookId, eventId and status, with limit', async () => {
    let failNext = true
    const receiver = await startReceiver(() => (failNext ? {status: 500} : {status: 200}))
    const emulator = await startTestEmulator({timeScale: 1})
    const hook = async (events: string[]) => (await emulator.api('POST', '/api/v1/webhooks', {body: {url: receiver.url, events}})).body.data.id as string
    const a = await hook(['address.created', 'email.deleted'])
    const b = await hook(['address.created'])
    const trigger = async (event: string) => (await emulator.api('POST', '/_emulator/v1/events', {body: {event, wait: true}})).body.data
    const first = await trigger('address.created') // to a and b: both fail, pending (next attempt a real minute away)
    failNext = false
    const second = await trigger('email.deleted') // to a: succeeds

    const list = async (query: string) => {
      const response = await emulator.api('GET', `/_emulator/v1/deliveries${query}`)
      expect(response.status, response.text).toBe(200)
      return response.body.data as Array<{id: string; webhookId: string; eventId: string; status: string}>
    }
    const ids = (deliveries: Array<{id: string}>) => deliveries.map((d) => d.id)
    const [firstToA, firstToB] = [a, b].map((w) => first.deliveries.find((d: {webhookId: string}) => d.webhookId === w).id)
    const secondToA = second.deliveries[0].id
    expect(ids(await list(''))).toEqual([secondToA, firstToB, firstToA])
    expect(ids(await list(`?webhookId=${a}`))).toEqual([secondToA, firstToA])
    expect(ids(await list(`?eventId=${first.event.id}`))).toEqual([firstToB, firstToA])
    expect(ids(await list(`?eventId=${first.event.id}&webhookId=${b}`))).toEqual([firstToB])
    expect(ids(await list('?status=pending'))).toEqual([firstToB, firstToA])
    expect(ids(await list('?status=succeeded'))).toEqual([secondToA])
    expect(ids(await list('?limit=1'))).toEqual([secondToA])
    expect(await list('?webhookId=00000000-0000-0000-0000-000000000000')).toEqual([])
    const [shown] = await list(`?webhookId=${b}`)
    expect(shown).toEqual({
      id: firstToB,
      eventId: first.event.id,
      webhookId: b,
      url: receiver.url,
      status: 'pending',
      attemptCount: 1,
      maxAttempts: 5,
      nextAttemptAt: expect.stringMatching(/Z$/),
      createdAt: expect.stringMatching(/Z$/),
      completedAt: null,
      reason: null,
    })
    const limit = await emulator.api('GET', '/_emulator/v1/deliveries?limit=0')
    expect(limit.status).toBe(400)
    expect(limit.body.error).toMatchObject({code: 'validation_error', field: 'limit'})
    expect((await emulator.api('GET', '/_emulator/v1/deliveries', {key: null})).status).toBe(401)
    await receiver.close()
  })

  it('resend and trigger aimed at a disabled webhook: 409 webhook_disabled naming webhookId, nothing created; after enable both work', async () => {
    const receiver = await startReceiver(() => ({status: 500}))
    // A time scale so large that the whole retry schedule plays out in a few milliseconds.
    const emulator = await startTestEmulator({timeScale: 10_000_000})
    const {body: created} = await emulator.api('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['email.deleted']}})
    const webhookId: string = created.data.id
    const {body: triggered} = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.deleted'}})
    const eventId: string = triggered.data.event.id
    await deliveriesSettled(emulator.api)
    expect((await emulator.api('GET', `/api/v1/webhooks/${webhookId}`)).body.data).toMatchObject({enabled: false, failureCount: 5})
    const before = (await emulator.api('GET', '/_emulator/v1/status')).body.data.counts

    const resend = await emulator.api('POST', `/_emulator/v1/events/${eventId}/resend`, {body: {webhookId}})
    expectError(resend, 409, 'webhook_disabled', 'webhookId')
    expect(resend.body.error.message).toContain(`junkmail webhooks enable ${webhookId}`)
    expectError(await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.deleted', webhookId}}), 409, 'webhook_disabled', 'webhookId')
    // Without a webhookId a resend goes to the enabled subscribers: none.
    expect((await emulator.api('POST', `/_emulator/v1/events/${eventId}/resend`)).body.data.deliveries).toEqual([])
    const after = (await emulator.api('GET', '/_emulator/v1/status')).body.data.counts
    expect({events: after.events, deliveries: after.deliveries}).toEqual({events: before.events, deliveries: before.deliveries})
    expect(receiver.requests).toHaveLength(5)

    // The CLI shows it disabled and why, and refuses the resend with the same message, exit code 1.
    const shown = await runCli(['webhooks', 'get', webhookId, '--api-url', emulator.url])
    expect(shown.stdout).toMatch(new RegExp(`\\n {2}status {4}disabled since \\S+Z \\(5 attempts of delivery ${triggered.data.deliveries[0].id} failed\\)\\n {2}failures {2}5 consecutive failed attempts\\n`))
    const cli = await runCli(['events', 'resend', eventId, '--webhook', webhookId, '--api-url', emulator.url])
    expect(cli.code).toBe(1)
    expect(cli.stderr).toBe(`Error: webhook ${webhookId} is disabled; enable it first (junkmail webhooks enable ${webhookId})\n`)

    expect((await emulator.api('POST', `/_emulator/v1/webhooks/${webhookId}/enable`)).status).toBe(200)
    const again = await emulator.api('POST', `/_emulator/v1/events/${eventId}/resend`, {body: {webhookId, wait: true}})
    expect(again.status, again.text).toBe(201)
    expect(again.body.data.deliveries).toMatchObject([{webhookId, eventId, firstAttempt: {number: 1, outcome: 'failure'}}])
    expect(receiver.requests[5].body.equals(receiver.requests[0].body)).toBe(true)
    await deliveriesSettled(emulator.api)
    await receiver.close()
  })

  it('resend: unknown event → 404 naming id; a webhook not subscribed to the event → 409 naming webhookId', async () => {
    const emulator = await startTestEmulator()
    const {body: created} = await emulator.api('POST', '/api/v1/webhooks', {body: {url: 'http://127.0.0.1:9/hook', events: ['address.created']}})
    const {body: triggered} = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.deleted', wait: false}})
    expectError(await emulator.api('POST', '/_emulator/v1/events/00000000-0000-0000-0000-000000000000/resend'), 404, 'not_found', 'id')
    expectError(await emulator.api('POST', `/_emulator/v1/events/${triggered.data.event.id}/resend`, {body: {webhookId: created.data.id}}), 409, 'not_subscribed', 'webhookId')
  })

  it('trigger prints how each first attempt went: a status, a refused connection, the next attempt and when', async () => {
    const receiver = await startReceiver(() => ({status: 500}))
    const closed = await startReceiver()
    const closedUrl = closed.url
    await closed.close()
    const emulator = await startTestEmulator({timeScale: 60})
    const failing = (await emulator.api('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['email.deleted']}})).body.data.id
    const refused = (await emulator.api('POST', '/api/v1/webhooks', {body: {url: closedUrl, events: ['email.deleted']}})).body.data.id
    const result = await runCli(['trigger', 'email.deleted', '--api-url', emulator.url, '--fail-on-error'])
    expect(result.code).toBe(1)
    const lines = result.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^Triggered email\.deleted [0-9a-f-]{36}$/)
    // One minute of the schedule at time scale 60: the next attempt about a second away.
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^ {2}→ ${failing} ${receiver.url} {2}failed: HTTP 500 in [\\d.]+ ms \\(attempt 1/5\\); attempt 2/5 in (\\d{3}ms|1\\.0s)$`)))
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^ {2}→ ${refused} ${closedUrl} {2}failed: connection_refused \\(.*ECONNREFUSED.*\\) in [\\d.]+ ms \\(attempt 1/5\\); attempt 2/5 in (\\d{3}ms|1\\.0s)$`)))
    expect(lines).toHaveLength(3)
    await receiver.close()
  })
})

describe('emulator routes: API keys', () => {
  it('POST /_emulator/v1/api-keys with a key that already exists → 409 key_exists naming key; the key keeps its scopes', async () => {
    const emulator = await startTestEmulator()
    // The emulator's own key cannot be narrowed (it would leave nothing with full access until a restart).
    expectError(await emulator.api('POST', '/_emulator/v1/api-keys', {body: {key: emulator.apiKey, scopes: ['emails:read']}}), 409, 'key_exists', 'key')
    const created = await emulator.api('POST', '/api/v1/webhooks', {body: {url: 'https://example.com/hook', events: ['email.received']}})
    expect(created.status, created.text).toBe(201)
    const minted = await emulator.api('POST', '/_emulator/v1/api-keys', {body: {key: 'jm_test_reader', scopes: ['emails:read']}})
    expect(minted.status, minted.text).toBe(201)
    // Nor can another existing key be replaced (here: widened).
    expectError(await emulator.api('POST', '/_emulator/v1/api-keys', {body: {key: 'jm_test_reader', scopes: ['*']}}), 409, 'key_exists', 'key')
    expectError(await emulator.api('GET', '/api/v1/webhooks', {key: 'jm_test_reader'}), 403, 'forbidden', 'Authorization')
    expect((await emulator.api('GET', '/api/v1/emails', {key: 'jm_test_reader'})).status).toBe(200)
    // The emulator's key still has every scope, including minting keys.
    expect((await emulator.api('POST', '/_emulator/v1/api-keys', {body: {scopes: ['*']}})).status).toBe(201)
  })
})

describe('emulator routes: scopes', () => {
  it('every emulator route but health and catalog needs a full-access key: a narrow key gets 403 naming Authorization and nothing is done', async () => {
    const emulator = await startTestEmulator()
    const address = (await emulator.api('POST', '/api/v1/addresses', {body: {localPart: 'kept'}})).body.data
    const webhook = (await emulator.api('POST', '/api/v1/webhooks', {body: {url: 'http://127.0.0.1:9/hook', events: ['address.created']}})).body.data
    const event = (await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'address.created'}})).body.data
    const deliveryId: string = event.deliveries[0].id
    const eventsBefore = (await emulator.api('GET', '/_emulator/v1/events')).body.data.length
    const narrow = (await emulator.api('POST', '/_emulator/v1/api-keys', {body: {scopes: ['emails:read', 'addresses:manage', 'webhooks:manage', 'emails:manage']}})).body.data.key as string
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/_emulator/v1/status'],
      ['POST', '/_emulator/v1/events', {event: 'address.deleted', set: {addressId: address.id}}],
      ['POST', '/_emulator/v1/events', {event: 'address.expired', set: {addressId: address.id}}],
      ['GET', '/_emulator/v1/events'],
      ['GET', `/_emulator/v1/events/${event.event.id}`],
      ['POST', `/_emulator/v1/events/${event.event.id}/resend`, {}],
      ['GET', '/_emulator/v1/deliveries'],
      ['GET', `/_emulator/v1/deliveries/${deliveryId}`],
      ['GET', '/_emulator/v1/attempts'],
      ['GET', `/_emulator/v1/attempts/${deliveryId}`],
      ['POST', `/_emulator/v1/webhooks/${webhook.id}/enable`],
      ['POST', '/_emulator/v1/api-keys', {scopes: ['*']}],
      ['POST', `/_emulator/v1/addresses/${address.id}/expire`],
    ]
    for (const [method, path, body] of routes) {
      const response = await emulator.api(method, path, {key: narrow, body})
      expectError(response, 403, 'forbidden', 'Authorization')
      expect(response.body.error.message, `${method} ${path}`).toMatch(/full-access/)
    }
    // Nothing was done: the address is still there and active, no event was added.
    const kept = await emulator.api('GET', `/api/v1/addresses/${address.id}`)
    expect(kept.status, kept.text).toBe(200)
    expect(kept.body.data.status ?? 'active').toBe('active')
    expect((await emulator.api('GET', '/_emulator/v1/events')).body.data).toHaveLength(eventsBefore)
    // Health and catalog need no key at all; the full-access key opens everything.
    expect((await emulator.api('GET', '/_emulator/v1/health', {key: narrow})).status).toBe(200)
    expect((await emulator.api('GET', '/_emulator/v1/catalog', {key: null})).status).toBe(200)
    expect((await emulator.api('GET', '/_emulator/v1/status')).status).toBe(200)
  })

  it('trigger waits as long as the first attempt takes (an endpoint answering in 5.5 s, over the HTTP client\'s 5 s keep-alive timeout)', async () => {
    const {createServer} = await import('node:http')
    const slow = createServer((req, res) => {
      req.resume()
      setTimeout(() => res.end('late but fine'), 5500)
    })
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(slow.address() as {port: number}).port}/hook`
    try {
      const emulator = await startTestEmulator()
      await emulator.api('POST', '/api/v1/webhooks', {body: {url, events: ['address.created']}})
      const result = await runCli(['trigger', 'address.created', '--api-url', emulator.url, '--json'])
      expect(result.code, result.stdout + result.stderr).toBe(0)
      expect(JSON.parse(result.stdout).deliveries[0].firstAttempt).toMatchObject({outcome: 'success', response: {status: 200, body: 'late but fine'}})
    } finally {
      slow.closeAllConnections()
      slow.close()
    }
  }, 20_000)
})
