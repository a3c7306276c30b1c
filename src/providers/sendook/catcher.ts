import type {EmulatorContext} from '../../emulator/emulator-context.js'
import type {MailboxSummary, MailCatcher, MailSummary} from '../provider.js'
import {listInboxes, listMessages} from './operations.js'
import {INBOX, type InboxRecord, MESSAGE, type MessageRecord} from './records.js'

const mailbox = (i: InboxRecord): MailboxSummary => ({id: i.id, email: i.email, name: i.name ?? null, createdAt: i.createdAt, status: null, expiresAt: null, expiredAt: null})
const summary = (m: MessageRecord): MailSummary => ({
  id: m.id,
  mailboxId: m.inboxId,
  direction: m.status === 'received' ? 'received' : 'sent',
  from: m.from,
  to: m.to,
  subject: m.subject,
  at: m.createdAt,
  status: m.status ?? 'sent',
  size: null,
})

/** Sendook's inboxes and every message they sent or received. */
export const sendookCatcher: MailCatcher = {
  nouns: {mailbox: ['inbox', 'inboxes'], message: ['message', 'messages']},
  counts: (ctx: EmulatorContext) => {
    const counts = ctx.store.resourceCounts()
    return {mailboxes: counts[INBOX] ?? 0, messages: counts[MESSAGE] ?? 0}
  },
  mailboxes: (ctx) => listInboxes(ctx).reverse().map(mailbox),
  messages: (ctx, mailboxId) => listMessages(ctx, mailboxId).reverse().map(summary),
  async message(ctx, id) {
    const m = ctx.store.getResource<MessageRecord>(MESSAGE, id)
    if (!m) return undefined
    const headers = [
      {name: 'From', value: m.from},
      {name: 'To', value: m.to.join(', ')},
      ...(m.cc.length > 0 ? [{name: 'Cc', value: m.cc.join(', ')}] : []),
      ...(m.bcc.length > 0 ? [{name: 'Bcc', value: m.bcc.join(', ')}] : []),
      {name: 'Subject', value: m.subject},
      ...(m.rfcMessageId ? [{name: 'Message-ID', value: m.rfcMessageId}] : []),
      ...(m.labels.length > 0 ? [{name: 'Labels', value: m.labels.join(', ')}] : []),
    ]
    const attachments = m.attachments.map((a, index) => ({index, filename: a.name ?? null, contentType: a.contentType ?? 'application/octet-stream', size: Buffer.from(a.content, 'base64').length}))
    return {...summary(m), cc: m.cc, text: m.text, html: m.html, headers, attachments, outcomes: m.outcomes ?? null}
  },
}
