import {describe, expect, it} from 'vitest'
import {junkmail} from '../src/providers/junkmail/index.js'
import {startTestEmulator} from './support/emulator.js'
import {verifyLikeContractNodeHandler, verifySignature, verifyWithPython} from './support/contract-verify.js'
import {startReceiver} from './support/receiver.js'
import {tempDir} from './support/temp-dir.js'

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

  it('each retry carries the same body and signature and a fresh real-clock X-JunkMail-Timestamp', async () => {
    let calls = 0
    const receiver = await startReceiver(() => (++calls === 1 ? {status: 503} : {status: 200}))
    const emulator = await startTestEmulator({timeScale: 6000})
    await emulator.api('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['email.deleted']}})
    await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.deleted'}})
    const [first, second] = await receiver.waitFor(2)
    expect(second.body.equals(first.body)).toBe(true)
    expect(second.headers['x-junkmail-signature']).toBe(first.headers['x-junkmail-signature'])
    expect(Number(second.headers['x-junkmail-timestamp'])).toBeGreaterThanOrEqual(Number(first.headers['x-junkmail-timestamp']))
    expect(Number(second.headers['x-junkmail-timestamp'])).toBeGreaterThanOrEqual(second.at - 1000)
    await receiver.close()
  })
})
