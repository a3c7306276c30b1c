import {randomUUID} from 'node:crypto'
import {rm} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runCli} from './support/cli.js'
import {type ApiResponse, recordedEvents, startTestEmulator} from './support/emulator.js'
import {sendOnce} from './support/smtp-dialogue.js'
import {spoolOnDisk} from './support/spool.js'
import {tempDir} from './support/temp-dir.js'
import {deliveriesSettled} from './support/wait-until.js'
import {subscribe} from './support/webhook-inbox.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** A small message, CRLF throughout. */
const message = (subject: string, from = 'sender@example.com') => Buffer.from(`From: ${from}\r\nSubject: ${subject}\r\n\r\nbody of ${subject}\r\n`)

/** Asserts a JSON error answer: its status, the field it names (none when null) and, if given, its code. */
function expectError(response: ApiResponse, status: number, field: string | null, code?: string) {
  expect(response.status, response.text).toBe(status)
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  expect(response.body.error).toMatchObject({status, code: expect.any(String), message: expect.any(String)})
  expect(response.body.error.field, response.text).toBe(field ?? undefined)
  if (code !== undefined) expect(response.body.error.code, response.text).toBe(code)
}

describe('deleting mail and addresses', () => {
  it('DELETE an email fires email.deleted, then it is 404 and its bytes are let go; DELETE an address fires address.deleted and takes its emails and their bytes with it; the space comes back', async () => {
    const dataDir = await tempDir()
    // (Compacted as soon as half the spool is deleted mail, whatever its size.)
    const spool = {compactMinDeadBytes: 1}
    const emulator = await startTestEmulator({dataDir, spool})
    const inbox = await subscribe(emulator.api, ['email.deleted', 'address.deleted'])
    const send = async (to: string, subject: string) => (await sendOnce(emulator.smtpPort!, {from: 'sender@example.com', to: [to], message: message(subject)})).emailIds[0]
    const [a1, a2, b1] = [await send('keep-a@junkmail.local', 'a1'), await send('keep-a@junkmail.local', 'a2'), await send('keep-b@junkmail.local', 'b1')]
    const named = async () => [...(await spoolOnDisk(dataDir)).named.keys()].sort()
    expect(await named()).toEqual([a1, a2, b1].sort())
    expect((await spoolOnDisk(dataDir)).unnamedBytes).toBe(0)
    const addressA: string = (await emulator.api('GET', `/api/v1/emails/${a1}`)).body.data.addressId
    const addressB: string = (await emulator.api('GET', `/api/v1/emails/${b1}`)).body.data.addressId

    // One email.
    const deleted = await emulator.api('DELETE', `/api/v1/emails/${a1}`)
    expect(deleted.status).toBe(200)
    expect(deleted.body).toEqual({message: 'Email deleted successfully'})
    const [emailDeleted] = await inbox.waitFor('email.deleted', 1)
    inbox.expectSigned(emailDeleted)
    expect(Object.keys(emailDeleted.data)).toEqual(['emailId', 'addressId', 'deletedAt'])
    expect(emailDeleted.data).toMatchObject({emailId: a1, addressId: addressA})
    expectError(await emulator.api('GET', `/api/v1/emails/${a1}`), 404, 'id')
    expectError(await emulator.api('GET', `/api/v1/emails/${a1}/raw`), 404, 'id')
    expectError(await emulator.api('DELETE', `/api/v1/emails/${a1}`), 404, 'id')
    expect(await named()).toEqual([a2, b1].sort())
    expect((await emulator.api('GET', `/api/v1/addresses/${addressA}/emails`)).body.data.map((e: any) => e.id)).toEqual([a2])

    // One address, with its remaining email.
    const gone = await emulator.api('DELETE', `/api/v1/addresses/${addressA}`)
    expect(gone.status).toBe(200)
    expect(gone.body).toEqual({message: 'Address deleted successfully'})
    const [addressDeleted] = await inbox.waitFor('address.deleted', 1)
    inbox.expectSigned(addressDeleted)
    expect(Object.keys(addressDeleted.data)).toEqual(['addressId', 'email', 'deletedAt'])
    expect(addressDeleted.data).toMatchObject({addressId: addressA, email: 'keep-a@junkmail.local'})
    expectError(await emulator.api('GET', `/api/v1/addresses/${addressA}`), 404, 'id')
    expectError(await emulator.api('GET', `/api/v1/addresses/${addressA}/emails`), 404, 'id')
    expectError(await emulator.api('GET', `/api/v1/emails?addressId=${addressA}`), 404, 'id')
    expectError(await emulator.api('GET', `/api/v1/emails/${a2}`), 404, 'id')
    expectError(await emulator.api('GET', `/api/v1/emails/${a2}/raw`), 404, 'id')
    expectError(await emulator.api('DELETE', `/api/v1/addresses/${addressA}`), 404, 'id')
    // Two thirds of the spool were deleted mail: compacted (in the background: read the spool once it
    // is done, not while it moves files), only b1's bytes are left.
    await emulator.context.mail.raw.idle()
    expect(await named()).toEqual([b1])
    const left = await spoolOnDisk(dataDir)
    expect(left.unnamedBytes).toBe(0)
    expect(left.bytes).toBe(message('b1').length)
    expect(left.named.get(b1)).toEqual(message('b1'))
    // Deleting an address's mail does not fire email.deleted for each (only address.deleted): the
    // events recorded, and then everything the webhook got once nothing is pending.
    expect((await recordedEvents(emulator.api)).filter((e) => e.type !== 'email.received').map((e) => [e.type, e.payload.data.emailId ?? e.payload.data.addressId])).toEqual([
      ['address.created', addressA],
      ['address.created', addressB],
      ['email.deleted', a1],
      ['address.deleted', addressA],
    ])
    expect(await deliveriesSettled(emulator.api)).toMatchObject({deliveries: 2})
    expect(inbox.all().map((n) => n.event)).toEqual(['email.deleted', 'address.deleted'])

    // The other address is untouched.
    expect((await emulator.api('GET', '/api/v1/emails')).body.data.map((e: any) => e.id)).toEqual([b1])
    expect((await emulator.api('GET', `/api/v1/addresses/${addressB}`)).body.data.status).toBe('active')

    // After a restart on the same data dir, the deletions hold.
    await emulator.stop()
    const again = await startTestEmulator({dataDir, spool})
    expect((await again.api('GET', '/api/v1/emails')).body.data.map((e: any) => e.id)).toEqual([b1])
    expectError(await again.api('GET', `/api/v1/addresses/${addressA}`), 404, 'id')
    await again.context.mail.raw.idle()
    expect(await named()).toEqual([b1])
    expect((await again.api('GET', `/api/v1/emails/${b1}/raw`)).text).toBe(message('b1').toString())
    // Deleting the last mail empties the spool.
    expect((await again.api('DELETE', `/api/v1/emails/${b1}`)).status).toBe(200)
    await again.context.mail.raw.idle()
    expect((await spoolOnDisk(dataDir)).bytes).toBe(0)
    await again.stop()
  })

  it('an email whose bytes went missing from the data dir answers 410 on the routes that need the bytes, and can still be deleted', async () => {
    const dataDir = await tempDir()
    const emulator = await startTestEmulator({dataDir})
    const sent = await sendOnce(emulator.smtpPort!, {from: 'sender@example.com', to: ['lost@junkmail.local'], message: message('lost bytes')})
    const id = sent.emailIds[0]
    await rm(join(dataDir, 'mail', 'spool-1.seg'))
    for (const path of [`/api/v1/emails/${id}`, `/api/v1/emails/${id}/raw`, `/api/v1/emails/${id}/attachments/0`]) {
      const response = await emulator.api('GET', path)
      expectError(response, 410, 'id')
      expect(response.body.error.code).toBe('raw_missing')
    }
    expect((await emulator.api('GET', '/api/v1/emails')).body.data.map((e: any) => e.subject)).toEqual(['lost bytes'])
    expect((await emulator.api('DELETE', `/api/v1/emails/${id}`)).status).toBe(200)
    expectError(await emulator.api('GET', `/api/v1/emails/${id}`), 404, 'id')
  })

  it('mail to a deleted address creates it afresh (new id), in the default mode', async () => {
    const emulator = await startTestEmulator()
    const first = await sendOnce(emulator.smtpPort!, {from: 'sender@example.com', to: ['again@junkmail.local'], message: message('first')})
    const {body} = await emulator.api('GET', `/api/v1/emails/${first.emailIds[0]}`)
    expect((await emulator.api('DELETE', `/api/v1/addresses/${body.data.addressId}`)).status).toBe(200)
    const second = await sendOnce(emulator.smtpPort!, {from: 'sender@example.com', to: ['again@junkmail.local'], message: message('second')})
    expect(second.data?.code).toBe(250)
    const {body: b2} = await emulator.api('GET', `/api/v1/emails/${second.emailIds[0]}`)
    expect(b2.data.addressId).not.toBe(body.data.addressId)
    expect((await emulator.api('GET', '/api/v1/emails')).body.data.map((e: any) => e.subject)).toEqual(['second'])
  })
})

describe('triggered events act on real resources', () => {
  it('email.received: the payload ids resolve through the API, and the stored email matches the payload', async () => {
    const emulator = await startTestEmulator()
    const inbox = await subscribe(emulator.api, ['email.received', 'address.created'])
    for (const set of [undefined, {subject: 'Your code is 123456', from: 'alice@example.com'}]) {
      const triggered = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.received', ...(set ? {set} : {}), wait: true}})
      expect(triggered.status, triggered.text).toBe(201)
      const payload = triggered.body.data.event.payload
      const {emailId, addressId, from, subject, receivedAt} = payload.data
      expect(Object.keys(payload.data)).toEqual(['emailId', 'addressId', 'from', 'subject', 'receivedAt'])
      if (set) expect({from, subject}).toEqual(set)

      const email = await emulator.api('GET', `/api/v1/emails/${emailId}`)
      expect(email.status).toBe(200)
      expect(email.body.data).toMatchObject({id: emailId, addressId, from, subject, receivedAt})
      expect(email.body.data.text).toMatch(/Sent by junkmail trigger/)
      const address = await emulator.api('GET', `/api/v1/addresses/${addressId}`)
      expect(address.status).toBe(200)
      expect(address.body.data).toMatchObject({id: addressId, status: 'active', email: email.body.data.to})
      expect((await emulator.api('GET', `/api/v1/addresses/${addressId}/emails`)).body.data.map((e: any) => e.id)).toEqual([emailId])
      const raw = await emulator.api('GET', `/api/v1/emails/${emailId}/raw`)
      expect(raw.status).toBe(200)
      expect(raw.text).toContain(`To: ${email.body.data.to}`)
    }
    // The webhook got the same payloads; the address created quietly for them fired no address.created.
    expect((await recordedEvents(emulator.api)).map((e) => e.type)).toEqual(['email.received', 'email.received'])
    await deliveriesSettled(emulator.api)
    const received = inbox.all()
    expect(received.map((n) => n.event)).toEqual(['email.received', 'email.received'])
    for (const n of received) expect((await emulator.api('GET', `/api/v1/emails/${n.data.emailId}`)).status).toBe(200)
  })

  it('email.received into an existing address (set.addressId), and a --set from that is not an address is kept as asked', async () => {
    const emulator = await startTestEmulator()
    const {body: created} = await emulator.api('POST', '/api/v1/addresses', {body: {localPart: 'target'}})
    const triggered = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.received', set: {addressId: created.data.id, from: 'Not An Address'}}})
    expect(triggered.status, triggered.text).toBe(201)
    const {data} = triggered.body.data.event.payload
    expect(data).toMatchObject({addressId: created.data.id, from: 'Not An Address'})
    const email = await emulator.api('GET', `/api/v1/emails/${data.emailId}`)
    expect(email.body.data).toMatchObject({addressId: created.data.id, to: 'target@junkmail.local', from: 'Not An Address'})
    // An unknown or generated id is refused and creates nothing.
    expectError(await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.received', set: {addressId: randomUUID()}}}), 404, 'set.addressId', 'not_found')
    expectError(await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.deleted', set: {emailId: randomUUID()}}}), 404, 'set.emailId', 'not_found')
    expectError(await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'address.deleted', set: {addressId: randomUUID()}}}), 404, 'set.addressId', 'not_found')
    expectError(await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.received', set: {emailId: randomUUID()}}}), 400, 'set.emailId')
    expect((await emulator.api('GET', '/api/v1/emails')).body.data).toHaveLength(1)
  })

  it('a --set value that would become a header line with CR, LF or NUL in it is refused (400 naming it): no header injection, nothing created', async () => {
    const emulator = await startTestEmulator()
    const cases: Array<[string, Record<string, string>, string]> = [
      ['email.received', {from: 'a@b.example\r\nBcc: victim@x.example'}, 'set.from'],
      ['email.received', {from: 'a@b.example\nBcc: victim@x.example'}, 'set.from'],
      ['email.received', {subject: 'Hello\r\nBcc: victim@x.example'}, 'set.subject'],
      ['email.received', {subject: 'nul\u0000byte'}, 'set.subject'],
      ['email.received', {from: 'x@y.example\rBcc: v@x.example'}, 'set.from'],
    ]
    for (const [event, set, field] of cases) {
      const response = await emulator.api('POST', '/_emulator/v1/events', {body: {event, set}})
      expectError(response, 400, field, 'invalid_value')
      expect(response.body.error.message).toContain('must not contain CR, LF or NUL')
    }
    expect((await emulator.api('GET', '/api/v1/emails')).body.data).toEqual([])
    expect((await emulator.api('GET', '/api/v1/addresses')).body.data).toEqual([])
    expect(await recordedEvents(emulator.api)).toEqual([])
    // Unicode and tabs are fine (the subject is encoded as an RFC 2047 word).
    const ok = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.received', set: {subject: 'Tab\there — ünïcode'}, wait: true}})
    expect(ok.status, ok.text).toBe(201)
    const {body} = await emulator.api('GET', `/api/v1/emails/${ok.body.data.event.payload.data.emailId}`)
    expect(body.data.subject).toBe('Tab\there — ünïcode')
    expect(body.data.headers.map((h: {name: string}) => h.name)).not.toContain('Bcc')
  })

  it('address.created: the payload addressId resolves, with the same email and dates; set.email picks the local part', async () => {
    const emulator = await startTestEmulator()
    for (const set of [undefined, {email: 'Chosen.One@junkmail.local'}]) {
      const triggered = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'address.created', ...(set ? {set} : {})}})
      expect(triggered.status, triggered.text).toBe(201)
      const {data} = triggered.body.data.event.payload
      expect(Object.keys(data)).toEqual(['addressId', 'email', 'createdAt', 'expiresAt'])
      expect(data.addressId).toMatch(UUID)
      if (set) expect(data.email).toBe('chosen.one@junkmail.local')
      const address = await emulator.api('GET', `/api/v1/addresses/${data.addressId}`)
      expect(address.status).toBe(200)
      expect(address.body.data).toMatchObject({id: data.addressId, email: data.email, createdAt: data.createdAt, expiresAt: data.expiresAt, status: 'active'})
      // And it takes mail.
      const sent = await sendOnce(emulator.smtpPort!, {from: 'sender@example.com', to: [data.email], message: message('to a triggered address')})
      expect(sent.data?.code).toBe(250)
      expect((await emulator.api('GET', `/api/v1/emails/${sent.emailIds[0]}`)).body.data.addressId).toBe(data.addressId)
    }
    expectError(await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'address.created', set: {email: 'chosen.one@junkmail.local'}}}), 409, 'localPart')
    expectError(await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'address.created', set: {email: 'x@example.com'}}}), 400, 'set.email')
  })

  it('email.deleted, address.expired and address.deleted triggers change the resources they name', async () => {
    const emulator = await startTestEmulator()
    const sent = await sendOnce(emulator.smtpPort!, {from: 'sender@example.com', to: ['victim@junkmail.local'], message: message('doomed')})
    const emailId = sent.emailIds[0]
    const addressId: string = (await emulator.api('GET', `/api/v1/emails/${emailId}`)).body.data.addressId

    const deleted = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.deleted', set: {emailId}}})
    expect(deleted.status, deleted.text).toBe(201)
    expect(deleted.body.data.event.payload.data).toMatchObject({emailId, addressId})
    expectError(await emulator.api('GET', `/api/v1/emails/${emailId}`), 404, 'id')

    const expired = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'address.expired', set: {addressId}}})
    expect(expired.status, expired.text).toBe(201)
    expect(expired.body.data.event.payload.data).toMatchObject({addressId, email: 'victim@junkmail.local'})
    expect((await emulator.api('GET', `/api/v1/addresses/${addressId}`)).body.data.status).toBe('expired')
    const refused = await sendOnce(emulator.smtpPort!, {from: 'sender@example.com', to: ['victim@junkmail.local'], message: message('late')})
    expect(refused.rcpt[0].code).toBe(550)

    const gone = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'address.deleted', set: {addressId}}})
    expect(gone.status, gone.text).toBe(201)
    expectError(await emulator.api('GET', `/api/v1/addresses/${addressId}`), 404, 'id')
  })

  it('`junkmail trigger email.received --json` (the real CLI): the ids it prints resolve through the API', async () => {
    const emulator = await startTestEmulator()
    const result = await runCli(['trigger', 'email.received', '--set', 'subject=From the CLI', '--api-url', emulator.url, '--json'])
    expect(result.code, result.stderr).toBe(0)
    const {event} = JSON.parse(result.stdout)
    const {emailId, addressId, subject} = event.payload.data
    expect(subject).toBe('From the CLI')
    expect((await emulator.api('GET', `/api/v1/emails/${emailId}`)).body.data).toMatchObject({id: emailId, addressId, subject: 'From the CLI'})
    expect((await emulator.api('GET', `/api/v1/addresses/${addressId}`)).status).toBe(200)
  })
})

describe('auth, scopes, unknown ids and validation on the mail routes', () => {
  it('401 without a key or with an unknown one, on every mail route', async () => {
    const emulator = await startTestEmulator()
    const id = randomUUID()
    const routes: Array<[string, string]> = [
      ['POST', '/api/v1/addresses'],
      ['GET', '/api/v1/addresses'],
      ['GET', `/api/v1/addresses/${id}`],
      ['DELETE', `/api/v1/addresses/${id}`],
      ['GET', `/api/v1/addresses/${id}/emails`],
      ['GET', '/api/v1/emails'],
      ['GET', `/api/v1/emails/${id}`],
      ['DELETE', `/api/v1/emails/${id}`],
      ['GET', `/api/v1/emails/${id}/raw`],
      ['GET', `/api/v1/emails/${id}/attachments/0`],
      ['POST', `/_emulator/v1/addresses/${id}/expire`],
    ]
    for (const [method, path] of routes) {
      const none = await emulator.api(method, path, {key: null})
      expectError(none, 401, 'Authorization')
      expect(none.headers.get('www-authenticate'), `${method} ${path}`).toBe('Bearer')
      expectError(await emulator.api(method, path, {key: 'jm_test_no_such_key'}), 401, 'Authorization')
    }
    // Nothing was created by the refused POST.
    expect((await emulator.api('GET', '/api/v1/addresses')).body.data).toEqual([])
  })

  it('403 for a key without the route\'s scope; each scope opens exactly its routes', async () => {
    const emulator = await startTestEmulator()
    const sent = await sendOnce(emulator.smtpPort!, {from: 'sender@example.com', to: ['scoped@junkmail.local'], message: message('scoped')})
    const emailId = sent.emailIds[0]
    const addressId: string = (await emulator.api('GET', `/api/v1/emails/${emailId}`)).body.data.addressId
    const keyWith = async (scopes: string[]) => {
      const created = await emulator.api('POST', '/_emulator/v1/api-keys', {body: {scopes}})
      expect(created.status, created.text).toBe(201)
      return created.body.data.key as string
    }
    // route → the scope it needs (read-only calls, so they can be tried with every key).
    const routes: Array<[string, string, string]> = [
      ['GET', '/api/v1/addresses', 'addresses:manage'],
      ['GET', `/api/v1/addresses/${addressId}`, 'addresses:manage'],
      ['GET', `/api/v1/addresses/${addressId}/emails`, 'emails:read'],
      ['GET', '/api/v1/emails', 'emails:read'],
      ['GET', `/api/v1/emails/${emailId}`, 'emails:read'],
      ['GET', `/api/v1/emails/${emailId}/raw`, 'emails:read'],
    ]
    for (const scope of ['webhooks:manage', 'addresses:manage', 'emails:read', 'emails:manage']) {
      const key = await keyWith([scope])
      for (const [method, path, needed] of routes) {
        const response = await emulator.api(method, path, {key})
        if (needed === scope) expect(response.status, `${scope}: ${method} ${path}`).toBe(200)
        else expectError(response, 403, 'Authorization')
      }
    }
    // Writes: only the right scope, and a refused write changes nothing.
    const reader = await keyWith(['emails:read', 'webhooks:manage'])
    expectError(await emulator.api('DELETE', `/api/v1/emails/${emailId}`, {key: reader}), 403, 'Authorization')
    expectError(await emulator.api('POST', '/api/v1/addresses', {key: reader, body: {localPart: 'nope'}}), 403, 'Authorization')
    expectError(await emulator.api('DELETE', `/api/v1/addresses/${addressId}`, {key: reader}), 403, 'Authorization')
    expect((await emulator.api('GET', `/api/v1/emails/${emailId}`)).status).toBe(200)
    expect((await emulator.api('GET', '/api/v1/addresses')).body.data).toHaveLength(1)
    const manager = await keyWith(['emails:manage'])
    expect((await emulator.api('DELETE', `/api/v1/emails/${emailId}`, {key: manager})).status).toBe(200)
    const addresser = await keyWith(['addresses:manage'])
    expect((await emulator.api('POST', '/api/v1/addresses', {key: addresser, body: {localPart: 'made-by-scope'}})).status).toBe(201)
    expect((await emulator.api('DELETE', `/api/v1/addresses/${addressId}`, {key: addresser})).status).toBe(200)
    // A key that is not `*` cannot mint keys.
    expectError(await emulator.api('POST', '/_emulator/v1/api-keys', {key: addresser, body: {scopes: ['*']}}), 403, 'Authorization', 'forbidden')
  })

  it('404 JSON naming the id for unknown addresses, emails and attachments; 405 for other methods', async () => {
    const emulator = await startTestEmulator()
    const id = randomUUID()
    for (const [method, path] of [
      ['GET', `/api/v1/addresses/${id}`],
      ['DELETE', `/api/v1/addresses/${id}`],
      ['GET', `/api/v1/addresses/${id}/emails`],
      ['GET', `/api/v1/emails?addressId=${id}`],
      ['GET', `/api/v1/emails/${id}`],
      ['DELETE', `/api/v1/emails/${id}`],
      ['GET', `/api/v1/emails/${id}/raw`],
      ['GET', `/api/v1/emails/${id}/attachments/0`],
      ['POST', `/_emulator/v1/addresses/${id}/expire`],
      ['GET', '/api/v1/addresses/not-even-a-uuid'],
    ]) {
      const response = await emulator.api(method, path)
      expectError(response, 404, 'id')
      expect(response.body.error.code).toBe('not_found')
    }
    const sent = await sendOnce(emulator.smtpPort!, {from: 'sender@example.com', to: ['plain@junkmail.local'], message: message('no attachments')})
    expectError(await emulator.api('GET', `/api/v1/emails/${sent.emailIds[0]}/attachments/0`), 404, 'n')
    expectError(await emulator.api('GET', `/api/v1/emails/${sent.emailIds[0]}/attachments/-1`), 400, 'n')
    const put = await emulator.api('PUT', `/api/v1/emails/${sent.emailIds[0]}`)
    expectError(put, 405, null, 'method_not_allowed')
    expect(put.headers.get('allow')).toBe('GET, DELETE, HEAD')
  })

  it('POST /api/v1/addresses: validation (localPart, lifetime, unknown fields), 409 for a duplicate, defaults otherwise', async () => {
    const emulator = await startTestEmulator({timeScale: 60})
    const post = (body: unknown) => emulator.api('POST', '/api/v1/addresses', {body})
    for (const localPart of ['bad chars!', 'has space', '-leading', 'trailing.', 'a..b', 'émile', 'x@y', 'a'.repeat(65), '', 42]) {
      expectError(await post({localPart}), 400, 'localPart')
    }
    for (const lifetime of [59, 0, -1, 2_592_001, 1.5, '3600', null]) {
      expectError(await post({lifetime}), 400, 'lifetime')
    }
    expectError(await post({localPart: 'ok', other: true}), 400, 'body', 'validation_error')
    expectError(await post([]), 400, 'body', 'validation_error')
    expectError(await emulator.api('POST', '/api/v1/addresses', {rawBody: '{"localPart":', headers: {'content-type': 'application/json'}}), 400, 'body', 'invalid_json')
    expectError(await emulator.api('POST', '/api/v1/addresses', {rawBody: 'localPart=x', headers: {'content-type': 'application/x-www-form-urlencoded'}}), 415, 'Content-Type', 'unsupported_media_type')
    // Nothing was created by any of those.
    expect((await emulator.api('GET', '/api/v1/addresses')).body.data).toEqual([])

    const created = await post({localPart: 'Signup.Test+1', lifetime: 60})
    expect(created.status, created.text).toBe(201)
    expect(created.body.data).toMatchObject({email: 'signup.test+1@junkmail.local', status: 'active', expiredAt: null})
    expect(created.body.data.id).toMatch(UUID)
    // 60 s, as asked: address lifetimes are not compressed by the time scale unless asked to be.
    expect(Date.parse(created.body.data.expiresAt) - Date.parse(created.body.data.createdAt)).toBe(60_000)
    const duplicate = await post({localPart: 'signup.test+1'})
    expectError(duplicate, 409, 'localPart')
    expectError(await post({localPart: 'SIGNUP.TEST+1'}), 409, 'localPart')
    // At the limits.
    expect((await post({localPart: 'a'.repeat(64), lifetime: 2_592_000})).status).toBe(201)
    expect((await post({localPart: 'z', lifetime: 60})).status).toBe(201)

    // No body, an empty object: a random address with the default lifetime (3600 s, as asked).
    for (const options of [{}, {body: {}}]) {
      const random = await emulator.api('POST', '/api/v1/addresses', options)
      expect(random.status, random.text).toBe(201)
      expect(random.body.data.email).toMatch(/^[a-z]+-[a-z]+-\d{4}@junkmail\.local$/)
      expect(Date.parse(random.body.data.expiresAt) - Date.parse(random.body.data.createdAt)).toBe(3_600_000)
    }
    const {body: listed} = await emulator.api('GET', '/api/v1/addresses')
    expect(listed.data).toHaveLength(5)
    expect((await emulator.api('GET', '/api/v1/addresses?limit=2')).body.data).toHaveLength(2)
    expectError(await emulator.api('GET', '/api/v1/addresses?limit=0'), 400, 'limit')
  })

  it('GET /api/v1/emails lists newest first, filters by addressId and honours limit', async () => {
    const emulator = await startTestEmulator()
    const ids: string[] = []
    for (const [to, subject] of [['one@junkmail.local', 's1'], ['two@junkmail.local', 's2'], ['one@junkmail.local', 's3']]) {
      ids.push((await sendOnce(emulator.smtpPort!, {from: 'sender@example.com', to: [to], message: message(subject)})).emailIds[0])
    }
    const {body: all} = await emulator.api('GET', '/api/v1/emails')
    expect(all.data.map((e: any) => e.subject)).toEqual(['s3', 's2', 's1'])
    expect(Object.keys(all.data[0]).sort()).toEqual(['addressId', 'from', 'id', 'messageId', 'parseError', 'receivedAt', 'size', 'subject', 'to'])
    const one: string = all.data[0].addressId
    expect((await emulator.api('GET', `/api/v1/emails?addressId=${one}`)).body.data.map((e: any) => e.subject)).toEqual(['s3', 's1'])
    expect((await emulator.api('GET', `/api/v1/addresses/${one}/emails`)).body.data.map((e: any) => e.subject)).toEqual(['s3', 's1'])
    expect((await emulator.api('GET', '/api/v1/emails?limit=1')).body.data.map((e: any) => e.id)).toEqual([ids[2]])
    expectError(await emulator.api('GET', '/api/v1/emails?limit=abc'), 400, 'limit')
  })
})
