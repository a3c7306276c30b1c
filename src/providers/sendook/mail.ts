import type {EmulatorContext} from '../../emulator/emulator-context.js'
import {parseMail} from '../../mail/parse-mail.js'
import type {IncomingMail, MailHooks} from '../provider.js'
import {addReceived, findInbox, visibleText} from './operations.js'
import {INBOX, type InboxRecord} from './records.js'

/**
 * Mail through the SMTP sink, as Sendook receives it through SES: to an inbox's address only (any
 * other recipient is refused), stored in that inbox with status `received` and announced with
 * `message.received`. As on the server: `from` is the envelope sender, `text` and `html` are both
 * the visible text (quoted history cut off), `to` is the inbox's address; a mail whose
 * `In-Reply-To` or `References` names a message of that inbox joins its thread.
 */
export const sendookMail: MailHooks<InboxRecord> = {
  describe: () => "an inbox's address; create one with: junkmail inboxes create",
  async recipient(ctx, email) {
    const inbox = findInbox(ctx, email)
    if (inbox) return {recipient: inbox}
    return {code: 550, message: `5.1.1 <${email}>: no inbox has this address; create one first (POST /v1/inboxes {"email": "${email}"})`}
  },
  receive,
}

async function receive(ctx: EmulatorContext, mail: IncomingMail<InboxRecord>): Promise<ReadonlyArray<{readonly id: string}>> {
  const raw = mail.chunks.length === 1 ? mail.chunks[0] : Buffer.concat(mail.chunks)
  const {parsed, summary} = await parseMail(raw)
  const text = await visibleText(parsed?.text ?? '')
  const ids = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : value.split(/\s+/)).filter((v) => v !== '')
  const replyTo = [...new Set([...ids(parsed?.inReplyTo), ...ids(parsed?.references).reverse()])]
  const from = mail.mailFrom || summary.from || 'unknown'
  const sender = findInbox(ctx, from)
  // An inbox deleted between RCPT TO and the end of DATA gets nothing.
  const inboxes = mail.recipients.filter((i) => ctx.store.getResource(INBOX, i.id) === i)
  const added = inboxes.map((inbox) =>
    addReceived(ctx, inbox, {from, subject: summary.subject, text, rfcMessageId: summary.messageId, replyTo, ...(sender ? {fromInboxId: sender.id} : {})}, {source: mail.source}),
  )
  await ctx.store.commit()
  for (const a of added) a.event.send()
  return added.map((a) => a.message)
}
