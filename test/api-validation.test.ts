import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {type RunningEmulator, startEmulator} from '../src/emulator/start-emulator.js'
import {type Api, type ApiResponse, api as apiClient} from './support/emulator.js'

// Every validation rule of the webhooks API, against one real emulator over real HTTP.
// The describes share the emulator and run in order; the last one checks it survived them all.

const WEBHOOKS = '/api/v1/webhooks'
const KNOWN_EVENTS = ['email.received', 'email.deleted', 'address.created', 'address.expired', 'address.deleted']
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
/** ISO-8601 in UTC to the second, as in the contract: `2024-01-15T10:00:00Z`. */
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/
const UNKNOWN_ID = 'f47ac10b-58cc-4372-a567-0e02b2c3d479'
const valid = {url: 'https://example.com/webhooks/junkmail', events: ['email.received', 'address.expired']}

let emulator: RunningEmulator
let api: Api

beforeAll(async () => {
  emulator = await startEmulator({port: 0, smtpPort: false, dataDir: null})
  api = apiClient(emulator.url, emulator.apiKey)
})
afterAll(() => emulator?.stop())

/** Asserts a JSON error answer `{"error":{status,code,message,field?}}` and returns the error. */
function expectError(response: ApiResponse, status: number, expected: {code?: string; field?: string | null; message?: RegExp | string} = {}) {
  expect(response.status, response.text).toBe(status)
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  expect(Object.keys(response.body ?? {}), response.text).toEqual(['error'])
  const error = response.body.error
  expect(error).toMatchObject({status, code: expect.any(String), message: expect.any(String)})
  expect(error.message.length).toBeGreaterThan(0)
  if (expected.code !== undefined) expect(error.code, response.text).toBe(expected.code)
  if (expected.field === null) expect(error.field, response.text).toBeUndefined()
  else if (expected.field !== undefined) expect(error.field, response.text).toBe(expected.field)
  if (expected.message !== undefined) expect(error.message, response.text).toMatch(expected.message)
  return error as {status: number; code: string; message: string; field?: string; details?: Array<{field: string; message: string}>}
}

/** A 400 validation error naming `field`, whose first detail repeats the field and message. */
function expectInvalid(response: ApiResponse, field: string, message: RegExp | string) {
  const error = expectError(response, 400, {code: 'validation_error', field, message})
  // The message is "<field>: <problem>", and the first detail is that same problem.
  expect(error.message.startsWith(`${field}: `), error.message).toBe(true)
  expect(error.details?.[0]).toEqual({field, message: error.message.slice(field.length + 2)})
  return error
}

const create = (body: unknown) => api('POST', WEBHOOKS, {body})
const createRaw = (rawBody: string, contentType: string) => api('POST', WEBHOOKS, {rawBody, headers: {'content-type': contentType}})
/** A JSON create body of exactly `bytes` bytes. */
const bodyOfSize = (bytes: number): string => {
  const head = `{"url":"${valid.url}","events":["email.received"],"pad":"`
  return head + 'x'.repeat(bytes - head.length - 2) + '"}'
}
const webhookCount = async (): Promise<number> => (await api('GET', WEBHOOKS)).body.data.length
const newKey = async (scopes: string[]): Promise<string> => {
  const response = await api('POST', '/_emulator/v1/api-keys', {body: {scopes}})
  expect(response.status, response.text).toBe(201)
  return response.body.data.key
}

describe('POST /api/v1/webhooks: url', () => {
  it('url missing → 400 naming url as required', async () => {
    expectInvalid(await create({events: ['email.received']}), 'url', /required/)
  })
  it('url not a string → 400 naming url', async () => {
    for (const url of [42, true, ['https://example.com'], {href: 'https://example.com'}, null]) {
      expectInvalid(await create({url, events: ['email.received']}), 'url', /string/)
    }
  })
  it('relative url → 400 naming url', async () => {
    for (const url of ['/webhooks/junkmail', 'webhooks/junkmail', '//example.com/hook']) {
      expectInvalid(await create({url, events: ['email.received']}), 'url', /absolute http\(s\) URL/)
    }
  })
  it('ftp: (or any non-http) scheme → 400 naming url', async () => {
    for (const url of ['ftp://example.com/hook', 'file:///etc/passwd', 'javascript:alert(1)', 'mailto:me@example.com']) {
      expectInvalid(await create({url, events: ['email.received']}), 'url', /absolute http\(s\) URL/)
    }
  })
  it('not a URL at all → 400 naming url', async () => {
    for (const url of ['not a url', '', 'https://', 'http://exa mple.com/']) {
      expectInvalid(await create({url, events: ['email.received']}), 'url', /absolute http\(s\) URL/)
    }
  })
  it('url with leading or trailing whitespace → 400 naming url (not silently trimmed)', async () => {
    for (const url of [' https://example.com/hook', 'https://example.com/hook\n', '\thttps://example.com/hook ']) {
      expectInvalid(await create({url, events: ['email.received']}), 'url', /whitespace/)
    }
  })
  it('url with a control character inside (CR, LF, TAB, NUL, ESC, DEL, C1) → 400 naming url, nothing stored', async () => {
    // The WHATWG URL parser drops TAB, CR and LF silently, so these parse as valid URLs: the
    // check has to look at the string as sent, which is what would be stored and printed.
    const before = await webhookCount()
    const urls = [
      'https://example.com/a\r\nb',
      'https://example.com/a\nX-Forged: 1',
      'https://exa\tmple.com/hook',
      'https://example.com/a\u0000b',
      'https://example.com/\u001b[31mred',
      'https://example.com/a\u007f',
      'https://example.com/a\u009b2J',
    ]
    for (const url of urls) {
      expectInvalid(await create({url, events: ['email.received']}), 'url', /control character/)
    }
    expect(await webhookCount()).toBe(before)
  })
})

describe('POST /api/v1/webhooks: events', () => {
  it('events missing → 400 naming events as required', async () => {
    expectInvalid(await create({url: valid.url}), 'events', /required/)
  })
  it('events not an array → 400 naming events', async () => {
    for (const events of ['email.received', 5, true, {0: 'email.received'}, null]) {
      expectInvalid(await create({url: valid.url, events}), 'events', /must be a list of event names/)
    }
  })
  it('events not an array → the error lists only that problem (no length or duplicate checks run on a string)', async () => {
    for (const events of ['email.received', '']) {
      const error = expectInvalid(await create({url: valid.url, events}), 'events', /must be a list of event names/)
      expect(error.details, JSON.stringify(error)).toEqual([{field: 'events', message: 'must be a list of event names'}])
    }
  })
  it('events empty → 400 naming events', async () => {
    expectInvalid(await create({url: valid.url, events: []}), 'events', /at least one/)
  })
  it('11 events → 400 naming events (max 10)', async () => {
    const eleven = [...KNOWN_EVENTS, ...KNOWN_EVENTS, KNOWN_EVENTS[0]]
    expectInvalid(await create({url: valid.url, events: eleven}), 'events', /at most 10/)
  })
  it('unknown event name → 400 naming the item, message listing every known event', async () => {
    const error = expectInvalid(await create({url: valid.url, events: ['email.received', 'email.sent']}), 'events[1]', /unknown event "email\.sent"/)
    for (const name of KNOWN_EVENTS) expect(error.message).toContain(name)
  })
  it('duplicate events → 400 naming events', async () => {
    expectInvalid(await create({url: valid.url, events: ['email.received', 'address.expired', 'email.received']}), 'events', /duplicate/)
  })
  it('non-string item → 400 naming the item', async () => {
    expectInvalid(await create({url: valid.url, events: ['email.received', 5]}), 'events[1]', /string/)
    expectInvalid(await create({url: valid.url, events: [null]}), 'events[0]', /string/)
    expectInvalid(await create({url: valid.url, events: [['email.received']]}), 'events[0]', /string/)
  })
})

describe('POST /api/v1/webhooks: secret', () => {
  it('secret empty string → 400 naming secret', async () => {
    expectInvalid(await create({...valid, secret: ''}), 'secret', /empty/)
  })
  it('secret not a string → 400 naming secret', async () => {
    for (const secret of [123, true, ['s'], {value: 's'}, null]) {
      expectInvalid(await create({...valid, secret}), 'secret', /string/)
    }
  })
  it('secret longer than 256 characters → 400 naming secret; exactly 256 is accepted', async () => {
    expectInvalid(await create({...valid, secret: 's'.repeat(257)}), 'secret', /at most 256/)
    const ok = await create({...valid, secret: 's'.repeat(256)})
    expect(ok.status, ok.text).toBe(201)
    expect(ok.body.data.secret).toBe('s'.repeat(256))
  })
})

describe('POST /api/v1/webhooks: the body itself', () => {
  it('body an array, a string, null or a number → 400 naming body', async () => {
    for (const raw of [JSON.stringify([valid]), '"https://example.com"', 'null', '42']) {
      expectInvalid(await createRaw(raw, 'application/json'), 'body', /JSON object/)
    }
  })
  it('no body at all → 400 naming body', async () => {
    expectInvalid(await api('POST', WEBHOOKS), 'body', /JSON object/)
  })
  it('invalid JSON → 400 naming body', async () => {
    for (const raw of ['{"url":', "{'url':'https://example.com'}", '{"url":"https://example.com",}', '']) {
      expectError(await createRaw(raw, 'application/json'), 400, {code: 'invalid_json', field: 'body'})
    }
  })
  it('wrong content type (text/plain, application/x-www-form-urlencoded, none) → 415 naming Content-Type', async () => {
    const json = JSON.stringify(valid)
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x']) {
      expectError(await createRaw(type.startsWith('application/x-www') ? 'url=https%3A%2F%2Fexample.com' : json, type), 415, {code: 'unsupported_media_type', field: 'Content-Type', message: /application\/json/})
    }
    // fetch with bytes and no Content-Type header at all
    const bare = await fetch(emulator.url + WEBHOOKS, {method: 'POST', headers: {authorization: `Bearer ${emulator.apiKey}`}, body: new TextEncoder().encode(json)})
    const text = await bare.text()
    expectError({status: bare.status, headers: bare.headers, body: JSON.parse(text), text}, 415, {field: 'Content-Type'})
  })
  it('application/json with a charset is accepted', async () => {
    const response = await createRaw(JSON.stringify(valid), 'application/json; charset=utf-8')
    expect(response.status, response.text).toBe(201)
  })
  it('body over 100 KiB → 413 naming body; exactly 100 KiB is accepted', async () => {
    expectError(await createRaw(bodyOfSize(100 * 1024 + 1), 'application/json'), 413, {code: 'payload_too_large', field: 'body'})
    expectError(await createRaw(bodyOfSize(1024 * 1024), 'application/json'), 413, {field: 'body'})
    const ok = await createRaw(bodyOfSize(100 * 1024), 'application/json')
    expect(ok.status, ok.text).toBe(201)
  })
  it('a refused request creates no webhook', async () => {
    const before = await webhookCount()
    await create({url: 'ftp://example.com', events: ['email.received']})
    await create({url: valid.url, events: ['nope']})
    await create({...valid, secret: ''})
    await createRaw(JSON.stringify(valid), 'text/plain')
    await createRaw(bodyOfSize(200 * 1024), 'application/json')
    await api('POST', WEBHOOKS, {body: valid, key: 'jm_not_a_key'})
    expect(await webhookCount()).toBe(before)
  })
})

describe('POST /api/v1/webhooks: success', () => {
  it('201 with exactly {id,url,events,secret,createdAt}; id a UUID; secret whsec_+hex when omitted; createdAt ISO-8601 without millis', async () => {
    const before = Date.now()
    const response = await create(valid)
    expect(response.status, response.text).toBe(201)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(Object.keys(response.body)).toEqual(['data'])
    const data = response.body.data
    expect(Object.keys(data).sort()).toEqual(['createdAt', 'events', 'id', 'secret', 'url'])
    expect(data.id).toMatch(UUID)
    expect(data.url).toBe(valid.url)
    expect(data.events).toEqual(valid.events)
    expect(data.secret).toMatch(/^whsec_[0-9a-f]{32,}$/)
    expect(data.createdAt).toMatch(ISO_SECONDS)
    const createdAt = Date.parse(data.createdAt)
    expect(createdAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000)
    expect(createdAt).toBeLessThanOrEqual(Date.now())
  })
  it('two webhooks get different ids and different generated secrets', async () => {
    const [a, b] = [await create(valid), await create(valid)]
    expect(a.body.data.id).not.toBe(b.body.data.id)
    expect(a.body.data.secret).not.toBe(b.body.data.secret)
  })
  it('a given secret is echoed as given', async () => {
    const secret = 'my own secret, with spaces & ünicode'
    const response = await create({...valid, secret})
    expect(response.status, response.text).toBe(201)
    expect(response.body.data.secret).toBe(secret)
  })
  it('all five events, and an http:// URL with a port, are accepted', async () => {
    const response = await create({url: 'http://127.0.0.1:9/hook?x=1', events: KNOWN_EVENTS})
    expect(response.status, response.text).toBe(201)
    expect(response.body.data.events).toEqual(KNOWN_EVENTS)
  })
})

describe('GET and DELETE /api/v1/webhooks', () => {
  it('GET list: no secret anywhere; each webhook shows enabled and failureCount', async () => {
    const secret = 'whsec_list_should_never_show_this'
    const created = (await create({...valid, secret})).body.data
    const response = await api('GET', WEBHOOKS)
    expect(response.status, response.text).toBe(200)
    expect(response.text).not.toContain('secret')
    expect(response.text).not.toContain(secret)
    expect(response.text).not.toMatch(/whsec_/)
    const listed = response.body.data.find((w: {id: string}) => w.id === created.id)
    expect(listed).toMatchObject({id: created.id, url: valid.url, events: valid.events, createdAt: created.createdAt, enabled: true, failureCount: 0})
    for (const webhook of response.body.data) {
      expect(webhook).not.toHaveProperty('secret')
      expect(typeof webhook.enabled).toBe('boolean')
      expect(typeof webhook.failureCount).toBe('number')
    }
  })
  it('GET /:id shows the webhook without its secret', async () => {
    const created = (await create(valid)).body.data
    const response = await api('GET', `${WEBHOOKS}/${created.id}`)
    expect(response.status, response.text).toBe(200)
    expect(response.body.data).toEqual({id: created.id, url: valid.url, events: valid.events, createdAt: created.createdAt, enabled: true, failureCount: 0, disabledAt: null, disabledReason: null})
    expect(response.text).not.toContain('secret')
    expect(response.text).not.toContain(created.secret)
  })
  it('GET /:id of an unknown id → 404 JSON naming id', async () => {
    expectError(await api('GET', `${WEBHOOKS}/${UNKNOWN_ID}`), 404, {code: 'not_found', field: 'id', message: UNKNOWN_ID})
    expectError(await api('GET', `${WEBHOOKS}/not-a-uuid`), 404, {code: 'not_found', field: 'id'})
  })
  it('DELETE returns exactly {"message":"Webhook deleted successfully"}, then GET and a second DELETE are 404', async () => {
    const {id} = (await create(valid)).body.data
    const deleted = await api('DELETE', `${WEBHOOKS}/${id}`)
    expect(deleted.status, deleted.text).toBe(200)
    expect(deleted.body).toEqual({message: 'Webhook deleted successfully'})
    expectError(await api('GET', `${WEBHOOKS}/${id}`), 404, {code: 'not_found', field: 'id'})
    expectError(await api('DELETE', `${WEBHOOKS}/${id}`), 404, {code: 'not_found', field: 'id'})
    const listed = (await api('GET', WEBHOOKS)).body.data.map((w: {id: string}) => w.id)
    expect(listed).not.toContain(id)
  })
  it('DELETE of an unknown id → 404 JSON naming id', async () => {
    expectError(await api('DELETE', `${WEBHOOKS}/${UNKNOWN_ID}`), 404, {code: 'not_found', field: 'id'})
  })
})

describe('authentication and scopes', () => {
  const routes = (id: string): Array<[string, string, unknown?]> => [
    ['POST', WEBHOOKS, valid],
    ['GET', WEBHOOKS],
    ['GET', `${WEBHOOKS}/${id}`],
    ['DELETE', `${WEBHOOKS}/${id}`],
  ]
  let existing: string
  beforeAll(async () => {
    existing = (await create(valid)).body.data.id
  })

  it('no Authorization header → 401 naming Authorization, with WWW-Authenticate: Bearer', async () => {
    for (const [method, path, body] of routes(existing)) {
      const response = await api(method, path, {body, key: null})
      expectError(response, 401, {code: 'unauthorized', field: 'Authorization'})
      expect(response.headers.get('www-authenticate')).toBe('Bearer')
    }
  })
  it('wrong key → 401 naming Authorization', async () => {
    for (const [method, path, body] of routes(existing)) {
      expectError(await api(method, path, {body, key: 'jm_live_wrong'}), 401, {code: 'unauthorized', field: 'Authorization', message: /invalid API key/})
    }
  })
  it('Basic scheme (even carrying the right key) → 401', async () => {
    const basic = `Basic ${Buffer.from(`${emulator.apiKey}:`).toString('base64')}`
    for (const authorization of [basic, `Basic ${emulator.apiKey}`, emulator.apiKey, 'Bearer', 'Bearer ']) {
      expectError(await api('POST', WEBHOOKS, {body: valid, headers: {authorization}}), 401, {code: 'unauthorized', field: 'Authorization'})
    }
  })
  it('auth is checked before the body: a bad body with no key is 401, not 400', async () => {
    expectError(await api('POST', WEBHOOKS, {rawBody: '{oops', headers: {'content-type': 'application/json'}, key: null}), 401, {field: 'Authorization'})
  })
  it('a key without webhooks:manage → 403 naming Authorization, on every webhooks route', async () => {
    for (const scopes of [[], ['emails:read'], ['addresses:manage', 'emails:manage']]) {
      const key = await newKey(scopes)
      for (const [method, path, body] of routes(existing)) {
        expectError(await api(method, path, {body, key}), 403, {code: 'forbidden', field: 'Authorization', message: /webhooks:manage/})
      }
    }
    expect((await api('GET', `${WEBHOOKS}/${existing}`)).status).toBe(200)
  })
  it('a key with webhooks:manage → 201, and it can list, read and delete', async () => {
    const key = await newKey(['webhooks:manage'])
    const created = await api('POST', WEBHOOKS, {body: valid, key})
    expect(created.status, created.text).toBe(201)
    expect((await api('GET', WEBHOOKS, {key})).status).toBe(200)
    expect((await api('GET', `${WEBHOOKS}/${created.body.data.id}`, {key})).status).toBe(200)
    expect((await api('DELETE', `${WEBHOOKS}/${created.body.data.id}`, {key})).body).toEqual({message: 'Webhook deleted successfully'})
  })
})

describe('routes and methods', () => {
  it('unknown route → 404 JSON', async () => {
    for (const [method, path] of [['GET', '/api/v1/nothing'], ['POST', '/api/v1/webhook'], ['GET', '/api/v2/webhooks'], ['GET', '/'], ['DELETE', `${WEBHOOKS}/a/b`]]) {
      expectError(await api(method, path), 404, {code: 'not_found', message: /no route/})
    }
  })
  it('wrong method → 405 JSON with an Allow header listing the allowed methods', async () => {
    const cases: Array<[string, string, string[]]> = [
      ['PUT', WEBHOOKS, ['GET', 'HEAD', 'POST']],
      ['PATCH', WEBHOOKS, ['GET', 'HEAD', 'POST']],
      ['DELETE', WEBHOOKS, ['GET', 'HEAD', 'POST']],
      ['PATCH', `${WEBHOOKS}/${UNKNOWN_ID}`, ['DELETE', 'GET', 'HEAD']],
      ['PUT', `${WEBHOOKS}/${UNKNOWN_ID}`, ['DELETE', 'GET', 'HEAD']],
      ['POST', `${WEBHOOKS}/${UNKNOWN_ID}`, ['DELETE', 'GET', 'HEAD']],
    ]
    for (const [method, path, allowed] of cases) {
      const response = await api(method, path, {body: valid})
      expectError(response, 405, {code: 'method_not_allowed', message: new RegExp(`^${method} is not allowed`)})
      const allow = response.headers.get('allow')
      expect(allow, `${method} ${path}`).not.toBeNull()
      expect(allow!.split(',').map((m) => m.trim()).sort()).toEqual(allowed)
    }
  })
  it('OPTIONS on an existing resource is a wrong method too → 405 with Allow, not "no route"', async () => {
    const response = await api('OPTIONS', WEBHOOKS)
    expectError(response, 405, {code: 'method_not_allowed'})
    expect(response.headers.get('allow')!.split(',').map((m) => m.trim()).sort()).toEqual(['GET', 'HEAD', 'POST'])
  })
})

describe('emulator routes', () => {
  const TRIGGER = '/_emulator/v1/events'
  it('trigger with an unknown event → 400 naming event, listing known events', async () => {
    const error = expectError(await api('POST', TRIGGER, {body: {event: 'email.sent'}}), 400, {field: 'event', message: /unknown event "email\.sent"/})
    for (const name of KNOWN_EVENTS) expect(error.message).toContain(name)
  })
  it('trigger without event, or with a non-object body → 400 naming the field', async () => {
    expectInvalid(await api('POST', TRIGGER, {body: {}}), 'event', /required/)
    expectInvalid(await api('POST', TRIGGER, {body: ['email.received']}), 'body', /JSON object/)
  })
  it('trigger with `set` of an unknown field → 400 naming set.<field>', async () => {
    expectError(await api('POST', TRIGGER, {body: {event: 'email.received', set: {bogus: 'x'}}}), 400, {field: 'set.bogus', message: /bogus/})
    expectError(await api('POST', TRIGGER, {body: {event: 'address.expired', set: {subject: 'x'}}}), 400, {field: 'set.subject'})
  })
  it('trigger with `set` keys that name built-in object properties → 400 unknown_field, nothing fired', async () => {
    const before = (await api('GET', `${TRIGGER}?limit=100000`)).body.data.length
    for (const key of ['constructor', 'toString', 'data.__proto__', 'hasOwnProperty']) {
      const response = await api('POST', TRIGGER, {rawBody: `{"event":"email.received","set":{${JSON.stringify(key)}:"x"}}`, headers: {'content-type': 'application/json'}})
      expectError(response, 400, {code: 'unknown_field', field: `set.${key}`})
    }
    // A "__proto__" key is refused by the JSON parser itself.
    const proto = await api('POST', TRIGGER, {rawBody: '{"event":"email.received","set":{"__proto__":"x"}}', headers: {'content-type': 'application/json'}})
    expectError(proto, 400, {code: 'invalid_json', field: 'body'})
    expect((await api('GET', `${TRIGGER}?limit=100000`)).body.data.length).toBe(before)
  })
  it('trigger with a non-string `set` value → 400 naming set.<field>', async () => {
    expectInvalid(await api('POST', TRIGGER, {body: {event: 'email.received', set: {subject: 5}}}), 'set.subject', /string/)
  })
  it('trigger with an unknown webhookId → 404 naming webhookId', async () => {
    expectError(await api('POST', TRIGGER, {body: {event: 'email.received', webhookId: UNKNOWN_ID}}), 404, {code: 'not_found', field: 'webhookId', message: UNKNOWN_ID})
  })
  it('trigger aimed at a webhook not subscribed to the event → 409 naming webhookId', async () => {
    const {id} = (await create({url: 'http://127.0.0.1:9/hook', events: ['address.expired']})).body.data
    const before = (await api('GET', `${TRIGGER}?limit=100000`)).body.data.length
    expectError(await api('POST', TRIGGER, {body: {event: 'email.received', webhookId: id}}), 409, {code: 'not_subscribed', field: 'webhookId', message: /not subscribed to email\.received/})
    expect((await api('GET', `${TRIGGER}?limit=100000`)).body.data.length).toBe(before)
  })
  it('GET events?limit=0 (or negative, fractional, not a number) → 400 naming limit', async () => {
    expectInvalid(await api('GET', `${TRIGGER}?limit=0`), 'limit', /at least 1/)
    expectInvalid(await api('GET', `${TRIGGER}?limit=-5`), 'limit', /at least 1/)
    expectInvalid(await api('GET', `${TRIGGER}?limit=1.5`), 'limit', /whole number/)
    expectInvalid(await api('GET', `${TRIGGER}?limit=abc`), 'limit', /number/)
    expectInvalid(await api('GET', `${TRIGGER}?limit=100001`), 'limit', /at most 100000/)
  })
  it('the emulator routes need a valid key too: 401 without one', async () => {
    expectError(await api('GET', `${TRIGGER}?limit=0`, {key: null}), 401, {field: 'Authorization'})
    expectError(await api('POST', TRIGGER, {body: {event: 'email.received'}, key: 'jm_wrong'}), 401, {field: 'Authorization'})
  })
})

describe('after every bad request', () => {
  it('the emulator is still up: health 200, status reports no store error, a webhook can still be created', async () => {
    const health = await api('GET', '/_emulator/v1/health', {key: null})
    expect(health.status).toBe(200)
    expect(health.body).toEqual({status: 'ok'})
    const status = await api('GET', '/_emulator/v1/status')
    expect(status.status).toBe(200)
    expect(status.body.data.storeError).toBeNull()
    expect((await create(valid)).status).toBe(201)
  })
})
