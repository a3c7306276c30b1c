import type {AddressObject, ParsedMail} from 'mailparser'
import type {AttachmentInfo} from '../store/types.js'

/** Longest a parse may take before the mail is kept with what could be read. */
export const PARSE_TIMEOUT_MS = 5000

/** What the store keeps of a parsed message. */
export interface MailSummary {
  messageId: string | null
  from: string | null
  subject: string
  attachments: AttachmentInfo[]
  parseError: string | null
}

let loaded: Promise<typeof import('mailparser')> | null = null
/** mailparser is loaded on first use only: commands that never parse mail stay fast to start. */
const mailparser = () => (loaded ??= import('mailparser'))

/** Parses a raw message with mailparser, bounded in time; never throws. */
export async function parseMail(raw: Buffer, timeoutMs = PARSE_TIMEOUT_MS): Promise<{summary: MailSummary; parsed: ParsedMail | null}> {
  let timer: NodeJS.Timeout | undefined
  try {
    const {simpleParser} = await mailparser()
    const parsed = await Promise.race([
      simpleParser(raw, {skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true}),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`parsing took longer than ${timeoutMs} ms`)), timeoutMs)
      }),
    ])
    return {parsed, summary: summarize(parsed)}
  } catch (error) {
    return {parsed: null, summary: {messageId: null, from: null, subject: '', attachments: [], parseError: (error as Error).message}}
  } finally {
    clearTimeout(timer)
  }
}

/**
 * The header block of a raw message, as mailparser's splitter cuts it: every line (split at LF) up
 * to and including the first empty one (`\n` or `\r\n`), or the whole message when there is none;
 * at most `limit` bytes.
 */
export function headerBlock(raw: Buffer, limit = 256 * 1024): Buffer {
  let start = 0
  while (start < raw.length && start < limit) {
    if (raw[start] === 0x0a) return raw.subarray(0, start + 1)
    if (raw[start] === 0x0d && raw[start + 1] === 0x0a) return raw.subarray(0, Math.min(start + 2, limit))
    const lf = raw.indexOf(0x0a, start)
    if (lf < 0) break
    start = lf + 1
  }
  return raw.subarray(0, Math.min(raw.length, limit))
}

type HeaderLine = {key: string; line: string}
interface HeaderReader {
  headers: new (block: Buffer) => {getList(): HeaderLine[]}
  /** mailparser's own header decoding (RFC 2047 words, charsets, address lists), from one idle MailParser. */
  process(lines: HeaderLine[]): Map<string, unknown>
}
let headerReader: HeaderReader | null = null

/**
 * Loads the header reader now (mailparser and its dependencies take a few hundred ms to load):
 * the SMTP sink calls it before it listens, so the first mail is not the one that waits.
 */
export async function preloadHeaderReader(): Promise<void> {
  headerReader ??= await loadHeaderReader()
}

async function loadHeaderReader(): Promise<HeaderReader> {
  const [{MailParser}, {Headers}] = await Promise.all([mailparser(), import('@zone-eu/mailsplit')])
  const parser = new MailParser() as unknown as {processHeaders(lines: HeaderLine[]): Map<string, unknown>}
  return {headers: Headers as unknown as HeaderReader['headers'], process: (lines) => parser.processHeaders(lines)}
}

/**
 * What `email.received` and the store need at ingest (sender, subject, Message-ID), read from the
 * header block only, with the very code simpleParser runs on it (mailsplit's header lines, then
 * MailParser's header decoding) but without a parser stream per message: about a tenth of the cost.
 * The body is parsed when someone asks for it.
 */
export async function parseMailHeaders(raw: Buffer): Promise<MailSummary> {
  const block = headerBlock(raw)
  const empty = {messageId: null, from: null, subject: '', attachments: [], parseError: null}
  if (block.length === 0) return empty
  try {
    const reader = (headerReader ??= await loadHeaderReader())
    const headers = reader.process(new reader.headers(block).getList())
    const messageId = headers.get('message-id')
    const subject = headers.get('subject')
    return {
      ...empty,
      messageId: typeof messageId === 'string' ? messageId : null,
      from: firstAddress(headers.get('from') as AddressObject | undefined),
      subject: typeof subject === 'string' ? subject : '',
    }
  } catch (error) {
    return {...empty, parseError: (error as Error).message}
  }
}

/** First address of an address header, or null. */
export function firstAddress(header: AddressObject | AddressObject[] | undefined): string | null {
  const list = Array.isArray(header) ? header : header ? [header] : []
  for (const group of list) for (const entry of group.value) {
    if (entry.address) return entry.address
    for (const member of entry.group ?? []) if (member.address) return member.address
  }
  return null
}

/** Every address of an address header. */
export function allAddresses(header: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(header) ? header : header ? [header] : []
  const out: string[] = []
  for (const group of list) for (const entry of group.value) {
    if (entry.address) out.push(entry.address)
    for (const member of entry.group ?? []) if (member.address) out.push(member.address)
  }
  return out
}

function summarize(parsed: ParsedMail): MailSummary {
  return {
    messageId: parsed.messageId ?? null,
    from: firstAddress(parsed.from),
    subject: parsed.subject ?? '',
    attachments: parsed.attachments.map((a, index) => ({
      index,
      filename: a.filename ?? null,
      contentType: a.contentType,
      size: a.size,
      contentId: a.contentId ?? null,
    })),
    parseError: null,
  }
}
