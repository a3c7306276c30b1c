import {describe, expect, it} from 'vitest'
import {junkmail} from '../src/providers/junkmail/index.js'
import {startTestEmulator} from './support/emulator.js'
import {verifyLikeContractNodeHandler, verifySignature, verifyWithPython} from './support/contract-verify.js'
import {startReceiver} from './support/receiver.js'
import {tempDir} from './support/temp-dir.js'
import {deliveriesSettled} from './support/wait-until.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/

/** The documented `data` of each event: field → check. */
const documented: Record<string, Record<string, RegExp>> = {
  'email.received': {emailId: UUID, addressId: UUID, from: EMAIL, subject: /^.+$/, receivedAt: ISO},
  'email.deleted': {emailId: UUID, addressId: UUID, deletedAt: ISO},
  'address.created': {addressId: UUID, email: /@junkmail\.local$/, createdAt: ISO, expiresAt: ISO},
  'address.expired': {addressId: UUID, email: /@junkmail\.local$/, expiredAt: ISO},
  'address.deleted': {addressId: UUID, email: /@junkmail\.local$/, deletedAt: ISO},
}

describe('signed delivery of every catalog event', () => {
  it('covers the whole catalog', () => {
    expect(junkmail.catalog.map((e) => e.type).sort()).toEqual(Object.keys(documented).sort())
  })

  for (const type of Object.keys(documented)) {
    it(`${type}: documented headers, documented payload, signature valid for the contract's Node and Python checks`, async () => {
      const dir = await tempDir()
      const receiver = await startReceiver()
      const emulator = await startTestEmulator()
      const created = await emulator.api('POST', '/api/v1/webhooks', {body: {url: `${receiver.url}/webhooks/junkmail`, events: [type]}})
      expect(created.status).toBe(201)
      const secret: string = created.body.data.secret

      const before = Date.now()
      const triggered = await emulator.api('POST', '/_emulator/v1/events', {body: {event: type, wait: true}})
      expect(triggered.status).toBe(201)
      const [request] = await receiver.waitFor(1)
      const after = Date.now()

      // Request line and headers: exactly the documented ones, plus what HTTP/1.1 itself needs.
      expect(request.method).toBe('POST')
      expect(request.url).toBe('/webhooks/junkmail')
      expect(request.rawHeaderNames.filter((h) => !['host', 'connection', 'content-length'].includes(h.toLowerCase()))).toEqual([
        'Content-Type',
        'X-JunkMail-Signature',
        'X-JunkMail-Timestamp',
      ])
      expect(request.headers['content-type']).toBe('application/json')
      expect(request.headers['content-length']).toBe(String(request.body.length))
      expect(request.headers['transfer-encoding']).toBeUndefined()
      const signature = request.headers['x-junkmail-signature'] as string
      expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/)
      const headerTimestamp = Number(request.headers['x-junkmail-timestamp'])
      expect(String(headerTimestamp)).toBe(request.headers['x-junkmail-timestamp'])
      expect(headerTimestamp).toBeGreaterThanOrEqual(before)
      expect(headerTimestamp).toBeLessThanOrEqual(after)
      // It is the time this attempt was sent, as recorded with it.
      expect(headerTimestamp).toBe(Date.parse(triggered.body.data.deliveries[0].firstAttempt.sentAt))

      // Body: compact JSON.stringify of {event, timestamp, data}, in that order.
      const text = request.body.toString('utf8')
      const payload = JSON.parse(text)
      expect(text).toBe(JSON.stringify(payload))
      expect(Object.keys(payload)).toEqual(['event', 'timestamp', 'data'])
      expect(payload.event).toBe(type)
      expect(Number.isInteger(payload.timestamp)).toBe(true)
      expect(payload.timestamp).toBeGreaterThanOrEqual(before)
      expect(payload.timestamp).toBeLessThanOrEqual(headerTimestamp)
      expect(Object.keys(payload.data)).toEqual(Object.keys(documented[type]))
      for (const [field, shape] of Object.entries(documented[type])) expect(payload.data[field], field).toMatch(shape)
      expect(payload).toEqual(triggered.body.data.event.payload)

      // Signature: the contract's own verification code, both languages.
      expect(verifySignature(text, signature, secret)).toBe(true)
      expect(verifyLikeContractNodeHandler(request.body, signature, secret)).toBe(true)
      expect(await verifyWithPython(dir, request.body, signature, secret)).toBe(true)
      // And they do reject a wrong secret or a changed body.
      expect(verifySignature(text, signature, secret + 'x')).toBe(false)
      expect(await verifyWithPython(dir, Buffer.from(text.replace(type, type + 'x')), signature, secret)).toBe(false)
      await receiver.close()
    })
  }

  it('a given secret is the HMAC key as UTF-8, non-ASCII included, and overridden fields survive both checks', async () => {
    const dir = await tempDir()
    const receiver = await startReceiver()
    const emulator = await startTestEmulator()
    const secret = 'whsec_clé-secrète-🔑'
    await emulator.api('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['email.received'], secret}})
    const subject = 'Résumé « café » — 日本語 \u2028 "quoted" \\ back'
    await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.received', set: {subject, from: 'élise@example.com'}}})
    const [request] = await receiver.waitFor(1)
    const payload = JSON.parse(request.body.toString('utf8'))
    expect(payload.data.subject).toBe(subject)
    const signature = request.headers['x-junkmail-signature'] as string
    expect(verifyLikeContractNodeHandler(request.body, signature, secret)).toBe(true)
    expect(await verifyWithPython(dir, request.body, signature, secret)).toBe(true)
    await receiver.close()
  })

  it('each retry carries the same body and signature, and an X-JunkMail-Timestamp that is its own send time on the real clock', async () => {
    let calls = 0
    const receiver = await startReceiver(() => (++calls < 2 ? {status: 503} : {status: 200}))
    // Time scale 60: attempt 2 comes 1 s after attempt 1, a gap long enough that a timestamp
    // carried over from the first attempt cannot pass for a fresh one.
    const emulator = await startTestEmulator({timeScale: 60})
    await emulator.api('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['email.deleted']}})
    const {body: triggered} = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.deleted'}})
    const requests = await receiver.waitFor(2)
    await deliveriesSettled(emulator.api)
    const {body: delivery} = await emulator.api('GET', `/_emulator/v1/deliveries/${triggered.data.deliveries[0].id}`)
    expect(delivery.data.attempts.map((a: any) => a.outcome)).toEqual(['failure', 'success'])
    const stamps = requests.map((r) => Number(r.headers['x-junkmail-timestamp']))
    for (const [i, request] of requests.entries()) {
      expect(request.body.equals(requests[0].body)).toBe(true)
      expect(request.headers['x-junkmail-signature']).toBe(requests[0].headers['x-junkmail-signature'])
      // The header is the time this attempt was sent, as recorded with it, and it reached the
      // receiver right after (the receiver's clock is the same real clock).
      expect(stamps[i], `attempt ${i + 1}`).toBe(Date.parse(delivery.data.attempts[i].sentAt))
      expect(String(delivery.data.attempts[i].request.headers['X-JunkMail-Timestamp'])).toBe(String(stamps[i]))
      expect(stamps[i], `attempt ${i + 1}`).toBeLessThanOrEqual(request.at)
      expect(request.at - stamps[i], `attempt ${i + 1}: sent ${request.at - stamps[i]} ms before it arrived`).toBeLessThan(500)
    }
    expect(requests).toHaveLength(2)
    expect(stamps[1] - stamps[0]).toBeGreaterThanOrEqual(1000 - 2)
    // The payload's timestamp is the event's time, the same in every attempt.
    expect(JSON.parse(requests[1].body.toString()).timestamp).toBeLessThanOrEqual(stamps[0])
    await receiver.close()
  })
})
