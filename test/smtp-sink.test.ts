import {execFile} from 'node:child_process'
import {readdir, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {promisify} from 'node:util'
import nodemailer from 'nodemailer'
import MailComposer from 'nodemailer/lib/mail-composer'
import {describe, expect, it} from 'vitest'
import {verifyWithPython} from './support/contract-verify.js'
import {type Api, recordedEvents, startTestEmulator} from './support/emulator.js'
import {pythonSmtp} from './support/python-smtp.js'
import {ehlo, openSmtp, queuedIds, sendOnce} from './support/smtp-dialogue.js'
import {seededBytes} from './support/seeded-bytes.js'
import {spoolOnDisk} from './support/spool.js'
import {tempDir} from './support/temp-dir.js'
import {fillDisk, smallDisk, tmpfsUnavailable} from './support/small-disk.js'
import {skipBecause} from './support/skip.js'
import {subscribe} from './support/webhook-inbox.js'
import {deliveriesSettled, smtpIdle, waitUntil} from './support/wait-until.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/
const hasSwaks = await promisify(execFile)('swaks', ['--version'], {timeout: 10_000}).then(
  () => true,
  () => false,
)

/** Bytes of the test message's parts, to compare with what comes back. */
const BINARY = seededBytes('binary attachment', 256)
const NOTES = 'plain notes\r\nsecond line\r\n'
const PDF = Buffer.from('%PDF-1.4\n% not really a PDF, but bytes all the same \xe2\x9c\x93\n', 'latin1')
const UTF8_NAME = 'résumé 日本語.pdf'
const SUBJECT = 'Welcome — ünïcode ✓ and a long enough subject line'
const TEXT = [
  'Hello Alice,',
  '.a line that starts with a dot',
  '..and one with two',
  '.',
  'and a lone dot above, which the client must stuff and the server unstuff.',
  '',
].join('\r\n')
const HTML = '<p>Hello <b>Alice</b></p>'

/** A multipart message (text, html, three attachments) built by nodemailer's composer: we know every byte. */
async function sampleMessage(to: string): Promise<Buffer> {
  const composer = new MailComposer({
    from: 'Alice Sender <alice@example.com>',
    to,
    subject: SUBJECT,
    messageId: `<${seededBytes(to, 6).toString('hex')}@example.com>`,
    date: new Date('2024-01-16T14:30:00Z'),
    text: TEXT,
    html: HTML,
    attachments: [
      {filename: 'notes.txt', content: NOTES, contentType: 'text/plain'},
      {filename: 'blob.bin', content: BINARY, contentType: 'application/octet-stream'},
      {filename: UTF8_NAME, content: PDF, contentType: 'application/pdf'},
    ],
  })
  // Its text part has lines that start with "." (they travel as ".."), and a lone ".".
  return composer.compile().build()
}

/** Sends `raw` to `to` with one of the real clients; resolves with the ids from the 250 replies (none if the client hides them). */
type Sender = (port: number, raw: Buffer, to: string, auth?: {user: string; pass: string}) => Promise<string[]>

const senders: Record<string, Sender> = {
  async 'nodemailer (no pool)'(port, raw, to, auth) {
    const transport = nodemailer.createTransport({host: '127.0.0.1', port, secure: false, ignoreTLS: true, ...(auth ? {auth, authMethod: 'PLAIN'} : {})})
    try {
      const info = await transport.sendMail({envelope: {from: 'alice@example.com', to: [to]}, raw})
      return queuedIds(info.response)
    } finally {
      transport.close()
    }
  },
  async 'nodemailer (pooled)'(port, raw, to, auth) {
    const transport = nodemailer.createTransport({pool: true, maxConnections: 1, host: '127.0.0.1', port, secure: false, ignoreTLS: true, ...(auth ? {auth, authMethod: 'PLAIN'} : {})})
    try {
      // Two mails over the same pooled connection: both land.
      const infos = [
        await transport.sendMail({envelope: {from: 'alice@example.com', to: [to]}, raw}),
        await transport.sendMail({envelope: {from: 'alice@example.com', to: [to]}, raw}),
      ]
      return infos.flatMap((info) => queuedIds(info.response))
    } finally {
      transport.close()
    }
  },
  async 'python smtplib'(port, raw, to, auth) {
    const dir = await tempDir()
    const session = await pythonSmtp(dir, port, [{mode: 'sendmail', from: 'alice@example.com', to: [to], message: raw}], auth)
    expect(session.results[0], JSON.stringify(session.results[0])).toMatchObject({ok: true, refused: {}})
    if (auth) expect(session.auth?.code).toBe(235)
    // sendmail does not hand back the final reply: the email is found through the API instead.
    return []
  },
}

/** Ids of the emails of an address, oldest first. */
async function emailsOf(api: Api, addressId: string): Promise<string[]> {
  const listed = await api('GET', `/api/v1/addresses/${addressId}/emails`)
  expect(listed.status).toBe(200)
  return listed.body.data.map((e: {id: string}) => e.id).reverse()
}

describe('real SMTP clients: signed webhook, parsed mail, exact raw bytes, intact attachments', () => {
  for (const [client, send] of Object.entries(senders)) {
    for (const auth of [undefined, {user: 'any-user', pass: 'any password at all'}]) {
      it(`${client}, ${auth ? 'AUTH PLAIN with any credentials' : 'no AUTH'}`, async () => {
        const dir = await tempDir()
        const emulator = await startTestEmulator()
        const inbox = await subscribe(emulator.api, ['email.received'])
        const to = 'x@junkmail.local'
        const raw = await sampleMessage(to)

        const ids = await send(emulator.smtpPort!, raw, to, auth)
        // What the emulator stored: one email.received per mail sent (the client told us the ids,
        // except smtplib's sendmail), recorded before the 250.
        const stored = (await recordedEvents(emulator.api, 'email.received')).map((e) => e.payload.data.emailId)
        expect(stored).toHaveLength(client === 'nodemailer (pooled)' ? 2 : 1)
        if (client !== 'python smtplib') expect(stored).toEqual(ids)
        expect(await deliveriesSettled(emulator.api)).toMatchObject({deliveries: stored.length})
        const notifications = inbox.all()
        expect(notifications.map((n) => n.data.emailId).sort()).toEqual([...stored].sort())
        const addressId: string = notifications[0].data.addressId
        expect((await emailsOf(emulator.api, addressId)).sort()).toEqual(notifications.map((n) => n.data.emailId).sort())

        // The address it went to.
        const address = await emulator.api('GET', `/api/v1/addresses/${addressId}`)
        expect(address.body.data).toMatchObject({id: addressId, email: to, status: 'active'})

        for (const notification of notifications) {
          // The webhook: signed, documented shape, the right sender and subject.
          inbox.expectSigned(notification)
          if (notification === notifications[0]) expect(await verifyWithPython(dir, notification.request.body, notification.request.headers['x-junkmail-signature'] as string, inbox.secret)).toBe(true)
          expect(notification.event).toBe('email.received')
          expect(Object.keys(notification.data)).toEqual(['emailId', 'addressId', 'from', 'subject', 'receivedAt'])
          const {emailId, addressId} = notification.data
          expect(emailId).toMatch(UUID)
          expect(addressId).toMatch(UUID)
          expect(notification.data.from).toBe('alice@example.com')
          expect(notification.data.subject).toBe(SUBJECT)
          expect(notification.data.receivedAt).toMatch(ISO)

          // The parsed email.
          const detail = await emulator.api('GET', `/api/v1/emails/${emailId}`)
          expect(detail.status).toBe(200)
          const email = detail.body.data
          expect(email).toMatchObject({id: emailId, addressId, to, from: 'alice@example.com', subject: SUBJECT, receivedAt: notification.data.receivedAt, size: raw.length, parseError: null})
          expect(email.toHeader).toEqual([to])
          expect(email.date).toBe('2024-01-16T14:30:00.000Z')
          expect(email.text.replace(/\r\n/g, '\n')).toBe(TEXT.replace(/\r\n/g, '\n'))
          expect(email.html).toBe(HTML)
          const header = (name: string) => email.headers.find((h: {name: string}) => h.name.toLowerCase() === name.toLowerCase())?.value
          expect(header('From')).toBe('Alice Sender <alice@example.com>')
          expect(header('To')).toBe(to)
          expect(header('Content-Type')).toMatch(/^multipart\/mixed;/)
          expect(email.envelope).toEqual({mailFrom: 'alice@example.com', rcptTo: [to], authUser: auth ? auth.user : null, remoteAddress: '127.0.0.1'})
          expect(email.attachments.map((a: any) => [a.index, a.filename, a.contentType, a.size])).toEqual([
            [0, 'notes.txt', 'text/plain', Buffer.byteLength(NOTES)],
            [1, 'blob.bin', 'application/octet-stream', 256],
            [2, UTF8_NAME, 'application/pdf', PDF.length],
          ])

          // The raw message: exactly the bytes given to the client (dot-stuffing undone, CRLF kept).
          const rawResponse = await fetch(`${emulator.url}/api/v1/emails/${emailId}/raw`, {headers: {authorization: `Bearer ${emulator.apiKey}`}})
          expect(rawResponse.status).toBe(200)
          expect(rawResponse.headers.get('content-type')).toMatch(/^message\/rfc822/)
          expect(Buffer.from(await rawResponse.arrayBuffer()).equals(raw)).toBe(true)

          // Each attachment, byte for byte, with its type and (UTF-8) name.
          const expected = [
            {content: Buffer.from(NOTES), type: /^text\/plain/, name: 'notes.txt'},
            {content: BINARY, type: /^application\/octet-stream$/, name: 'blob.bin'},
            {content: PDF, type: /^application\/pdf$/, name: UTF8_NAME},
          ]
          for (const [n, want] of expected.entries()) {
            const response = await fetch(`${emulator.url}/api/v1/emails/${emailId}/attachments/${n}`, {headers: {authorization: `Bearer ${emulator.apiKey}`}})
            expect(response.status).toBe(200)
            expect(response.headers.get('content-type')).toMatch(want.type)
            expect(response.headers.get('content-disposition')).toBe(`attachment; filename*=UTF-8''${encodeURIComponent(want.name)}`)
            expect(Buffer.from(await response.arrayBuffer()).equals(want.content), `attachment ${n}`).toBe(true)
          }
        }
        const emailId = notifications[0].data.emailId
        const missing = await emulator.api('GET', `/api/v1/emails/${emailId}/attachments/3`)
        expect(missing.status).toBe(404)
        expect(missing.body.error).toMatchObject({status: 404, field: 'n'})
        const bad = await emulator.api('GET', `/api/v1/emails/${emailId}/attachments/first`)
        expect(bad.status).toBe(400)
        expect(bad.body.error).toMatchObject({code: 'validation_error', field: 'n'})
      })
    }
  }
})

describe('swaks', () => {
  it('swaks with AUTH PLAIN and an attachment: the mail, its sender, subject, AUTH user and attachment bytes arrive', async (context) => {
    if (!hasSwaks) skipBecause(context, 'swaks is not installed (apt-get install swaks)')
    const dir = await tempDir()
    const emulator = await startTestEmulator()
    const inbox = await subscribe(emulator.api, ['email.received'])
    const file = join(dir, 'blob.bin')
    await writeFile(file, BINARY)
    const args = [
      '--to', 'x@junkmail.local',
      '--from', 'swaks@example.com',
      '--server', `127.0.0.1:${emulator.smtpPort}`,
      '--auth', 'PLAIN', '--auth-user', 'swaks-user', '--auth-password', 'anything',
      '--header', 'Subject: hello from swaks',
      '--body', 'body from swaks',
      '--attach-type', 'application/octet-stream', '--attach', `@${file}`,
    ]
    const {stdout} = await promisify(execFile)('swaks', args, {timeout: 20_000})
    expect(stdout).toMatch(/<- {2}250 2\.0\.0 Ok: queued as [0-9a-f-]{36}/)
    const [n] = await inbox.waitFor('email.received', 1)
    inbox.expectSigned(n)
    expect(n.data).toMatchObject({from: 'swaks@example.com', subject: 'hello from swaks'})
    const {body} = await emulator.api('GET', `/api/v1/emails/${n.data.emailId}`)
    expect(body.data.envelope).toMatchObject({mailFrom: 'swaks@example.com', rcptTo: ['x@junkmail.local'], authUser: 'swaks-user'})
    expect(body.data.text.trim()).toBe('body from swaks')
    expect(body.data.attachments).toMatchObject([{index: 0, filename: 'blob.bin', contentType: 'application/octet-stream', size: 256}])
    const response = await fetch(`${emulator.url}/api/v1/emails/${n.data.emailId}/attachments/0`, {headers: {authorization: `Bearer ${emulator.apiKey}`}})
    expect(Buffer.from(await response.arrayBuffer()).equals(BINARY)).toBe(true)
  })
})

/** A small plain message. */
function plainMessage(input: {from?: string; to: string; subject: string; body?: string}): Buffer {
  return Buffer.from(
    [`From: ${input.from ?? 'sender@example.com'}`, `To: ${input.to}`, `Subject: ${input.subject}`, `Message-ID: <${seededBytes(input.subject, 6).toString('hex')}@example.com>`, '', input.body ?? 'hello', ''].join('\r\n'),
  )
}

describe('the SMTP conversation', () => {
  it('greets at once (no 100 ms early-talker pause), and EHLO offers PIPELINING, 8BITMIME, SMTPUTF8, SIZE and AUTH but not STARTTLS', async () => {
    const emulator = await startTestEmulator({maxMessageSize: 123_456})
    const greetings: number[] = []
    for (let i = 0; i < 5; i++) {
      const smtp = await openSmtp(emulator.smtpPort!)
      expect(smtp.greeting.code).toBe(220)
      expect(smtp.greeting.lines[0]).toMatch(/^junkmail\.local /)
      greetings.push(smtp.greetingMs)
      await smtp.quit()
    }
    expect(Math.max(...greetings), `greeting times: ${greetings.map((g) => g.toFixed(1)).join(', ')} ms`).toBeLessThan(50)

    const {smtp, ehlo: reply} = await ehlo(emulator.smtpPort!)
    expect(reply.code).toBe(250)
    expect(reply.lines).toEqual(['junkmail.local Nice to meet you, [127.0.0.1]', 'PIPELINING', '8BITMIME', 'SMTPUTF8', 'AUTH PLAIN LOGIN', 'SIZE 123456'])
    // Without a certificate STARTTLS is not offered, and not understood.
    const starttls = await smtp.command('STARTTLS')
    expect([starttls.code, starttls.lines]).toEqual([500, ['Error: command not recognized']])
    // Still usable after the refused STARTTLS.
    expect((await smtp.command('NOOP')).code).toBe(250)
    await smtp.quit()
  })

  it('PIPELINING: a whole transaction in one write gets every reply, in order', async () => {
    const emulator = await startTestEmulator()
    const {smtp} = await ehlo(emulator.smtpPort!)
    const message = plainMessage({to: 'pipe@junkmail.local', subject: 'pipelined'})
    smtp.write(Buffer.concat([Buffer.from('MAIL FROM:<sender@example.com>\r\nRCPT TO:<pipe@junkmail.local>\r\nRCPT TO:<nobody@elsewhere.example>\r\nDATA\r\n')]))
    const replies = [await smtp.reply(), await smtp.reply(), await smtp.reply(), await smtp.reply()]
    expect(replies.map((r) => r.code)).toEqual([250, 250, 550, 354])
    smtp.write(Buffer.concat([message, Buffer.from('.\r\nNOOP\r\n')]))
    const [done, noop] = [await smtp.reply(), await smtp.reply()]
    expect(done.code).toBe(250)
    expect(noop.code).toBe(250)
    const [id] = queuedIds(done)
    const raw = await fetch(`${emulator.url}/api/v1/emails/${id}/raw`, {headers: {authorization: `Bearer ${emulator.apiKey}`}})
    expect(Buffer.from(await raw.arrayBuffer()).equals(message)).toBe(true)
    await smtp.quit()
  })

  it('AUTH PLAIN and AUTH LOGIN accept any username and password; the username is recorded on the email', async () => {
    const emulator = await startTestEmulator()
    const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64')

    const plain = await ehlo(emulator.smtpPort!)
    const plainAuth = await plain.smtp.command(`AUTH PLAIN ${b64('\0someone@anywhere.example\0surely-wrong')}`)
    expect(plainAuth.code).toBe(235)
    const login = await ehlo(emulator.smtpPort!)
    expect((await login.smtp.command('AUTH LOGIN')).code).toBe(334)
    expect((await login.smtp.command(b64('josé'))).code).toBe(334)
    expect((await login.smtp.command(b64('')).catch(() => null))?.code).toBe(235)
    const noAuth = await ehlo(emulator.smtpPort!)

    for (const [session, user] of [[plain.smtp, 'someone@anywhere.example'], [login.smtp, 'josé'], [noAuth.smtp, null]] as const) {
      expect((await session.command('MAIL FROM:<sender@example.com>')).code).toBe(250)
      expect((await session.command('RCPT TO:<auth@junkmail.local>')).code).toBe(250)
      const done = await session.data(plainMessage({to: 'auth@junkmail.local', subject: `as ${user}`}))
      expect(done.code).toBe(250)
      const {body} = await emulator.api('GET', `/api/v1/emails/${queuedIds(done)[0]}`)
      expect(body.data.envelope.authUser).toBe(user)
      await session.quit()
    }
  })

  it('8BITMIME and SMTPUTF8: a UTF-8 envelope sender and raw UTF-8 headers are accepted and read', async () => {
    const emulator = await startTestEmulator()
    const inbox = await subscribe(emulator.api, ['email.received'])
    const {smtp} = await ehlo(emulator.smtpPort!)
    expect((await smtp.command('MAIL FROM:<élise@exämple.com> BODY=8BITMIME SMTPUTF8')).code).toBe(250)
    expect((await smtp.command('RCPT TO:<utf8@junkmail.local>')).code).toBe(250)
    const message = Buffer.from('From: Élise <élise@exämple.com>\r\nTo: utf8@junkmail.local\r\nSubject: Café ☕ 日本語\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nBody: naïve 🙂\r\n', 'utf8')
    const done = await smtp.data(message)
    expect(done.code).toBe(250)
    const [n] = await inbox.waitFor('email.received', 1)
    expect(n.data).toMatchObject({from: 'élise@exämple.com', subject: 'Café ☕ 日本語'})
    const {body} = await emulator.api('GET', `/api/v1/emails/${n.data.emailId}`)
    expect(body.data.envelope.mailFrom).toBe('élise@exämple.com')
    expect(body.data.text).toBe('Body: naïve 🙂\n')
    // A UTF-8 local part cannot be a junkmail address: refused at RCPT, nothing created.
    expect((await smtp.command('MAIL FROM:<élise@exämple.com> SMTPUTF8')).code).toBe(250)
    const refused = await smtp.command('RCPT TO:<josé@junkmail.local>')
    expect(refused.code).toBe(553)
    expect((await emulator.api('GET', '/api/v1/addresses')).body.data.map((a: any) => a.email)).toEqual(['utf8@junkmail.local'])
    await smtp.quit()
  })

  it('a bounce (null sender, MAIL FROM:<>) is accepted, its From header is the sender', async () => {
    const emulator = await startTestEmulator()
    const withHeader = await sendOnce(emulator.smtpPort!, {from: '', to: ['bounce@junkmail.local'], message: plainMessage({from: 'MAILER-DAEMON@example.com', to: 'bounce@junkmail.local', subject: 'Undelivered Mail Returned to Sender'})})
    expect(withHeader.mail.code).toBe(250)
    expect(withHeader.data?.code).toBe(250)
    const {body} = await emulator.api('GET', `/api/v1/emails/${withHeader.emailIds[0]}`)
    expect(body.data).toMatchObject({from: 'MAILER-DAEMON@example.com', envelope: {mailFrom: ''}})
  })
})

describe('recipients', () => {
  it('an unknown local address is created on the fly: address.created, then email.received for it', async () => {
    const emulator = await startTestEmulator()
    const inbox = await subscribe(emulator.api, ['address.created', 'email.received'])
    const result = await sendOnce(emulator.smtpPort!, {from: 'sender@example.com', to: ['Fresh.User@JunkMail.Local'], message: plainMessage({to: 'fresh.user@junkmail.local', subject: 'first mail'})})
    expect(result.rcpt.map((r) => r.code)).toEqual([250])
    expect(result.data?.code).toBe(250)
    // Recorded in this order: the address at RCPT, the mail at DATA.
    expect((await recordedEvents(emulator.api)).map((e) => e.type)).toEqual(['address.created', 'email.received'])
    const [created] = await inbox.waitFor('address.created', 1)
    const [received] = await inbox.waitFor('email.received', 1)
    inbox.expectSigned(created)
    expect(Object.keys(created.data)).toEqual(['addressId', 'email', 'createdAt', 'expiresAt'])
    expect(created.data.email).toBe('fresh.user@junkmail.local')
    expect(received.data).toMatchObject({addressId: created.data.addressId, emailId: result.emailIds[0], subject: 'first mail'})
    expect(received.timestamp).toBeGreaterThanOrEqual(created.timestamp)
    const {body} = await emulator.api('GET', `/api/v1/addresses/${created.data.addressId}`)
    expect(body.data).toMatchObject({email: 'fresh.user@junkmail.local', status: 'active'})
    // A second mail reuses the address: no second address.created.
    const second = await sendOnce(emulator.smtpPort!, {from: 'sender@example.com', to: ['fresh.user@junkmail.local'], message: plainMessage({to: 'fresh.user@junkmail.local', subject: 'second'})})
    expect(second.data?.code).toBe(250)
    expect((await recordedEvents(emulator.api)).map((e) => e.type)).toEqual(['address.created', 'email.received', 'email.received'])
    await deliveriesSettled(emulator.api)
    expect(inbox.all().map((n) => n.event).sort()).toEqual(['address.created', 'email.received', 'email.received'])
  })

  it('strict recipients: an unknown address gets 550 at RCPT and nothing is stored or created', async () => {
    const emulator = await startTestEmulator({strictRecipients: true})
    const inbox = await subscribe(emulator.api, ['address.created', 'email.received'])
    const result = await sendOnce(emulator.smtpPort!, {from: 'sender@example.com', to: ['nobody@junkmail.local'], message: plainMessage({to: 'nobody@junkmail.local', subject: 'lost'})})
    expect(result.mail.code).toBe(250)
    expect(result.rcpt[0].code).toBe(550)
    expect(result.rcpt[0].lines[0]).toMatch(/5\.1\.1 .*no such address/)
    // DATA with no accepted recipient is refused too.
    const {smtp} = await ehlo(emulator.smtpPort!)
    await smtp.command('MAIL FROM:<sender@example.com>')
    expect((await smtp.command('RCPT TO:<nobody@junkmail.local>')).code).toBe(550)
    const data = await smtp.command('DATA')
    expect([data.code, data.lines]).toEqual([503, ['Error: need RCPT command']])
    await smtp.quit()

    // A created address is accepted.
    const created = await emulator.api('POST', '/api/v1/addresses', {body: {localPart: 'known'}})
    expect(created.status).toBe(201)
    const ok = await sendOnce(emulator.smtpPort!, {from: 'sender@example.com', to: ['known@junkmail.local'], message: plainMessage({to: 'known@junkmail.local', subject: 'kept'})})
    expect(ok.data?.code).toBe(250)
    const {body: emails} = await emulator.api('GET', '/api/v1/emails')
    expect(emails.data.map((e: any) => e.subject)).toEqual(['kept'])
    const {body: addresses} = await emulator.api('GET', '/api/v1/addresses')
    expect(addresses.data.map((a: any) => a.email)).toEqual(['known@junkmail.local'])
    // The refused mail fired nothing; the accepted one its address's creation and its receipt.
    expect((await recordedEvents(emulator.api)).map((e) => [e.type, e.payload.data.email ?? e.payload.data.subject])).toEqual([
      ['address.created', 'known@junkmail.local'],
      ['email.received', 'kept'],
    ])
    await deliveriesSettled(emulator.api)
    expect(inbox.all().map((n) => n.event).sort()).toEqual(['address.created', 'email.received'])
  })

  it('other domains get 550 (relaying denied), in both modes', async () => {
    for (const strictRecipients of [false, true]) {
      const emulator = await startTestEmulator({strictRecipients})
      const result = await sendOnce(emulator.smtpPort!, {
        from: 'sender@example.com',
        to: ['someone@example.com', 'x@junkmail.local.evil.example', 'x@sub.junkmail.local'],
        message: plainMessage({to: 'someone@example.com', subject: 'relay?'}),
      })
      expect(result.rcpt.map((r) => r.code)).toEqual([550, 550, 550])
      expect(result.rcpt[0].lines[0]).toMatch(/relaying denied/)
      const {body} = await emulator.api('GET', '/api/v1/emails')
      expect(body.data).toEqual([])
      const {body: addresses} = await emulator.api('GET', '/api/v1/addresses')
      expect(addresses.data).toEqual([])
    }
  })

  it('more than maxRecipients: the extra RCPTs get 452, the message goes to the accepted ones', async () => {
    const emulator = await startTestEmulator({maxRecipients: 3})
    const to = ['r1', 'r2', 'r3', 'r4', 'r5'].map((l) => `${l}@junkmail.local`)
    const result = await sendOnce(emulator.smtpPort!, {from: 'sender@example.com', to, message: plainMessage({to: to.join(', '), subject: 'many'})})
    expect(result.rcpt.map((r) => r.code)).toEqual([250, 250, 250, 452, 452])
    expect(result.rcpt[3].lines[0]).toMatch(/^4\.5\.3 /)
    expect(result.data?.code).toBe(250)
    expect(result.emailIds).toHaveLength(3)
    const {body} = await emulator.api('GET', '/api/v1/emails')
    expect(body.data.map((e: any) => e.to).sort()).toEqual(to.slice(0, 3))
    // The refused ones were not created either.
    const {body: addresses} = await emulator.api('GET', '/api/v1/addresses')
    expect(addresses.data.map((a: any) => a.email).sort()).toEqual(to.slice(0, 3))
  })

  it('one message to 3 local addresses: 3 emails, 3 email.received, the same raw bytes for each (stored once)', async () => {
    const dataDir = await tempDir()
    const emulator = await startTestEmulator({dataDir})
    const inbox = await subscribe(emulator.api, ['email.received'])
    const to = ['a@junkmail.local', 'b@junkmail.local', 'c@junkmail.local']
    const raw = await sampleMessage(to.join(', '))
    const result = await sendOnce(emulator.smtpPort!, {from: 'alice@example.com', to: [...to, 'B@junkmail.local'], message: raw})
    // The same address twice is one recipient.
    expect(result.rcpt.map((r) => r.code)).toEqual([250, 250, 250, 250])
    expect(result.emailIds).toHaveLength(3)
    expect((await recordedEvents(emulator.api, 'email.received')).map((e) => e.payload.data.emailId)).toEqual(result.emailIds)
    expect(await deliveriesSettled(emulator.api)).toMatchObject({deliveries: 3})
    const notifications = inbox.all()
    expect(notifications.map((n) => n.data.emailId).sort()).toEqual([...result.emailIds].sort())
    expect(new Set(notifications.map((n) => n.data.addressId)).size).toBe(3)
    for (const n of notifications) {
      inbox.expectSigned(n)
      expect(n.data).toMatchObject({from: 'alice@example.com', subject: SUBJECT})
      const {body} = await emulator.api('GET', `/api/v1/emails/${n.data.emailId}`)
      expect(to).toContain(body.data.to)
      expect(body.data.envelope.rcptTo).toEqual(to)
      const response = await fetch(`${emulator.url}/api/v1/emails/${n.data.emailId}/raw`, {headers: {authorization: `Bearer ${emulator.apiKey}`}})
      expect(Buffer.from(await response.arrayBuffer()).equals(raw)).toBe(true)
    }
    // The bytes once on disk, named by the three emails.
    const before = await spoolOnDisk(dataDir)
    expect(before.shared.map((ids) => ids.sort())).toEqual([[...result.emailIds].sort()])
    expect(before.bytes).toBe(raw.length)
    // Deleting one leaves the others' bytes intact.
    expect((await emulator.api('DELETE', `/api/v1/emails/${result.emailIds[0]}`)).status).toBe(200)
    const after = await spoolOnDisk(dataDir)
    expect(after.shared.map((ids) => ids.sort())).toEqual([result.emailIds.slice(1).sort()])
    expect(after.unnamedBytes).toBe(0)
    for (const id of result.emailIds.slice(1)) {
      const response = await fetch(`${emulator.url}/api/v1/emails/${id}/raw`, {headers: {authorization: `Bearer ${emulator.apiKey}`}})
      expect(Buffer.from(await response.arrayBuffer()).equals(raw)).toBe(true)
    }
  })
})

describe('an address deleted during the SMTP transaction', () => {
  it('deleted between RCPT and the end of DATA: the mail is not stored for it and no email.received names it', async () => {
    const emulator = await startTestEmulator()
    const inbox = await subscribe(emulator.api, ['email.received', 'address.deleted'])

    // The only recipient goes away: the message is refused, nothing is stored.
    const {smtp} = await ehlo(emulator.smtpPort!)
    expect((await smtp.command('MAIL FROM:<sender@example.com>')).code).toBe(250)
    expect((await smtp.command('RCPT TO:<gone@junkmail.local>')).code).toBe(250)
    const [gone] = (await emulator.api('GET', '/api/v1/addresses')).body.data
    expect((await emulator.api('DELETE', `/api/v1/addresses/${gone.id}`)).status).toBe(200)
    const reply = await smtp.data(plainMessage({to: 'gone@junkmail.local', subject: 'to a deleted address'}))
    expect([reply.code, reply.lines]).toEqual([550, ['5.1.1 every recipient address was deleted or expired during the transaction; nothing stored']])
    // The reply comes once the decision is made: nothing was recorded for it.
    expect((await recordedEvents(emulator.api, 'email.received'))).toEqual([])
    expect((await emulator.api('GET', '/api/v1/emails')).body.data).toEqual([])

    // One of two recipients goes away: the other one still gets the message.
    expect((await smtp.command('MAIL FROM:<sender@example.com>')).code).toBe(250)
    expect((await smtp.command('RCPT TO:<stays@junkmail.local>')).code).toBe(250)
    expect((await smtp.command('RCPT TO:<leaves@junkmail.local>')).code).toBe(250)
    const leaves = (await emulator.api('GET', '/api/v1/addresses')).body.data.find((a: any) => a.email === 'leaves@junkmail.local')
    expect((await emulator.api('DELETE', `/api/v1/addresses/${leaves.id}`)).status).toBe(200)
    const partial = await smtp.data(plainMessage({to: 'stays@junkmail.local', subject: 'one of two'}))
    expect(partial.code, partial.raw).toBe(250)
    const emails = (await emulator.api('GET', '/api/v1/emails')).body.data
    expect(emails.map((e: any) => e.to)).toEqual(['stays@junkmail.local'])
    expect((await recordedEvents(emulator.api, 'email.received')).map((e) => e.payload.data.addressId)).toEqual([emails[0].addressId])
    // Two address.deleted and one email.received, all sent: the webhook got exactly those.
    expect(await deliveriesSettled(emulator.api)).toMatchObject({deliveries: 3})
    expect(inbox.of('email.received').map((n) => n.data.addressId)).toEqual([emails[0].addressId])
    expect(inbox.of('address.deleted').map((n) => n.data.addressId).sort()).toEqual([gone.id, leaves.id].sort())
    for (const e of emails) expect((await emulator.api('GET', `/api/v1/addresses/${e.addressId}`)).status).toBe(200)
    await smtp.quit()
  })
})

describe('address expiry on the compressed clock', () => {
  it('an address of 3600 s at time scale 7200 expires after ~0.5 s: address.expired exactly once, status expired, mail refused with 550', async () => {
    const emulator = await startTestEmulator({timeScale: 7200, addressLifetimeSeconds: 3600, scaleAddressLifetimes: true})
    const inbox = await subscribe(emulator.api, ['address.expired'])
    const started = Date.now()
    const created = await emulator.api('POST', '/api/v1/addresses', {body: {localPart: 'brief', lifetime: 3600}})
    const answered = Date.now()
    expect(created.status).toBe(201)
    const id: string = created.body.data.id
    // 3600 s at time scale 7200: it expires 500 ms after it was created.
    const expiresAtMs = emulator.context.store.getAddress(id)!.expiresAtMs
    expect(expiresAtMs).toBeGreaterThanOrEqual(started + 500)
    expect(expiresAtMs).toBeLessThanOrEqual(answered + 500)
    expect(created.body.data.expiresAt).toBe(new Date(expiresAtMs).toISOString().replace(/\.\d{3}Z$/, 'Z'))
    // One created on the fly by SMTP gets the default lifetime (also 3600 s here).
    const fly = await sendOnce(emulator.smtpPort!, {from: 'sender@example.com', to: ['fly@junkmail.local', 'brief@junkmail.local'], message: plainMessage({to: 'fly@junkmail.local', subject: 'before expiry'})})
    expect(fly.data?.code).toBe(250)
    expect(fly.emailIds).toHaveLength(2)

    // One expired by hand before its time: its clock expiry must not fire a second event.
    const manual = await emulator.api('POST', '/api/v1/addresses', {body: {localPart: 'manual', lifetime: 3600}})
    const expiredByHand = await emulator.api('POST', `/_emulator/v1/addresses/${manual.body.data.id}/expire`)
    expect(expiredByHand.status).toBe(200)
    expect(expiredByHand.body.data).toMatchObject({status: 'expired'})

    const expired = await inbox.waitFor('address.expired', 3, 5000)
    const elapsed = Date.now() - started
    expect(elapsed).toBeGreaterThanOrEqual(450)
    expect(elapsed).toBeLessThan(3000)
    expect(expired.map((n) => n.data.email).sort()).toEqual(['brief@junkmail.local', 'fly@junkmail.local', 'manual@junkmail.local'])
    for (const n of expired) {
      inbox.expectSigned(n)
      expect(Object.keys(n.data)).toEqual(['addressId', 'email', 'expiredAt'])
    }
    // No duplicate: once every expiry the clock scheduled has come (the one expired by hand too),
    // there are exactly three address.expired, and the webhook got exactly those.
    await waitUntil('every scheduled expiry to have come', () => (emulator.context.mail.expiry.size === 0 ? true : undefined))
    expect((await recordedEvents(emulator.api, 'address.expired')).map((e) => [e.payload.data.email, e.source])).toEqual([
      ['manual@junkmail.local', 'api'],
      ['brief@junkmail.local', 'clock'],
      ['fly@junkmail.local', 'clock'],
    ])
    expect(await deliveriesSettled(emulator.api)).toMatchObject({deliveries: 3})
    expect(inbox.of('address.expired')).toHaveLength(3)

    const {body} = await emulator.api('GET', `/api/v1/addresses/${id}`)
    expect(body.data).toMatchObject({id, status: 'expired', expiredAt: expired.find((n) => n.data.addressId === id)!.data.expiredAt})
    // Its mail stays readable.
    expect((await emulator.api('GET', `/api/v1/addresses/${id}/emails`)).body.data).toHaveLength(1)
    // New mail is refused.
    const later = await sendOnce(emulator.smtpPort!, {from: 'sender@example.com', to: ['brief@junkmail.local', 'fly@junkmail.local'], message: plainMessage({to: 'brief@junkmail.local', subject: 'too late'})})
    expect(later.rcpt.map((r) => r.code)).toEqual([550, 550])
    expect(later.rcpt[0].lines[0]).toMatch(/expired/)
    // Expiring by hand again is a 409, and fires nothing.
    const again = await emulator.api('POST', `/_emulator/v1/addresses/${id}/expire`)
    expect(again.status).toBe(409)
    expect(again.body.error).toMatchObject({code: 'address_expired', field: 'id'})
    expect(await recordedEvents(emulator.api, 'address.expired')).toHaveLength(3)
    expect((await emulator.api('GET', '/api/v1/emails')).body.data).toHaveLength(2)
  })
})

describe('message size limit', () => {
  it('a 200 KiB message over a 64 KiB limit gets 552 after DATA, nothing is stored, and the same session then sends a small mail', async () => {
    const dir = await tempDir()
    const limit = 64 * 1024
    const emulator = await startTestEmulator({maxMessageSize: limit})
    const inbox = await subscribe(emulator.api, ['email.received'])
    const to = 'big@junkmail.local'
    const line = 'x'.repeat(998)
    const big = Buffer.concat([plainMessage({to, subject: 'too big', body: ''}), Buffer.from(`${line}\r\n`.repeat(205))]) // over 200 KiB
    const small = plainMessage({to, subject: 'small after big'})

    // One smtplib session: the big one step by step (no SIZE declared, so it is caught in DATA),
    // the big one through sendmail (SIZE declared: refused at MAIL FROM), then a small one.
    const session = await pythonSmtp(dir, emulator.smtpPort!, [
      {mode: 'steps', from: 'sender@example.com', to: [to], message: big},
      {mode: 'sendmail', from: 'sender@example.com', to: [to], message: big},
      {mode: 'sendmail', from: 'sender@example.com', to: [to], message: small},
    ])
    const [steps, declared, ok] = session.results
    expect(steps.mail?.[0]).toBe(250)
    expect(steps.rcpt).toEqual([[250, expect.any(String)]])
    expect(steps.data?.[0]).toBe(552)
    expect(steps.data?.[1]).toMatch(/5\.3\.4 .*65536/)
    expect(declared).toMatchObject({ok: false, error: {code: 552}})
    expect(ok, JSON.stringify(ok)).toMatchObject({ok: true, refused: {}})

    const {body} = await emulator.api('GET', '/api/v1/emails')
    expect(body.data.map((e: any) => e.subject)).toEqual(['small after big'])
    expect((await recordedEvents(emulator.api, 'email.received')).map((e) => e.payload.data.subject)).toEqual(['small after big'])
    expect(await deliveriesSettled(emulator.api)).toMatchObject({deliveries: 1})
    expect(inbox.all().map((n) => n.data.subject)).toEqual(['small after big'])
  })

  it('raw socket: 552 for the big message, then the same connection delivers a small one byte for byte', async () => {
    const emulator = await startTestEmulator({maxMessageSize: 64 * 1024})
    const {smtp} = await ehlo(emulator.smtpPort!)
    const to = 'big@junkmail.local'
    const filler = Buffer.from(seededBytes('filler', 150 * 1024).toString('base64').replace(/.{76}/g, '$&\r\n') + '\r\n')
    const big = Buffer.concat([plainMessage({to, subject: 'too big', body: ''}), filler])
    expect((await smtp.command('MAIL FROM:<sender@example.com>')).code).toBe(250)
    expect((await smtp.command(`RCPT TO:<${to}>`)).code).toBe(250)
    const refused = await smtp.data(big)
    expect([refused.code, refused.lines]).toEqual([552, ['5.3.4 Message too big: the limit is 65536 bytes']])
    const small = plainMessage({to, subject: 'small'})
    expect((await smtp.command('MAIL FROM:<sender@example.com>')).code).toBe(250)
    expect((await smtp.command(`RCPT TO:<${to}>`)).code).toBe(250)
    const accepted = await smtp.data(small)
    expect(accepted.code).toBe(250)
    await smtp.quit()
    const {body} = await emulator.api('GET', '/api/v1/emails')
    expect(body.data.map((e: any) => e.id)).toEqual(queuedIds(accepted))
    const raw = await fetch(`${emulator.url}/api/v1/emails/${body.data[0].id}/raw`, {headers: {authorization: `Bearer ${emulator.apiKey}`}})
    expect(Buffer.from(await raw.arrayBuffer()).equals(small)).toBe(true)
  })

  it('the limit is exact: a message of maxMessageSize bytes is accepted, one byte more is refused', async () => {
    const emulator = await startTestEmulator({maxMessageSize: 1000})
    const head = 'Subject: at the limit\r\n\r\n'
    const ofSize = (n: number) => Buffer.from(head + 'x'.repeat(n - head.length - 2) + '\r\n')
    const codes: Array<number | undefined> = []
    for (const size of [999, 1000, 1001]) {
      const result = await sendOnce(emulator.smtpPort!, {from: 'sender@example.com', to: ['limit@junkmail.local'], message: ofSize(size)})
      codes.push(result.data?.code)
    }
    expect(codes).toEqual([250, 250, 552])
    const {body} = await emulator.api('GET', '/api/v1/emails')
    expect(body.data.map((e: any) => e.size).sort((a: number, b: number) => a - b)).toEqual([999, 1000])
  })
})

describe('concurrency', () => {
  it('50 SMTP connections each sending 20 mails: exactly 1,000 emails, 1,000 email.received, no duplicate, none lost', async () => {
    const dataDir = await tempDir()
    const emulator = await startTestEmulator({dataDir})
    const inbox = await subscribe(emulator.api, ['email.received'])
    const connections = 50
    const perConnection = 20
    const accepted = await Promise.all(
      Array.from({length: connections}, async (_, c) => {
        // One pooled connection per transport: 20 mails in sequence over it.
        const transport = nodemailer.createTransport({pool: true, maxConnections: 1, maxMessages: Infinity, host: '127.0.0.1', port: emulator.smtpPort!, secure: false, ignoreTLS: true})
        const ids: string[] = []
        try {
          for (let m = 0; m < perConnection; m++) {
            const info = await transport.sendMail({from: 'load@example.com', to: `c${c}@junkmail.local`, subject: `c${c} m${m}`, text: `mail ${m} of connection ${c}`})
            ids.push(...queuedIds(info.response))
          }
        } finally {
          transport.close()
        }
        return ids
      }),
    )
    const ids = accepted.flat()
    expect(ids).toHaveLength(connections * perConnection)
    expect(new Set(ids).size).toBe(ids.length)

    const {body} = await emulator.api('GET', '/api/v1/emails?limit=5000')
    expect(body.data).toHaveLength(1000)
    expect(new Set(body.data.map((e: any) => e.id))).toEqual(new Set(ids))
    const subjects = new Set(body.data.map((e: any) => e.subject))
    expect(subjects.size).toBe(1000)

    // One email.received each, recorded with the email; all of them sent, and nothing else.
    const events = await recordedEvents(emulator.api, 'email.received')
    expect(new Set(events.map((e) => e.payload.data.emailId))).toEqual(new Set(ids))
    expect(events).toHaveLength(1000)
    expect(await deliveriesSettled(emulator.api, 20_000)).toMatchObject({deliveries: 1000})
    const notified = inbox.all().map((n) => n.data.emailId)
    expect(notified).toHaveLength(1000)
    expect(new Set(notified).size).toBe(1000)
    expect(new Set(notified)).toEqual(new Set(ids))
    const {body: addresses} = await emulator.api('GET', '/api/v1/addresses?limit=1000')
    expect(addresses.data).toHaveLength(connections)
    // On disk: every email's bytes where its record says, nothing half-written, no stray byte.
    const spool = await spoolOnDisk(dataDir)
    expect(new Set(spool.named.keys())).toEqual(new Set(ids))
    expect([...spool.named.values()].filter((bytes) => bytes === null)).toEqual([])
    expect(spool.unnamedBytes).toBe(0)
    // And all of it is still there after a restart.
    await emulator.stop()
    const again = await startTestEmulator({dataDir})
    const {body: reloaded} = await again.api('GET', '/api/v1/emails?limit=5000')
    expect(new Set(reloaded.data.map((e: any) => e.id))).toEqual(new Set(ids))
  }, 30_000)
})

describe('SMTP refusals: 421 and 451', () => {
  it('421 to a session beyond the client limit, to an HTTP request sent to the SMTP port, and to open sessions when the emulator stops', async () => {
    const emulator = await startTestEmulator({smtpMaxClients: 2})
    const first = await openSmtp(emulator.smtpPort!)
    const second = await openSmtp(emulator.smtpPort!)
    expect([first.greeting.code, second.greeting.code]).toEqual([220, 220])
    const third = await openSmtp(emulator.smtpPort!)
    expect(third.greeting.code).toBe(421)
    expect(third.greeting.lines).toEqual(['junkmail.local Too many connected clients, try again in a moment'])
    await waitUntil('the refused session to be closed', () => (third.socket.closed ? true : undefined))
    // Both sessions silent for over a second: a new one makes room by closing the one silent the longest.
    expect((await second.command('NOOP')).code).toBe(250)
    await new Promise((r) => setTimeout(r, 1100))
    const fourth = await openSmtp(emulator.smtpPort!)
    expect(fourth.greeting.code).toBe(220)
    const evicted = await first.reply()
    expect([evicted.code, evicted.lines]).toEqual([421, ['junkmail.local Too many connected clients: closing the session silent the longest']])
    await waitUntil('the silent session to be closed', () => (first.socket.closed ? true : undefined))
    expect((await second.command('NOOP')).code).toBe(250)
    await fourth.quit()
    const first2 = await openSmtp(emulator.smtpPort!)
    expect(first2.greeting.code).toBe(220)
    expect((await first2.command('EHLO client.test')).code).toBe(250)
    // A browser tricked into POSTing to the SMTP port: refused, and the session is closed.
    await second.quit()
    const browser = await openSmtp(emulator.smtpPort!)
    const http = await browser.command('POST /api/v1/webhooks HTTP/1.1')
    expect(http.code).toBe(421)
    expect(http.lines).toEqual(['HTTP requests not allowed'])
    await waitUntil('the HTTP session to be closed', () => (browser.socket.closed ? true : undefined))

    // Stopping: a command in the grace period gets 421, and the idle session is told 421 before it is cut.
    const idle = await openSmtp(emulator.smtpPort!)
    const stopping = emulator.stop()
    const busy = await first2.command('NOOP')
    expect(busy.code).toBe(421)
    expect(busy.lines).toEqual(['Server shutting down'])
    const told = await idle.reply()
    expect(told.code).toBe(421)
    expect(told.lines).toEqual(['Server shutting down'])
    await stopping
    await waitUntil('the idle session to be closed', () => (idle.socket.closed ? true : undefined))
  })

  it('421 and closed when a session completes no command in time: idle, or drip-fed a byte at a time (in a command or in DATA); one that keeps completing commands stays', async () => {
    const emulator = await startTestEmulator({smtpCommandTimeoutMs: 400})
    const timeout = ['junkmail.local Timeout: no command completed in 0.4 s, closing connection']
    const drip = async (smtp: Awaited<ReturnType<typeof openSmtp>>, text: string) => {
      for (const byte of text) {
        if (smtp.socket.closed) return
        smtp.write(byte)
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    const closedWith421 = async (smtp: Awaited<ReturnType<typeof openSmtp>>, started: number) => {
      const reply = await smtp.reply()
      expect([reply.code, reply.lines]).toEqual([421, timeout])
      await waitUntil('the session to be closed', () => (smtp.socket.closed ? true : undefined))
      return Date.now() - started
    }
    // Idle after EHLO.
    const idle = await openSmtp(emulator.smtpPort!)
    let started = Date.now()
    await idle.command('EHLO client.test')
    expect(await closedWith421(idle, started)).toBeGreaterThanOrEqual(390)
    // A command dripped a byte every 100 ms, never finished (each byte would reset an idle timer).
    const dripped = await openSmtp(emulator.smtpPort!)
    await dripped.command('EHLO client.test')
    started = Date.now()
    void drip(dripped, 'NOOP NOOP NOOP NOOP NOOP')
    const elapsed = await closedWith421(dripped, started)
    expect(elapsed).toBeGreaterThanOrEqual(390)
    expect(elapsed).toBeLessThan(1500)
    // A message dripped a line at a time in DATA: cut, nothing stored.
    const slow = await openSmtp(emulator.smtpPort!)
    await slow.command('EHLO client.test')
    await slow.command('MAIL FROM:<slow@example.com>')
    await slow.command('RCPT TO:<slow@junkmail.local>')
    expect((await slow.command('DATA')).code).toBe(354)
    started = Date.now()
    void drip(slow, 'Subject: slow\r\n\r\n' + 'x'.repeat(40))
    expect(await closedWith421(slow, started)).toBeLessThan(1500)
    await smtpIdle(emulator.api)
    expect((await emulator.api('GET', '/api/v1/emails')).body.data).toEqual([])
    // Commands completed well within the deadline, for longer than it: the session stays usable.
    const busy = await openSmtp(emulator.smtpPort!)
    for (let i = 0; i < 8; i++) {
      expect((await busy.command('NOOP')).code).toBe(250)
      await new Promise((r) => setTimeout(r, 150))
    }
    expect(busy.socket.closed).toBe(false)
    await busy.quit()
  })

  it('451 when the message cannot be stored (the mail folder is not a folder): nothing is kept, and the next mail is', async () => {
    const {mkdir, rename, rm, writeFile} = await import('node:fs/promises')
    const dataDir = await tempDir()
    const emulator = await startTestEmulator({dataDir})
    const inbox = await subscribe(emulator.api, ['email.received'])
    const mailDir = join(dataDir, 'mail')
    await rm(mailDir, {recursive: true})
    await writeFile(mailDir, 'not a folder')
    const refused = await sendOnce(emulator.smtpPort!, {from: 'sender@example.com', to: ['unlucky@junkmail.local'], message: plainMessage({to: 'unlucky@junkmail.local', subject: 'not stored'})})
    expect(refused.rcpt.map((r) => r.code)).toEqual([250])
    expect(refused.data?.code).toBe(451)
    expect(refused.data?.lines[0]).toMatch(/^4\.3\.0 could not store the message: ENOTDIR: not a directory/)
    expect((await emulator.api('GET', '/api/v1/emails')).body.data).toEqual([])
    expect((await emulator.api('GET', '/_emulator/v1/events?type=email.received')).body.data).toEqual([])

    await rename(mailDir, `${mailDir}.file`)
    await mkdir(mailDir)
    const kept = await sendOnce(emulator.smtpPort!, {from: 'sender@example.com', to: ['unlucky@junkmail.local'], message: plainMessage({to: 'unlucky@junkmail.local', subject: 'stored'})})
    expect(kept.data?.code).toBe(250)
    expect((await emulator.api('GET', '/api/v1/emails')).body.data.map((e: any) => [e.id, e.subject])).toEqual([[kept.emailIds[0], 'stored']])
    expect((await inbox.waitFor('email.received', 1)).map((n) => n.data.emailId)).toEqual(kept.emailIds)
  })

  it('451 on a full disk (a real tmpfs): at RCPT for an address that must be created, at DATA for a known one; the session goes on once there is room', async (context) => {
    if (tmpfsUnavailable) skipBecause(context, tmpfsUnavailable)
    const {rm} = await import('node:fs/promises')
    const disk = await smallDisk(512 * 1024)
    const emulator = await startTestEmulator({dataDir: join(disk, 'data')})
    expect((await emulator.api('POST', '/api/v1/addresses', {body: {localPart: 'known'}})).status).toBe(201)
    const filler = join(disk, 'filler')
    await fillDisk(filler)
    // What room is left is in the last page of the journal: API keys (the shortest line there is)
    // take it, until three in a row can't be written (503): then no change fits any more.
    for (let i = 0, refused = 0; i < 500 && refused < 3; i++) {
      const {status} = await emulator.api('POST', '/_emulator/v1/api-keys', {body: {scopes: ['emails:read']}})
      if (status === 201) refused = 0
      else {
        expect(status).toBe(503)
        refused++
      }
    }

    const {smtp} = await ehlo(emulator.smtpPort!)
    expect((await smtp.command('MAIL FROM:<sender@example.com>')).code).toBe(250)
    const rcpt = await smtp.command('RCPT TO:<new-address@junkmail.local>')
    expect(rcpt.code).toBe(451)
    expect(rcpt.lines[0]).toMatch(/^4\.3\.0 ENOSPC: no space left on device/)
    // Refused, so not created either (it used to be, and was written once there was room again).
    expect((await emulator.api('GET', '/api/v1/addresses')).body.data.map((a: any) => a.email)).toEqual(['known@junkmail.local'])
    expect((await smtp.command('RCPT TO:<known@junkmail.local>')).code).toBe(250)
    const data = await smtp.data(plainMessage({to: 'known@junkmail.local', subject: 'disk full'}))
    expect(data.code).toBe(451)
    expect(data.lines[0]).toMatch(/^4\.3\.0 could not store the message: ENOSPC: no space left on device/)
    expect((await emulator.api('GET', '/api/v1/emails')).body.data).toEqual([])

    // Room again: the same session goes on and the mail is stored.
    await rm(filler)
    expect((await smtp.command('MAIL FROM:<sender@example.com>')).code).toBe(250)
    expect((await smtp.command('RCPT TO:<known@junkmail.local>')).code).toBe(250)
    const stored = await smtp.data(plainMessage({to: 'known@junkmail.local', subject: 'room again'}))
    expect(stored.code).toBe(250)
    expect((await emulator.api('GET', '/api/v1/emails')).body.data.map((e: any) => e.subject)).toEqual(['room again'])
    expect((await emulator.api('GET', '/api/v1/addresses')).body.data.map((a: any) => a.email)).toEqual(['known@junkmail.local'])
    // No byte of the refused message is left behind either.
    const [kept] = (await emulator.api('GET', '/api/v1/emails')).body.data
    expect(emulator.context.mail.raw.stats()).toMatchObject({bytes: kept.size, liveBytes: kept.size})
    await smtp.quit()
  })
})
