import {randomUUID} from 'node:crypto'
import {allAddresses, parseMail, parseMailHeaders} from '../mail/parse-mail.js'
import type {AddressRecord, Delivery, EmailRecord, EventRecord} from '../store/types.js'
import {createAddress} from './address-operations.js'
import type {EmulatorContext} from './emulator-context.js'
import {OperationError} from './emulator-context.js'
import {recordEvent} from './event-operations.js'

/** A message accepted for one or more local addresses. */
export interface IncomingMessage {
  readonly chunks: Buffer[]
  readonly mailFrom: string
  readonly recipients: readonly AddressRecord[]
  readonly authUser: string | null
  readonly remoteAddress: string | null
  /** `smtp` or `trigger`. */
  readonly source: string
  /** Fire `email.received` for each stored email. @default true */
  readonly emit?: boolean
  /** Header summary when already known (a message composed by a trigger): skips the parse. */
  readonly summary?: {messageId: string | null; from: string | null; subject: string; parseError: string | null}
}

/** Result of checking an SMTP recipient: the address to deliver to, or an SMTP refusal. */
export type RecipientCheck = {recipient: AddressRecord} | {code: number; message: string}

/**
 * Decides whether mail to `email` is accepted: an active local address is; an expired one is not;
 * an unknown local address is created on the fly (firing `address.created`) unless recipients are
 * strict; other domains are refused.
 */
export async function checkRecipient(ctx: EmulatorContext, email: string): Promise<RecipientCheck> {
  const lower = email.toLowerCase()
  const at = lower.lastIndexOf('@')
  const domain = ctx.mail.localDomain
  if (at < 1 || lower.slice(at + 1) !== domain) return {code: 550, message: `5.7.1 <${email}>: relaying denied; this emulator only accepts mail for @${domain}`}
  const existing = ctx.store.findAddress(lower)
  if (existing?.status === 'active') return {recipient: existing}
  if (existing) return {code: 550, message: `5.1.1 <${email}>: address expired at ${existing.expiredAt}`}
  if (ctx.mail.strictRecipients) return {code: 550, message: `5.1.1 <${email}>: no such address (strict recipients: create it first)`}
  try {
    return {recipient: await createAddress(ctx, {localPart: lower.slice(0, at), source: 'smtp'})}
  } catch (error) {
    if (error instanceof OperationError) return {code: 553, message: `5.1.3 <${email}>: ${error.message}`}
    throw error
  }
}

/**
 * Stores a message: its headers parsed, the raw bytes appended to the spool (one range for every
 * recipient address), then the email records and one `email.received` each, committed in one journal
 * line. Resolves once that line is written (the events are dispatched in the background); rejects,
 * with nothing kept, if the bytes or the line could not be written.
 */
export async function ingestMessage(ctx: EmulatorContext, message: IncomingMessage): Promise<EmailRecord[]> {
  // An address deleted or expired between RCPT TO and the end of DATA gets nothing.
  const active = (a: AddressRecord) => ctx.store.getAddress(a.id)?.status === 'active'
  if (!message.recipients.some(active)) return []
  const summary = message.summary ?? (await parseMailHeaders(message.chunks.length === 1 ? message.chunks[0] : Buffer.concat(message.chunks)))
  // Checked again after the parse: an address deleted meanwhile gets no record.
  const recipients = message.recipients.filter(active)
  if (recipients.length === 0) return []
  // From here to the records, nothing waits: the bytes and the records that name them go into the
  // same group commit, and bytes of mail not yet committed are always at the end of the spool.
  const raw = ctx.mail.raw.append(message.chunks)
  const receivedAt = ctx.provider.isoTime(ctx.clock.now())
  const envelope = {
    mailFrom: message.mailFrom,
    rcptTo: message.recipients.map((a) => a.email),
    authUser: message.authUser,
    remoteAddress: message.remoteAddress,
  }
  const emails = recipients.map((address) => {
    const id = randomUUID()
    ctx.mail.raw.attach(id, raw)
    return ctx.store.addEmail({
      id,
      addressId: address.id,
      to: address.email,
      messageId: summary.messageId,
      from: summary.from ?? (message.mailFrom || 'unknown'),
      subject: summary.subject,
      receivedAt,
      size: raw.length,
      raw: {...raw},
      envelope,
      parseError: summary.parseError,
    })
  })
  ctx.mail.raw.release(raw)
  // Each email.received is recorded with its email, in the same journal line: a kill never leaves
  // one without the other. The message is accepted (250) only once they are in the journal.
  const events =
    message.emit === false
      ? []
      : emails.map((email) =>
          recordEvent(ctx, {
            type: 'email.received',
            data: {emailId: email.id, addressId: email.addressId, from: email.from, subject: email.subject, receivedAt: email.receivedAt},
            source: message.source,
          }),
        )
  try {
    await ctx.store.commit()
  } catch (error) {
    // The records were rolled back: their bytes are dead (reclaimed with deleted mail).
    await Promise.all(emails.map((email) => ctx.mail.raw.detach(email.id)))
    throw error
  }
  for (const event of events) event.send()
  return emails
}

/** Deletes one email (its bytes in the spool are dead); fires `email.deleted` (the trigger of that event comes here too). */
export async function deleteEmail(
  ctx: EmulatorContext,
  id: string,
  source = 'api',
  target: {webhookId?: string; overrides?: Record<string, unknown>} = {},
): Promise<{event: EventRecord; deliveries: Delivery[]}> {
  const email = requireEmail(ctx, id)
  const data = {emailId: email.id, addressId: email.addressId, deletedAt: ctx.provider.isoTime(ctx.clock.now()), ...target.overrides}
  // The event first (it may be refused: then nothing is touched), then the deletion, in one journal
  // line: both are kept or neither. The record's removal reaches the journal before its bytes are
  // let go: a kill in between never leaves a record naming bytes that are gone.
  const recorded = recordEvent(ctx, {type: 'email.deleted', data, source, webhookId: target.webhookId})
  ctx.store.deleteEmail(id)
  await ctx.store.commit()
  await ctx.mail.raw.detach(id)
  recorded.send()
  return recorded
}

/** An email's metadata, as listed. */
export function presentEmail(e: EmailRecord) {
  return {
    id: e.id,
    addressId: e.addressId,
    to: e.to,
    from: e.from,
    subject: e.subject,
    messageId: e.messageId,
    receivedAt: e.receivedAt,
    size: e.size,
    parseError: e.parseError,
  }
}

/** A raw header line as name and value; a line with no colon is all name (as received), with an empty value. */
function headerLine(line: string): {name: string; value: string} {
  const colon = line.indexOf(':')
  if (colon < 0) return {name: line, value: ''}
  return {name: line.slice(0, colon), value: line.slice(colon + 1).replace(/^\s/, '')}
}

/** An email in full: metadata plus headers, addresses, text, html and attachment list, parsed from the raw message. */
export async function emailDetail(ctx: EmulatorContext, id: string) {
  const email = requireEmail(ctx, id)
  const raw = await requireRaw(ctx, email)
  const {parsed, summary} = await parseMail(raw)
  return {
    ...presentEmail(email),
    envelope: email.envelope,
    headers: parsed ? parsed.headerLines.map((h) => headerLine(h.line)) : [],
    toHeader: parsed ? allAddresses(parsed.to) : [],
    cc: parsed ? allAddresses(parsed.cc) : [],
    date: parsed?.date?.toISOString() ?? null,
    attachments: summary.attachments,
    text: parsed?.text ?? null,
    html: parsed && parsed.html !== false ? parsed.html : null,
    parseError: summary.parseError ?? email.parseError,
  }
}

/** The exact bytes received. */
export async function emailRaw(ctx: EmulatorContext, id: string): Promise<Buffer> {
  return requireRaw(ctx, requireEmail(ctx, id))
}

/** Attachment `n` (0-based) of an email: its bytes, type and name. */
export async function emailAttachment(ctx: EmulatorContext, id: string, n: number) {
  const email = requireEmail(ctx, id)
  const {parsed} = await parseMail(await requireRaw(ctx, email))
  const attachment = parsed?.attachments[n]
  if (!attachment) throw new OperationError(404, 'not_found', `email ${id} has no attachment ${n} (it has ${parsed?.attachments.length ?? 0})`, 'n')
  return {content: attachment.content, contentType: attachment.contentType, filename: attachment.filename ?? null}
}

/** The email with this id, or a 404 naming `field` (the request's field that held the id). */
export function requireEmail(ctx: EmulatorContext, id: string, field = 'id'): EmailRecord {
  const email = ctx.store.getEmail(id)
  if (!email) throw new OperationError(404, 'not_found', `no email with id ${id}`, field)
  return email
}

async function requireRaw(ctx: EmulatorContext, email: EmailRecord): Promise<Buffer> {
  const raw = await ctx.mail.raw.read(email.id)
  if (!raw) {
    const where = email.raw ? `mail/spool-${email.raw.segment}.seg, ${email.raw.length} bytes at ${email.raw.offset}` : email.rawFile
    throw new OperationError(410, 'raw_missing', `the raw message of email ${email.id} (${where}) is missing from the data dir`, 'id')
  }
  return raw
}
