import {describe, expect, it} from 'vitest'
import {type RunningEmulator} from '../src/emulator/start-emulator.js'
import {type Api, recordedEvents, startTestEmulator} from './support/emulator.js'
import {seededBytes} from './support/seeded-bytes.js'
import {dotStuff, ehlo, openSmtp, queuedIds, sendOnce} from './support/smtp-dialogue.js'
import {segmentBytes, spoolOnDisk} from './support/spool.js'
import {tempDir} from './support/temp-dir.js'
import {deliveriesSettled, smtpIdle} from './support/wait-until.js'
import {subscribe, type WebhookInbox, waitUntil} from './support/webhook-inbox.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const crlf = (...lines: string[]) => lines.join('\r\n')
const bytes = (...parts: Array<string | Buffer>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)))

/** Random-looking bytes (the same on every run) with NULs, bare CRs and LFs and line-leading dots in them, ending in CRLF. */
function junk(size: number): Buffer {
  const b = seededBytes(`junk ${size}`, size)
  b[0] = 0x00
  b[1] = 0x2e
  b.set([0x0a, 0x2e, 0x0d, 0x00, 0x0d, 0x0a, 0x2e, 0x2e, 0x00], 100)
  return bytes(b, '\r\n')
}

// 日本語テスト in Shift_JIS.
const SJIS = Buffer.from('93fa967b8cea836583588367', 'hex')

/** One malformed message: what it is, its exact bytes, and what should still be read from it. */
interface MalformedCase {
  name: string
  message: Buffer
  /** `from` and `subject` of `email.received` (from falls back to the envelope sender). */
  from: string
  subject: string
  /** The bytes the sink receives, when not exactly `message`. */
  stored?: Buffer
  /** Optional checks on GET /api/v1/emails/:id. */
  detail?: (data: any) => void
  /** The bytes of each attachment the API must return (none when absent). */
  attachments?: Buffer[]
  /** False when the header block is junk that has no lines to compare the parsed headers with. */
  textHeaders?: false
}

/**
 * Every header the API lists is one of the message's own lines: its name is the text before the
 * colon, or (a line with no colon at all) the whole line. No name is made up or cut short.
 */
function expectFaithfulHeaders(name: string, headers: Array<{name: string; value: string}>, raw: Buffer) {
  const block = raw.toString('utf8').split(/\r?\n\r?\n/)[0]
  const lines = block.split(/\r?\n/).filter((l) => !/^[ \t]/.test(l))
  for (const h of headers) {
    // Soft: the rest of the case still runs when a name is wrong.
    expect.soft(lines.some((l) => l === h.name || l.startsWith(`${h.name}:`)), `${name}: header name ${JSON.stringify(h.name)} is not from the message`).toBe(true)
  }
}

const ENVELOPE_FROM = 'envelope@example.com'

const cases: MalformedCase[] = [
  {
    name: 'broken MIME boundaries (undeclared, unclosed, invalid base64)',
    message: Buffer.from(
      crlf(
        'From: broken@example.com',
        'To: m@junkmail.local',
        'Subject: broken boundaries',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="declared"',
        '',
        '--not-the-declared-one',
        'Content-Type: text/plain',
        '',
        'part one',
        '--declared',
        'Content-Type: text/plain',
        'Content-Transfer-Encoding: base64',
        '',
        '!!! not base64 at all ***',
        '--declared',
        'Content-Type: application/octet-stream; name="x.bin"',
        'Content-Disposition: attachment; filename="x.bin"',
        'Content-Transfer-Encoding: base64',
        '',
        'AAEC',
        '--declared',
        'Content-Type: multipart/alternative; boundary="inner"',
        '',
        '--inner',
        'no headers in this part and no closing boundary anywhere',
        '',
      ),
    ),
    from: 'broken@example.com',
    subject: 'broken boundaries',
    attachments: [Buffer.from([0, 1, 2])],
    detail: (d) => expect(d.attachments).toMatchObject([{index: 0, filename: 'x.bin', contentType: 'application/octet-stream', size: 3}]),
  },
  {
    name: 'a 100 KB header line',
    message: Buffer.from(crlf('From: long@example.com', `X-Huge: ${'h'.repeat(100_000)}`, 'Subject: after a huge header', '', 'body', '')),
    from: 'long@example.com',
    subject: 'after a huge header',
    detail: (d) => expect(d.headers.find((h: any) => h.name === 'X-Huge').value).toHaveLength(100_000),
  },
  {
    name: 'a 100 KB folded Subject',
    message: Buffer.from(crlf('From: folded@example.com', `Subject: start${'\r\n continued'.repeat(10_000)}`, '', 'body', '')),
    from: 'folded@example.com',
    subject: `start${' continued'.repeat(10_000)}`,
  },
  {
    name: 'binary junk (random bytes incl. NUL, bare CR/LF, leading dots)',
    message: junk(8192),
    from: ENVELOPE_FROM,
    subject: '',
    textHeaders: false,
  },
  {
    name: 'binary junk after valid headers',
    message: bytes(crlf('From: junk@example.com', 'Subject: junk body', 'Content-Type: application/octet-stream', '', ''), junk(4096)),
    from: 'junk@example.com',
    subject: 'junk body',
    // The whole body is one unnamed attachment, its bytes as sent.
    attachments: [junk(4096)],
  },
  {
    name: '8-bit (raw UTF-8) headers',
    message: Buffer.from(
      crlf('From: Zoë Ünïcode <zoë@exämple.com>', 'To: Jürgen <m@junkmail.local>', 'Subject: Grüße aus Köln — 日本語 🙂', '', 'Grüße 🙂', ''),
      'utf8',
    ),
    from: 'zoë@exämple.com',
    subject: 'Grüße aus Köln — 日本語 🙂',
    detail: (d) => expect(d.text).toBe('Grüße 🙂\n'),
  },
  {
    name: 'ISO-8859-1 body and Q encoded-word subject',
    message: bytes(
      crlf('From: latin@example.com', 'Subject: =?ISO-8859-1?Q?Caf=E9_cr=E8me?=', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=ISO-8859-1', 'Content-Transfer-Encoding: 8bit', '', ''),
      Buffer.from('Déjà vu, garçon\r\n', 'latin1'),
    ),
    from: 'latin@example.com',
    subject: 'Café crème',
    detail: (d) => expect(d.text).toBe('Déjà vu, garçon\n'),
  },
  {
    name: 'Shift_JIS body and B encoded-word subject',
    message: bytes(
      crlf('From: sjis@example.jp', `Subject: =?Shift_JIS?B?${SJIS.toString('base64')}?=`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=Shift_JIS', 'Content-Transfer-Encoding: 8bit', '', ''),
      SJIS,
      '\r\n',
    ),
    from: 'sjis@example.jp',
    subject: '日本語テスト',
    detail: (d) => expect(d.text).toBe('日本語テスト\n'),
  },
  {
    name: 'an unknown charset',
    message: Buffer.from(crlf('From: odd@example.com', 'Subject: =?x-no-such-charset?Q?odd?=', 'Content-Type: text/plain; charset=x-no-such-charset', '', 'text', '')),
    from: 'odd@example.com',
    // The encoded word's bytes, read as Latin-1 would read them (the charset is unknown).
    subject: 'odd',
  },
  {
    name: 'a line without a colon among the headers',
    message: Buffer.from(crlf('From: colon@example.com', 'this line has no colon', 'Subject: around a colon-less line', '', 'body', '')),
    from: 'colon@example.com',
    subject: 'around a colon-less line',
  },
  {
    name: 'an empty body',
    message: Buffer.from(crlf('From: empty@example.com', 'Subject: nothing below', '', '')),
    from: 'empty@example.com',
    subject: 'nothing below',
  },
  {
    name: 'headers only, no blank line',
    message: Buffer.from(crlf('From: headers@example.com', 'Subject: only headers', '')),
    from: 'headers@example.com',
    subject: 'only headers',
  },
  {
    name: 'no headers at all (body text straight away)',
    message: Buffer.from(crlf('just some text, no headers', 'and a second line', '')),
    from: ENVELOPE_FROM,
    subject: '',
  },
  {
    name: 'no headers at all (starts with the blank line)',
    message: Buffer.from(crlf('', 'body only', '')),
    from: ENVELOPE_FROM,
    subject: '',
  },
  {
    name: 'an empty message (DATA then the final dot)',
    message: Buffer.alloc(0),
    from: ENVELOPE_FROM,
    subject: '',
  },
  {
    name: 'bare LF line endings',
    message: Buffer.from('From: lf@example.com\nSubject: bare LF\n\nline one\n.line two starts with a dot\n'),
    // SMTP ends the data with CRLF "." CRLF, and that first CRLF belongs to the message: a
    // message that does not end in CRLF gets one from the client.
    stored: Buffer.from('From: lf@example.com\nSubject: bare LF\n\nline one\n.line two starts with a dot\n\r\n'),
    from: 'lf@example.com',
    subject: 'bare LF',
    detail: (d) => expect(d.text).toMatch(/^line one\n\.line two starts with a dot\n/),
  },
  {
    name: 'a From without any address (empty group) and a NUL in the Subject',
    message: Buffer.from(crlf('From: undisclosed-senders:;', 'Subject: nul\u0000inside', '', 'x', '')),
    from: ENVELOPE_FROM,
    subject: 'nul\u0000inside',
  },
  {
    name: 'multipart nested 200 levels deep',
    message: Buffer.from(
      crlf(
        'From: deep@example.com',
        'Subject: deep',
        'Content-Type: multipart/mixed; boundary="b0"',
        '',
        ...Array.from({length: 200}, (_, i) => `--b${i}\r\nContent-Type: multipart/mixed; boundary="b${i + 1}"\r\n`),
        '--b200',
        'Content-Type: text/plain',
        '',
        'at the bottom',
        '',
      ),
    ),
    from: 'deep@example.com',
    subject: 'deep',
  },
]

const authed = (emulator: RunningEmulator) => ({headers: {authorization: `Bearer ${emulator.apiKey}`}, signal: AbortSignal.timeout(10_000)})

/** Sends one malformed message and checks it was stored byte for byte, notified, and readable through the API. */
async function deliverAndCheck(emulator: RunningEmulator & {api: Api}, inbox: WebhookInbox, c: MalformedCase, to: string, options: {headerNames?: boolean} = {}) {
  const result = await sendOnce(emulator.smtpPort!, {from: ENVELOPE_FROM, to: [to], message: c.message})
  expect(result.data?.code, `${c.name}: ${result.data?.raw}`).toBe(250)
  const [id] = result.emailIds
  const n = await waitUntil(`email.received for ${c.name}`, () => inbox.of('email.received').find((x) => x.data.emailId === id))
  inbox.expectSigned(n)
  expect(Object.keys(n.data), c.name).toEqual(['emailId', 'addressId', 'from', 'subject', 'receivedAt'])
  expect(n.data.from, c.name).toEqual(c.from)
  expect(n.data.subject, c.name).toEqual(c.subject)

  const raw = await fetch(`${emulator.url}/api/v1/emails/${id}/raw`, authed(emulator))
  expect(raw.status, c.name).toBe(200)
  expect(Buffer.from(await raw.arrayBuffer()).equals(c.stored ?? c.message), `${c.name}: raw bytes`).toBe(true)

  const detail = await fetch(`${emulator.url}/api/v1/emails/${id}`, authed(emulator))
  expect(detail.status, c.name).toBe(200)
  const {data} = (await detail.json()) as {data: any}
  expect(data).toMatchObject({id, from: c.from, subject: c.subject, size: (c.stored ?? c.message).length})
  c.detail?.(data)
  if (c.textHeaders !== false && options.headerNames !== false) expectFaithfulHeaders(c.name, data.headers, c.stored ?? c.message)
  expect(data.attachments, c.name).toHaveLength(c.attachments?.length ?? 0)
  for (const [i, bytes] of (c.attachments ?? []).entries()) {
    const attachment = await fetch(`${emulator.url}/api/v1/emails/${id}/attachments/${i}`, authed(emulator))
    expect(attachment.status, `${c.name}: attachment ${i}`).toBe(200)
    expect(Buffer.from(await attachment.arrayBuffer()).equals(bytes), `${c.name}: attachment ${i} bytes`).toBe(true)
  }
  return id
}

/** The emulator still answers its health route and takes a normal mail. */
async function expectStillWorking(emulator: RunningEmulator & {api: Api}) {
  const health = await fetch(`${emulator.url}/_emulator/v1/health`, {signal: AbortSignal.timeout(5000)})
  expect(health.status).toBe(200)
  expect(await health.json()).toEqual({status: 'ok'})
  const message = Buffer.from(crlf('From: ok@example.com', 'Subject: still fine', '', 'ok', ''))
  const result = await sendOnce(emulator.smtpPort!, {from: 'ok@example.com', to: ['still@junkmail.local'], message})
  expect(result.data?.code).toBe(250)
  const {body} = await emulator.api('GET', `/api/v1/emails/${result.emailIds[0]}`)
  expect(body.data.subject).toBe('still fine')
}

describe('malformed mail is stored as received, notified with what could be read, and never breaks the emulator', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const emulator = await startTestEmulator()
      const inbox = await subscribe(emulator.api, ['email.received'])
      await deliverAndCheck(emulator, inbox, c, 'm@junkmail.local')
      await expectStillWorking(emulator)
    })
  }

  it('all of them, one after another in one SMTP session and then concurrently, on one emulator with a data dir', async () => {
    const dataDir = await tempDir()
    const emulator = await startTestEmulator({dataDir})
    const inbox = await subscribe(emulator.api, ['email.received'])
    const {smtp} = await ehlo(emulator.smtpPort!)
    const ids: string[] = []
    for (const c of cases) {
      expect((await smtp.command(`MAIL FROM:<${ENVELOPE_FROM}>`)).code).toBe(250)
      expect((await smtp.command('RCPT TO:<session@junkmail.local>')).code).toBe(250)
      const reply = await smtp.data(c.message)
      expect(reply.code, c.name).toBe(250)
      ids.push(...queuedIds(reply))
    }
    await smtp.quit()
    // (Header names are checked case by case above.)
    const concurrent = await Promise.all(cases.map((c, i) => deliverAndCheck(emulator, inbox, c, `concurrent${i}@junkmail.local`, {headerNames: false})))
    await inbox.waitFor('email.received', cases.length * 2)
    for (const [i, c] of cases.entries()) {
      const raw = await fetch(`${emulator.url}/api/v1/emails/${ids[i]}/raw`, authed(emulator))
      expect(Buffer.from(await raw.arrayBuffer()).equals(c.stored ?? c.message), c.name).toBe(true)
    }
    // On disk: the spool holds these mails and nothing else, each where its record says.
    const spool = await spoolOnDisk(dataDir)
    expect(spool.files.filter((f) => !f.endsWith('.seg'))).toEqual([])
    expect([...spool.named.keys()].sort()).toEqual([...ids, ...concurrent].sort())
    for (const [i, c] of cases.entries()) expect(spool.named.get(ids[i])?.equals(c.stored ?? c.message), c.name).toBe(true)
    expect(spool.unnamedBytes).toBe(0)
    await expectStillWorking(emulator)
  })
})

describe('a client that goes away in the middle of DATA', () => {
  it('leaves nothing stored, not a byte in the spool, no notification, and the emulator keeps working', async () => {
    const dataDir = await tempDir()
    const emulator = await startTestEmulator({dataDir})
    const inbox = await subscribe(emulator.api, ['email.received'])
    const message = bytes(crlf('From: quitter@example.com', 'Subject: never finished', '', ''), seededBytes('never finished', 512 * 1024).toString('base64'), '\r\n')

    for (const cut of [message.length >> 1, 10, message.length]) {
      const {smtp} = await ehlo(emulator.smtpPort!)
      expect((await smtp.command('MAIL FROM:<quitter@example.com>')).code).toBe(250)
      expect((await smtp.command('RCPT TO:<midway@junkmail.local>')).code).toBe(250)
      expect((await smtp.command('DATA')).code).toBe(354)
      // Part (or all) of the message, but never the final dot; the reset comes a little later, so
      // the sink reads those bytes first (a reset right away could discard them unread).
      await new Promise<void>((resolve) => smtp.socket.write(message.subarray(0, cut), () => resolve()))
      await sleep(100)
      smtp.socket.destroy()
    }
    // A client that half-closes (FIN) mid-DATA instead of resetting.
    const halfClose = await openSmtp(emulator.smtpPort!)
    await halfClose.command('EHLO client.test')
    await halfClose.command('MAIL FROM:<quitter@example.com>')
    await halfClose.command('RCPT TO:<midway@junkmail.local>')
    await halfClose.command('DATA')
    halfClose.socket.end(message.subarray(0, 1000))
    await waitUntil('the half-closed session to end', () => (halfClose.socket.closed ? true : undefined), 5000)

    // Once the sink has no session and no message in progress, all four are decided: none stored.
    await smtpIdle(emulator.api)
    expect((await emulator.api('GET', '/api/v1/emails')).body.data).toEqual([])
    expect((await recordedEvents(emulator.api)).map((e) => e.type)).toEqual(['address.created'])
    expect(await segmentBytes(dataDir)).toBe(0)
    expect(inbox.all()).toEqual([])

    await expectStillWorking(emulator)
    // Only that mail, however late: nothing from the aborted sessions turned up meanwhile.
    const spool = await spoolOnDisk(dataDir)
    const emails = (await emulator.api('GET', '/api/v1/emails')).body.data
    expect(emails.map((e: any) => e.subject)).toEqual(['still fine'])
    expect([...spool.named.keys()]).toEqual([emails[0].id])
    expect(spool.unnamedBytes).toBe(0)
    expect((await inbox.waitFor('email.received', 1)).map((n) => n.data.emailId)).toEqual([emails[0].id])
    const {body} = await emulator.api('GET', '/_emulator/v1/status')
    expect(body.data.storeError).toBeNull()
  })

  it('a client that sends the final dot and hangs up without waiting: the mail is stored whole (or not at all), never half, and no stray byte is left', async () => {
    const dataDir = await tempDir()
    const emulator = await startTestEmulator({dataDir})
    const inbox = await subscribe(emulator.api, ['email.received'])
    const big = bytes(crlf('From: hasty@example.com', 'Subject: hang up at once', '', ''), seededBytes('hasty', 256 * 1024).toString('base64'), '\r\n')
    const small = bytes(crlf('From: hasty@example.com', 'Subject: small, hang up at once', '', 'one line', ''))
    const hangUp = async (message: Buffer) => {
      const {smtp} = await ehlo(emulator.smtpPort!)
      await smtp.command('MAIL FROM:<hasty@example.com>')
      await smtp.command('RCPT TO:<hasty@junkmail.local>')
      await smtp.command('DATA')
      smtp.socket.end(Buffer.concat([message, Buffer.from('.\r\n')]))
      await waitUntil('the session to end', () => (smtp.socket.closed ? true : undefined))
    }
    await hangUp(big)
    await hangUp(small)
    // Once the sink is idle, both sessions are decided; the records, the event list and the files agree.
    await smtpIdle(emulator.api)
    const emails: Array<{id: string; subject: string}> = (await emulator.api('GET', '/api/v1/emails')).body.data.reverse()
    const spool = await spoolOnDisk(dataDir)
    expect([...spool.named.keys()].sort()).toEqual(emails.map((e) => e.id).sort())
    expect(spool.unnamedBytes).toBe(0)
    expect((await recordedEvents(emulator.api, 'email.received')).map((e) => e.payload.data.emailId)).toEqual(emails.map((e) => e.id))
    // The small one's final dot is read with the rest of it, before the hang-up: it is always stored.
    // The big one may still be in the parser's buffer when the connection closes: stored whole, or not at all.
    expect(emails.map((e) => e.subject).filter((subject) => subject !== 'hang up at once')).toEqual(['small, hang up at once'])
    for (const e of emails) {
      const raw = await fetch(`${emulator.url}/api/v1/emails/${e.id}/raw`, authed(emulator))
      expect(Buffer.from(await raw.arrayBuffer()).equals(e.subject === 'hang up at once' ? big : small)).toBe(true)
    }
    expect(await deliveriesSettled(emulator.api)).toMatchObject({deliveries: emails.length})
    expect(inbox.all().map((n) => n.data.emailId).sort()).toEqual(emails.map((e) => e.id).sort())
    await expectStillWorking(emulator)
  })
})

describe('a client that dribbles', () => {
  it('one byte per TCP segment, dot-stuffed lines included: stored byte for byte', async () => {
    const emulator = await startTestEmulator()
    const message = Buffer.from(crlf('From: slow@example.com', 'Subject: one byte at a time', '', '.leading dot', '..two dots', '.', 'end', ''))
    const {smtp} = await ehlo(emulator.smtpPort!)
    smtp.socket.setNoDelay(true)
    expect((await smtp.command('MAIL FROM:<slow@example.com>')).code).toBe(250)
    expect((await smtp.command('RCPT TO:<slow@junkmail.local>')).code).toBe(250)
    expect((await smtp.command('DATA')).code).toBe(354)
    const done = smtp.reply()
    const wire = Buffer.concat([dotStuff(message), Buffer.from('.\r\n')])
    for (const byte of wire) {
      await new Promise<void>((resolve) => smtp.socket.write(Buffer.from([byte]), () => resolve()))
      await new Promise((resolve) => setImmediate(resolve))
    }
    const reply = await done
    expect(reply.code).toBe(250)
    const raw = await fetch(`${emulator.url}/api/v1/emails/${queuedIds(reply)[0]}/raw`, authed(emulator))
    expect(Buffer.from(await raw.arrayBuffer()).equals(message)).toBe(true)
    await smtp.quit()
  })
})
