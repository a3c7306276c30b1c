import {execFile} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {describe, expect, it, onTestFinished} from 'vitest'
import {startEmulator} from '../src/emulator/start-emulator.js'
import {sendook} from '../src/providers/sendook/index.js'
import {outcomeOf} from '../src/providers/sendook/outcomes.js'
import {startTestEmulator} from './support/emulator.js'
import {type ReceivedRequest, startReceiver} from './support/receiver.js'
import {Sendook, SendookApiError} from './support/sendook-sdk.js'

// Sendook's inboxes, messages and threads (issue 12), driven with the SDK's calls; sent mail's
// simulated outcomes; mail received over real SMTP (Python's smtplib).

const OBJECT_ID = /^[0-9a-f]{24}$/
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/
const ALL = sendook.catalog.map((e) => e.type)
const body = (r: ReceivedRequest) => JSON.parse(r.body.toString())

const failure = async (call: Promise<unknown>): Promise<SendookApiError> => {
  const error = await call.then(() => null, (e: unknown) => e)
  expect(error).toBeInstanceOf(SendookApiError)
  return error as SendookApiError
}

async function start(options: Parameters<typeof startTestEmulator>[0] = {}) {
  const emulator = await startTestEmulator({provider: sendook, timeScale: 3600, ...options})
  const receiver = await startReceiver()
  onTestFinished(() => receiver.close())
  const client = new Sendook(emulator.apiKey, emulator.url)
  await client.webhook.create({url: receiver.url, events: ALL})
  /** Waits until `n` deliveries have come, in all; returns their bodies. */
  const bodies = async (n: number) => (await receiver.waitFor(n)).map(body)
  return {emulator, client, receiver, bodies}
}

describe('Sendook inboxes through the SDK calls', () => {
  it('create (random address, a name, an address), list, get, rename, delete, each firing its event with the inbox', async () => {
    const {client, bodies} = await start()
    const plain = await client.inbox.create()
    expect(Object.keys(plain)).toEqual(['_id', 'id', 'organizationId', 'email', 'createdAt', 'updatedAt', '__v'])
    expect(plain.name).toBeUndefined()
    expect(plain._id).toMatch(OBJECT_ID)
    expect(plain.id).toBe(plain._id)
    expect(plain.email).toBe('inbox@sendook.local')
    expect(plain.createdAt).toMatch(ISO)

    const support = await client.inbox.create({name: 'Customer Support'})
    expect(support).toMatchObject({name: 'Customer Support', email: 'customer-support@sendook.local', __v: 0})
    const again = await client.inbox.create({name: 'Customer Support'})
    expect(again.email).toMatch(/^customer-support-[0-9a-z]{10}@sendook\.local$/)
    const own = await client.inbox.create({name: 'sales', email: 'sales@myapp.example'})
    expect(own.email).toBe('sales@myapp.example')

    const duplicate = await failure(client.inbox.create({email: 'SALES@myapp.example'}))
    expect(duplicate.status).toBe(400)
    expect(duplicate.data).toEqual({error: 'Inbox with this email already exists'})
    const invalid = await failure(client.inbox.create({name: '  ', email: 'not-an-address'}))
    expect(invalid.status).toBe(400)
    expect((invalid.data as any).errors.map((e: any) => e.path)).toEqual(['name', 'email'])

    expect((await client.inbox.list()).map((i) => i._id)).toEqual([plain._id, support._id, again._id, own._id])
    expect(await client.inbox.get(support._id)).toEqual(support)
    expect((await failure(client.inbox.get('65f0000000000000000000ff'))).data).toEqual({error: 'Inbox not found'})

    // (Deliveries of different events may overtake one another: compared as sets.)
    const created = await bodies(4)
    expect(created.map((b) => `${b.event} ${b.inboxId}`).sort()).toEqual([plain, support, again, own].map((i) => `inbox.created ${i._id}`).sort())
    const supportCreated = created.find((b) => b.inboxId === support._id)
    expect(supportCreated).toEqual({event: 'inbox.created', inboxId: support._id, payload: support})
    expect(Object.keys(supportCreated)).toEqual(['event', 'inboxId', 'payload'])

    // The guide's inbox.updated: PATCH /v1/inboxes/:id {name}.
    const renamed = await client.call('PATCH', `/inboxes/${support._id}`, {name: 'Help desk'})
    expect(renamed).toMatchObject({_id: support._id, name: 'Help desk', email: support.email})
    const [updated] = (await bodies(5)).slice(4)
    expect(updated).toEqual({event: 'inbox.updated', inboxId: support._id, payload: renamed})
    expect((await failure(client.call('PATCH', `/inboxes/${support._id}`, {email: 'x@y.example'}))).status).toBe(400)

    // Delete: the inbox as it was, its messages gone.
    const sent = await client.inbox.message.send({inboxId: support._id, to: ['someone@example.com'], subject: 'Hi', text: 'Hello', html: '<p>Hello</p>'})
    await bodies(7) // message.sent, message.delivered
    expect(await client.inbox.delete(support._id)).toEqual(renamed)
    expect((await failure(client.inbox.get(support._id))).status).toBe(404)
    expect((await failure(client.inbox.message.get(support._id, sent._id))).status).toBe(404)
    const events = await bodies(8)
    expect(events.slice(5).map((b) => b.event).sort()).toEqual(['inbox.deleted', 'message.delivered', 'message.sent'])
    expect(events.find((b) => b.event === 'inbox.deleted')).toEqual({event: 'inbox.deleted', inboxId: support._id, payload: renamed})
  })
})

describe('Sendook triggers act on real resources', () => {
  it('each trigger\'s ids resolve through the API; --set of a generated field sends sample data instead', async () => {
    const {client, emulator, bodies} = await start()
    const trigger = async (event: string, set: Record<string, string> = {}) => {
      const r = await emulator.api('POST', '/_emulator/v1/events', {body: {event, set}})
      expect(r.status).toBe(201)
      return r.body.data.event
    }
    await trigger('message.received', {subject: 'Where is my order?', from: 'jane@customer.example'})
    const [received] = await bodies(1)
    expect(received).toMatchObject({event: 'message.received', payload: {subject: 'Where is my order?', from: 'jane@customer.example', status: 'received'}})
    // A support inbox was made for it (no inbox.created of its own), and the message reads back.
    const [support] = await client.inbox.list()
    expect(support).toMatchObject({_id: received.inboxId, name: 'support', email: 'support@sendook.local'})
    expect(await client.inbox.message.get(support._id, received.messageId)).toEqual(received.payload)

    await trigger('inbox.created', {name: 'Sales'})
    await trigger('message.bounced', {inboxId: support._id, to: 'x@example.com'})
    const more = await bodies(3)
    const sales = more.find((b) => b.event === 'inbox.created')!
    expect(await client.inbox.get(sales.inboxId)).toMatchObject({name: 'Sales', email: 'sales@sendook.local'})
    const bounced = more.find((b) => b.event === 'message.bounced')!
    expect(await client.inbox.message.get(support._id, bounced.messageId)).toMatchObject({status: 'bounced', to: ['x@example.com'], from: support.email})

    await trigger('inbox.deleted', {id: sales.inboxId})
    const deleted = (await bodies(4))[3]
    expect(deleted).toMatchObject({event: 'inbox.deleted', inboxId: sales.inboxId, payload: {name: 'Sales'}})
    expect((await failure(client.inbox.get(sales.inboxId))).status).toBe(404)

    const id = 'cccccccccccccccccccccccc'
    await trigger('message.received', {id})
    const sample = (await bodies(5))[4]
    expect(sample).toMatchObject({messageId: id, payload: {_id: id, id}})
    const unknown = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'message.received', set: {inboxId: '65f0000000000000000000ff'}}})
    expect(unknown.status).toBe(404)
    expect(unknown.body.error.message).toContain('no inbox with id 65f0000000000000000000ff')
  })
})

describe('Sendook sending, with simulated outcomes', () => {
  it('message.sent at once, then each recipient\'s outcome: SES simulator mailboxes and +tags', async () => {
    const {client, bodies, emulator} = await start()
    const inbox = await client.inbox.create({name: 'billing'})
    const to = ['success@simulator.amazonses.com', 'bounce@simulator.amazonses.com', 'complaint@simulator.amazonses.com', 'suppressionlist@simulator.amazonses.com']
    const cc = ['jane+reject@example.com', 'joe+bounce@example.com']
    const sent = await client.inbox.message.send({inboxId: inbox._id, to, cc, bcc: ['audit+bounce@example.com'], labels: ['invoice'], subject: 'Invoice', text: 'Your invoice', html: '<p>Your invoice</p>'})
    expect(sent).toMatchObject({_id: expect.stringMatching(OBJECT_ID), inboxId: inbox._id, fromInboxId: inbox._id, from: inbox.email, to, cc, bcc: ['audit+bounce@example.com'], labels: ['invoice'], subject: 'Invoice', attachments: [], __v: 0})
    expect(sent.id).toBe(sent._id)
    expect(sent).not.toHaveProperty('status')
    expect(sent.externalMessageId).toMatch(/^0100[0-9a-f]{12}-[0-9a-f-]{36}-000000$/)

    // inbox.created, message.sent, then 6 outcomes for to+cc (bcc is not sent, as on the server) and a complaint.
    const all = await bodies(9)
    await new Promise((r) => setTimeout(r, 100))
    expect(emulator.context.store.listEvents().length).toBe(9)
    expect(all.find((b) => b.event === 'message.sent')).toEqual({event: 'message.sent', messageId: sent._id, inboxId: inbox._id, payload: sent})
    const outcomes = all.filter((b) => b.event !== 'inbox.created' && b.event !== 'message.sent')
    for (const o of outcomes) {
      expect(Object.keys(o)).toEqual(['event', 'messageId', 'inboxId', 'payload'])
      expect(o).toMatchObject({messageId: sent._id, inboxId: inbox._id, payload: {_id: sent._id, status: o.event.slice('message.'.length)}})
    }
    const count = (event: string) => outcomes.filter((o) => o.event === event).length
    expect({delivered: count('message.delivered'), bounced: count('message.bounced'), rejected: count('message.rejected'), complained: count('message.complained')}).toEqual({delivered: 2, bounced: 3, rejected: 1, complained: 1})
    // The complaint comes after the complaining recipient's delivery, last (as recorded: deliveries
    // of different events may arrive in another order).
    expect(emulator.context.store.listEvents()[0].type).toBe('message.complained')
    const read = await client.inbox.message.get(inbox._id, sent._id)
    expect(read.status).toBe('complained')
    expect(read.updatedAt >= sent.updatedAt).toBe(true)
  })

  it('outcomeOf: simulator mailboxes (with a +label), tags on any address, else delivered', () => {
    expect(outcomeOf('success@simulator.amazonses.com')).toBe('delivered')
    expect(outcomeOf('Bounce+x@Simulator.AmazonSES.com')).toBe('bounced')
    expect(outcomeOf('complaint@simulator.amazonses.com')).toBe('complained')
    expect(outcomeOf('suppressionlist@simulator.amazonses.com')).toBe('bounced')
    expect(outcomeOf('a+reject@example.com')).toBe('rejected')
    expect(outcomeOf('a+news+complaint@example.com')).toBe('complained')
    expect(outcomeOf('bounce@example.com')).toBe('delivered')
    expect(outcomeOf('a+bounced@example.com')).toBe('delivered')
  })

  it('a send to a local inbox arrives there (message.received); a reply joins the thread; threads list ids and read populated', async () => {
    const {client, bodies} = await start()
    const shop = await client.inbox.create({name: 'shop'})
    const jane = await client.inbox.create({name: 'jane'})
    const first = await client.inbox.message.send({inboxId: shop._id, to: [jane.email.toUpperCase()], subject: 'Order #1', text: 'Thanks for your order', html: '<p>Thanks for your order</p>'})
    const events = await bodies(5) // 2 inbox.created, message.sent, message.delivered, message.received
    const received = events.find((b) => b.event === 'message.received')!
    expect(received.inboxId).toBe(jane._id)
    expect(received.payload).toMatchObject({inboxId: jane._id, toInboxId: jane._id, fromInboxId: shop._id, from: shop.email, to: [jane.email], subject: 'Order #1', text: 'Thanks for your order', html: 'Thanks for your order', status: 'received'})
    expect(events.find((b) => b.event === 'message.delivered')!.inboxId).toBe(shop._id)
    const [inJane] = await client.inbox.message.list(jane._id)
    expect(inJane).toEqual(received.payload)

    // Jane replies: to the shop, "Re: ", in her thread; it arrives in the shop's thread of the order.
    const reply = await client.inbox.message.reply({inboxId: jane._id, messageId: inJane._id, text: 'Where is it?', html: '<p>Where is it?</p>'})
    expect(reply).toMatchObject({threadId: inJane.threadId, to: [shop.email], from: jane.email, subject: 'Re: Order #1'})
    const more = await bodies(8)
    const back = more.slice(5).find((b) => b.event === 'message.received')!
    expect(back.inboxId).toBe(shop._id)
    expect(back.payload.threadId).toBe(first.threadId)

    const threads = await client.inbox.thread.list(shop._id)
    expect(threads).toHaveLength(1)
    expect(threads[0]).toMatchObject({_id: first.threadId, id: first.threadId, inboxId: shop._id, messages: [first._id, back.payload._id], __v: 2})
    const thread = await client.inbox.thread.get(shop._id, first.threadId)
    expect(thread.messages.map((m: any) => m.subject)).toEqual(['Order #1', 'Re: Order #1'])
    expect(thread.messages[0]._id).toBe(first._id)
    expect((await failure(client.inbox.thread.get(jane._id, first.threadId))).data).toEqual({error: 'Thread not found'})

    // ?query: case-insensitive over subject, text, html, to, cc, bcc, labels.
    expect((await client.inbox.message.list(shop._id, 'where IS')).map((m) => m._id)).toEqual([back.payload._id])
    expect(await client.inbox.message.list(shop._id, 'nothing-like-this')).toEqual([])
    const bad = await failure(client.inbox.message.list(shop._id, '('))
    expect(bad.status).toBe(400)
    expect((bad.data as any).errors[0]).toMatchObject({path: 'query', location: 'query'})
  })

  it('a send names each invalid field; an unknown inbox is Sendook\'s 404', async () => {
    const {client, emulator} = await start()
    const inbox = await client.inbox.create()
    const r = await emulator.api('POST', `/v1/inboxes/${inbox._id}/messages/send`, {body: {to: 'a@b.example', cc: ['nope'], subject: '', attachments: [{content: '***'}]}})
    expect(r.status).toBe(400)
    expect(r.body.errors.map((e: any) => e.path)).toEqual(['to', 'cc[0]', 'subject', 'text', 'html', 'attachments[0].content'])
    const missing = await emulator.api('POST', '/v1/inboxes/65f0000000000000000000ff/messages/send', {body: {to: ['a@b.example'], subject: 's', text: 't', html: 'h'}})
    expect(missing).toMatchObject({status: 404, body: {error: 'Inbox not found'}})
    expect(emulator.context.store.listEvents().map((e) => e.type)).toEqual(['inbox.created'])
  })

  it('outcomes still due when the emulator stops fire after it starts again', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'junkmail-sendook-'))
    onTestFinished(() => rm(dataDir, {recursive: true, force: true}))
    const receiver = await startReceiver()
    onTestFinished(() => receiver.close())
    // 5 s / 5: the outcome is due 1 s after the send.
    const first = await startEmulator({provider: sendook, port: 0, smtpPort: false, dataDir, timeScale: 5})
    const client = new Sendook(first.apiKey, first.url)
    await client.webhook.create({url: receiver.url, events: ['message.delivered']})
    const inbox = await client.inbox.create()
    const sent = await client.inbox.message.send({inboxId: inbox._id, to: ['someone@example.com'], subject: 's', text: 't', html: 'h'})
    await first.stop()
    expect(receiver.requests).toHaveLength(0)
    const second = await startEmulator({provider: sendook, port: 0, smtpPort: false, dataDir, timeScale: 5})
    onTestFinished(() => second.stop())
    const [delivered] = await receiver.waitFor(1, 5000)
    expect(body(delivered)).toMatchObject({event: 'message.delivered', messageId: sent._id, payload: {status: 'delivered'}})
  })
})

const python = async (script: string, ...args: string[]) => (await promisify(execFile)('python3', ['-c', script, ...args], {timeout: 20_000})).stdout

const SMTPLIB = `
import smtplib, sys
from email.message import EmailMessage
port, to, reply_to = int(sys.argv[1]), sys.argv[2], sys.argv[3]
msg = EmailMessage()
msg['From'] = 'Jane Doe <jane@customer.example>'
msg['To'] = to
msg['Subject'] = 'Help with my account'
msg['Message-ID'] = '<help-1@customer.example>'
if reply_to:
    msg['In-Reply-To'] = reply_to
    msg['References'] = reply_to
msg.set_content('I need help...\\n\\nOn Mon, Jan 1, 2024 at 10:00 AM Support <s@x.example> wrote:\\n> How can we help?\\n')
with smtplib.SMTP('127.0.0.1', port) as s:
    s.send_message(msg, from_addr='jane@customer.example')
    try:
        s.sendmail('jane@customer.example', ['nobody@sendook.local'], 'Subject: x\\r\\n\\r\\nx')
    except smtplib.SMTPRecipientsRefused as e:
        print(e.recipients['nobody@sendook.local'][0])
`

describe('Sendook mail received over SMTP', () => {
  it("Python's smtplib to an inbox: message.received with the visible text; a reply to a sent message joins its thread; unknown addresses get 550", async () => {
    const {client, bodies, emulator} = await start({smtpPort: 0})
    const inbox = await client.inbox.create({name: 'support'})
    const refused = await python(SMTPLIB, String(emulator.smtpPort), inbox.email, '')
    expect(refused.trim()).toBe('550')
    const received = (await bodies(2)).find((b) => b.event === 'message.received')!
    expect(Object.keys(received)).toEqual(['event', 'messageId', 'inboxId', 'payload'])
    expect(received).toMatchObject({event: 'message.received', inboxId: inbox._id})
    expect(received.payload).toMatchObject({inboxId: inbox._id, from: 'jane@customer.example', to: [inbox.email], subject: 'Help with my account', text: 'I need help...\n', html: 'I need help...\n', status: 'received', attachments: []})
    expect(await client.inbox.message.get(inbox._id, received.messageId)).toEqual(received.payload)

    // The support inbox answers through the API; Jane's mail client answers that with In-Reply-To.
    const answer = await client.inbox.message.send({inboxId: inbox._id, to: ['jane@customer.example'], subject: 'Re: Help', text: 'Sure', html: '<p>Sure</p>'})
    await python(SMTPLIB, String(emulator.smtpPort), inbox.email, `<${answer.externalMessageId}@us-east-2.amazonses.com>`)
    const events = await bodies(5)
    const again = events.slice(2).find((b) => b.event === 'message.received')!
    expect(again.payload.threadId).toBe(answer.threadId)
    expect(again.payload.threadId).not.toBe(received.payload.threadId)
  })
})
