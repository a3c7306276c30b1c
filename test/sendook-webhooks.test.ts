import {createHmac} from 'node:crypto'
import {describe, expect, it} from 'vitest'
import {sendook} from '../src/providers/sendook/index.js'
import {TEST_BODY} from '../src/providers/sendook/routes.js'
import {runCli} from './support/cli.js'
import {startTestEmulator} from './support/emulator.js'
import {SECRET_PREFIXES} from '../src/cli/diagnose-signature.js'
import {junkmail} from '../src/providers/junkmail/index.js'
import {startReceiver} from './support/receiver.js'
import {Sendook, SendookApiError} from './support/sendook-sdk.js'

// Sendook's webhooks (issue 12): driven as its Node SDK drives the hosted API, delivered as its
// guide (shared/spec/sendook-webhooks.md) says.

const OBJECT_ID = /^[0-9a-f]{24}$/
const failure = async (call: Promise<unknown>): Promise<SendookApiError> => {
  const error = await call.then(() => null, (e: unknown) => e)
  expect(error).toBeInstanceOf(SendookApiError)
  return error as SendookApiError
}

async function start(options: Parameters<typeof startTestEmulator>[0] = {}) {
  const emulator = await startTestEmulator({provider: sendook, smtpPort: false, ...options})
  return {emulator, client: new Sendook(emulator.apiKey, emulator.url)}
}

describe('Sendook webhooks through the SDK calls', () => {
  it('create, list, get, test, delete: 200s with _id and id, the test event exactly as the guide shows it', async () => {
    const {emulator, client} = await start()
    const receiver = await startReceiver()
    const created = await client.webhook.create({url: receiver.url, events: ['message.received', 'message.delivered']})
    expect(Object.keys(created)).toEqual(['_id', 'id', 'organizationId', 'url', 'events', 'createdAt', 'updatedAt', '__v'])
    expect(created._id).toMatch(OBJECT_ID)
    expect(created.id).toBe(created._id)
    expect(created).toMatchObject({url: receiver.url, events: ['message.received', 'message.delivered'], __v: 0})
    expect(created.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(created).not.toHaveProperty('secret')
    expect(await client.webhook.list()).toEqual([created])
    expect(await client.webhook.get(created._id)).toEqual(created)

    expect(await client.webhook.test(created._id)).toEqual({success: true})
    const [request] = await receiver.waitFor(1)
    expect(request.method).toBe('POST')
    expect(request.body.toString()).toBe(TEST_BODY)
    expect(TEST_BODY).toBe('{"event":"message.received","payload":{"test":"test"}}')
    expect(request.headers['content-type']).toBe('application/json')
    expect(request.headers['user-agent']).toBe('axios/1.13.2')
    expect(request.headers.accept).toBe('application/json, text/plain, */*')
    expect(request.headers).not.toHaveProperty('x-sendook-signature')

    const {body: attempts} = await emulator.api('GET', `/v1/webhooks/${created._id}/attempts`)
    expect(attempts).toHaveLength(1)
    expect(attempts[0]).toMatchObject({webhookId: created._id, payload: {event: 'message.received', payload: {test: 'test'}}, status: 200, response: 'ok'})
    expect(attempts[0]._id).toMatch(OBJECT_ID)

    expect(await client.webhook.delete(created._id)).toEqual(created)
    const gone = await failure(client.webhook.get(created._id))
    expect(gone.status).toBe(404)
    expect(gone.data).toEqual({error: 'Webhook not found'})
    expect((await failure(client.webhook.get('not-an-object-id'))).data).toEqual({error: 'Webhook not found'})
    await receiver.close()
  })

  it('answers 401 Unauthorized as the server does, and names each invalid field', async () => {
    const {emulator, client} = await start()
    for (const key of [null, 'wrong-key']) {
      const r = await emulator.api('GET', '/v1/webhooks', {key})
      expect(r.status).toBe(401)
      expect(r.text).toBe('Unauthorized')
      expect(r.headers.get('www-authenticate')).toBe(key === null ? 'Bearer realm="Users"' : 'Bearer realm="Users", error="invalid_token"')
    }
    const bad = await failure(client.webhook.create({url: 'not a url', events: ['message.received', 'email.received']}))
    expect(bad.status).toBe(400)
    expect(bad.data).toEqual({
      errors: [
        {type: 'field', value: 'not a url', msg: 'must be an absolute http(s) URL, e.g. https://your-app.com/webhooks/sendook', path: 'url', location: 'body'},
        {type: 'field', value: 'email.received', msg: expect.stringMatching(/^unknown event; known events: inbox\.created, /), path: 'events[1]', location: 'body'},
      ],
    })
    const none = await emulator.api('POST', '/v1/webhooks', {body: {}})
    expect(none.status).toBe(400)
    expect(none.body.errors.map((e: {path: string}) => e.path)).toEqual(['url', 'events'])
    expect((await emulator.api('GET', '/v1/nothing')).body).toEqual({error: 'Cannot GET /v1/nothing'})
  })
})

describe('Sendook deliveries', () => {
  it('each of the nine events: the envelope {event, messageId, inboxId, payload} with the ids that apply, the guide\'s payload fields, no signature', async () => {
    const {emulator, client} = await start()
    const receiver = await startReceiver()
    const types = sendook.catalog.map((e) => e.type)
    expect(types).toEqual(['inbox.created', 'inbox.deleted', 'inbox.updated', 'message.sent', 'message.received', 'message.delivered', 'message.bounced', 'message.complained', 'message.rejected'])
    await client.webhook.create({url: receiver.url, events: types})
    for (const type of types) {
      const r = await emulator.api('POST', '/_emulator/v1/events', {body: {event: type}})
      expect(r.status).toBe(201)
    }
    const requests = await receiver.waitFor(types.length)
    const byType = new Map(requests.map((q) => [JSON.parse(q.body.toString()).event as string, q]))
    for (const type of types) {
      const request = byType.get(type)!
      const body = JSON.parse(request.body.toString())
      expect(request.headers).not.toHaveProperty('x-sendook-signature')
      expect(request.headers['content-type']).toBe('application/json')
      const p = body.payload
      expect(p._id).toBe(p.id)
      expect(p.id).toMatch(OBJECT_ID)
      if (type.startsWith('inbox.')) {
        expect(Object.keys(body)).toEqual(['event', 'inboxId', 'payload'])
        expect(body.inboxId).toBe(p.id)
        for (const field of ['id', 'organizationId', 'name', 'email', 'createdAt']) expect(p).toHaveProperty(field)
      } else {
        expect(Object.keys(body)).toEqual(['event', 'messageId', 'inboxId', 'payload'])
        expect(body.messageId).toBe(p.id)
        expect(body.inboxId).toBe(p.inboxId)
        for (const field of ['id', 'organizationId', 'inboxId', 'threadId', 'from', 'to', 'subject', 'text', 'html', 'createdAt', 'updatedAt', 'cc', 'bcc', 'labels', 'attachments']) expect(p).toHaveProperty(field)
        expect(Array.isArray(p.to)).toBe(true)
        const status = type === 'message.sent' ? undefined : type.slice('message.'.length)
        expect(p.status).toBe(status)
      }
    }
    // --set id: _id follows, and the envelope names the same message.
    const id = 'aaaaaaaaaaaaaaaaaaaaaaaa'
    await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'message.delivered', set: {id, subject: 'Welcome!'}}})
    // (The message.sent trigger sent a real message: its own message.delivered comes too.)
    const all = await receiver.waitFor(types.length + 2)
    const last = all.map((q) => JSON.parse(q.body.toString())).find((b) => b.messageId === id)
    expect(last).toMatchObject({messageId: id, payload: {_id: id, id, subject: 'Welcome!', status: 'delivered'}})
    await receiver.close()
  })

  it('with --sign, X-Sendook-Signature is sha256= and the hex HMAC-SHA256 of the exact body under the webhook\'s secret', async () => {
    const {emulator} = await start({sign: true})
    const receiver = await startReceiver()
    const created = await emulator.api('POST', '/_emulator/v1/webhooks', {body: {url: receiver.url, events: ['message.received']}})
    expect(created.status).toBe(201)
    const {id, secret} = created.body.data
    expect(id).toMatch(OBJECT_ID)
    await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'message.received'}})
    const [request] = await receiver.waitFor(1)
    expect(request.headers['x-sendook-signature']).toBe('sha256=' + createHmac('sha256', secret).update(request.body).digest('hex'))
    expect(secret).toMatch(/^sksec_/)
    // junkmail verify knows it; and names a secret given without its sksec_ prefix.
    const valid = await runCli(['verify', '--secret', secret, '--signature', String(request.headers['x-sendook-signature'])], {input: request.body.toString()})
    expect(valid).toMatchObject({code: 0, stdout: 'Signature is valid.\n'})
    const bare = await runCli(['verify', '--secret', secret.slice('sksec_'.length), '--signature', String(request.headers['x-sendook-signature'])], {input: request.body.toString()})
    expect(bare.code).toBe(1)
    expect(bare.stdout).toContain('the secret is missing its "sksec_" prefix')
    await receiver.close()
  })

  it('a failing endpoint gets 4 attempts, 5 s, 25 s and 125 s apart divided by the time scale, then the delivery is failed', async () => {
    const {emulator, client} = await start({timeScale: 50})
    const receiver = await startReceiver(() => ({status: 503}))
    const hook = await client.webhook.create({url: receiver.url, events: ['message.bounced']})
    expect(emulator.status().attemptTimeoutMs).toBe(5000)
    await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'message.bounced'}})
    const requests = await receiver.waitFor(4, 10_000)
    const gaps = requests.slice(1).map((r, i) => r.at - requests[i].at)
    // 100, 500 and 2,500 ms; each at least that, and late by no more than 150 ms on a busy machine.
    ;[100, 500, 2500].forEach((delay, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(delay - 5)
      expect(gaps[i]).toBeLessThan(delay + 150)
    })
    const deliveries = await emulator.api('GET', `/_emulator/v1/deliveries?webhookId=${hook._id}`)
    await expect.poll(async () => (await emulator.api('GET', `/_emulator/v1/deliveries?webhookId=${hook._id}`)).body.data[0].status).toBe('failed')
    expect(deliveries.body.data).toHaveLength(1)
    // One failed delivery does not disable a Sendook webhook (JunkMail's does).
    expect((await emulator.api('GET', `/_emulator/v1/webhooks/${hook._id}`)).body.data.enabled).toBe(true)
    await receiver.close()
  })

  it('a webhook is disabled after N deliveries in a row failed every attempt (--disable-after), and enable restores it', async () => {
    const {emulator, client} = await start({timeScale: 1000, disableAfterFailedDeliveries: 2})
    const receiver = await startReceiver(() => ({status: 500}))
    const hook = await client.webhook.create({url: receiver.url, events: ['message.received']})
    const webhook = async () => (await emulator.api('GET', `/_emulator/v1/webhooks/${hook._id}`)).body.data
    await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'message.received', wait: true}})
    await receiver.waitFor(4)
    await expect.poll(async () => (await emulator.api('GET', `/_emulator/v1/deliveries?webhookId=${hook._id}`)).body.data[0].status).toBe('failed')
    expect((await webhook()).enabled).toBe(true)
    await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'message.received'}})
    await receiver.waitFor(8)
    await expect.poll(async () => (await webhook()).enabled).toBe(false)
    expect((await webhook()).disabledReason).toMatch(/^2 deliveries in a row failed all 4 attempts \(the last: /)
    const refused = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'message.received', webhookId: hook._id}})
    expect(refused.status).toBe(409)
    expect((await emulator.api('POST', `/_emulator/v1/webhooks/${hook._id}/enable`)).body.data.enabled).toBe(true)
    await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'message.received', webhookId: hook._id}})
    await receiver.waitFor(9)
    await receiver.close()
  })
})

describe('junkmail verify', () => {
  it("knows every provider's secret prefix", () => {
    expect([...SECRET_PREFIXES].sort()).toEqual([junkmail.secretPrefix, sendook.secretPrefix].sort())
  })
})
