import {simpleParser} from 'mailparser'
import {describe, expect, it} from 'vitest'
import {firstAddress, headerBlock, parseMailHeaders} from '../src/mail/parse-mail.js'
import {seededBytes} from './support/seeded-bytes.js'

const bytes = (...parts: Array<string | Buffer>) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)))
const crlf = (...lines: string[]) => lines.join('\r\n')

/** Header blocks that the ingest-time header read must take exactly as simpleParser does. */
const cases: Array<[string, Buffer]> = [
  ['plain', bytes(crlf('From: Ann <ann@example.com>', 'Subject: Hello', 'Message-ID: <a1@x>', '', 'body', ''))],
  ['no subject, no id', bytes(crlf('From: ann@example.com', '', 'body'))],
  ['encoded words', bytes(crlf('From: =?UTF-8?B?w4VzYQ==?= <asa@example.com>', 'Subject: =?ISO-8859-1?Q?Caf=E9?= =?UTF-8?B?8J+Ygg==?=', '', 'x'))],
  ['folded subject', bytes(crlf('Subject: one', '\ttwo', '  three', 'From: a@b.c', '', 'x'))],
  ['8-bit UTF-8 headers', bytes(crlf('From: Zoë <zoe@example.com>', 'Subject: naïve café ☕', '', 'x'))],
  ['8-bit Latin-1 header', bytes('Subject: caf', Buffer.from([0xe9]), '\r\nFrom: x@y.z\r\n\r\nbody')],
  ['Shift_JIS encoded word', bytes(crlf('Subject: =?Shift_JIS?B?k/qWe4zqg2WDWINn?=', '', ''))],
  ['group syntax', bytes(crlf('From: Team: ann@example.com, bob@example.com;', 'Subject: g', '', ''))],
  ['duplicate headers', bytes(crlf('Subject: first', 'Subject: second', 'From: a@example.com', 'From: b@example.com', 'Message-ID: <1@x>', 'Message-ID: <2@x>', '', ''))],
  ['message-id without brackets', bytes(crlf('Message-ID: bare-id@example.com', '', ''))],
  ['LF line ends', bytes('From: lf@example.com\nSubject: lf only\n\nbody\n')],
  ['LF line, then CRLF blank line', bytes('Subject: mixed\n\r\nSubject: not a header\r\n')],
  ['no blank line at all', bytes(crlf('Subject: headers only', 'From: h@example.com'))],
  ['starts with a blank line', bytes(crlf('', 'Subject: in the body', ''))],
  ['line without a colon', bytes(crlf('Subject: s', 'this is not a header', 'From: c@example.com', '', ''))],
  ['mbox From_ line', bytes(crlf('From sender@example.com Mon Jan  1 00:00:00 2024', 'Subject: mbox', '', ''))],
  ['empty subject', bytes(crlf('Subject:', 'From: e@example.com', '', ''))],
  ['broken encoded word', bytes(crlf('Subject: =?UTF-8?B?####?= tail', 'From: "=?x?Q?bad" <q@example.com>', '', ''))],
  ['binary junk', bytes(seededBytes('junk headers', 2000), '\r\n\r\n', seededBytes('junk body', 100))],
  ['huge header', bytes('Subject: ', 'x'.repeat(100_000), '\r\nFrom: big@example.com\r\n\r\nbody')],
]

describe('parseMailHeaders', () => {
  it.each(cases)('reads %s as simpleParser does', async (_name, raw) => {
    const full = await simpleParser(raw, {skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true})
    const quick = await parseMailHeaders(raw)
    expect({messageId: quick.messageId, from: quick.from, subject: quick.subject}).toEqual({
      messageId: full.messageId ?? null,
      from: firstAddress(full.from),
      subject: full.subject ?? '',
    })
    expect(quick.parseError).toBeNull()
  })

  it('cuts the header block where mailparser does, and at the limit', () => {
    expect(headerBlock(bytes('A: 1\r\nB: 2\r\n\r\nbody')).toString()).toBe('A: 1\r\nB: 2\r\n\r\n')
    expect(headerBlock(bytes('A: 1\n\nbody')).toString()).toBe('A: 1\n\n')
    expect(headerBlock(bytes('A: 1\n\r\nbody')).toString()).toBe('A: 1\n\r\n')
    expect(headerBlock(bytes('\r\nbody')).toString()).toBe('\r\n')
    expect(headerBlock(bytes('A: 1\r\nB: 2')).toString()).toBe('A: 1\r\nB: 2')
    expect(headerBlock(bytes('A: ', 'x'.repeat(100), '\r\n\r\n'), 50).toString()).toBe(`A: ${'x'.repeat(47)}`)
  })
})
