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

/** The header block of a raw message (up to and including the first empty line), at most `limit` bytes. */
export function headerBlock(raw: Buffer, limit = 256 * 1024): Buffer {
  const end = raw.indexOf('\r\n\r\n')
  const endLf = raw.indexOf('\n\n')
  const cut = end >= 0 && (endLf < 0 || end < endLf) ? end + 4 : endLf >= 0 ? endLf + 2 : raw.length
  return raw.subarray(0, Math.min(cut, limit))
}

/**
 * What `email.received` and the store need at ingest (sender, subject, Message-ID), read from the
 * header block only: cheap, whatever the body holds. The body is parsed when someone asks for it.
 */
export async function parseMailHeaders(raw: Buffer, timeoutMs = PARSE_TIMEOUT_MS): Promise<MailSummary> {
  const block = headerBlock(raw)
  if (block.length === 0) return {messageId: null, from: null, subject: '', attachments: [], parseError: null}
  const {summary} = await parseMail(Buffer.concat([block, Buffer.from('\r\n\r\n')]), timeoutMs)
  return {...summary, attachments: []}
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
