import {emailDetail} from '../../emulator/mail-operations.js'
import type {AddressRecord, EmailRecord} from '../../store/types.js'
import type {MailboxSummary, MailCatcher, MailSummary} from '../provider.js'

const mailbox = (a: AddressRecord): MailboxSummary => ({id: a.id, email: a.email, name: null, createdAt: a.createdAt, status: a.status, expiresAt: a.expiresAt, expiredAt: a.expiredAt})
const summary = (e: EmailRecord): MailSummary => ({id: e.id, mailboxId: e.addressId, direction: 'received', from: e.from, to: [e.to], subject: e.subject, at: e.receivedAt, status: null, size: e.size})

/** JunkMail's disposable addresses and the mail they received. */
export const junkmailCatcher: MailCatcher = {
  nouns: {mailbox: ['address', 'addresses'], message: ['email', 'emails']},
  counts: (ctx) => {
    const {addresses, emails} = ctx.store.counts()
    return {mailboxes: addresses, messages: emails}
  },
  mailboxes: (ctx) => ctx.store.listAddresses().map(mailbox),
  messages: (ctx, mailboxId) => ctx.store.listEmails({addressId: mailboxId}).map(summary),
  async message(ctx, id) {
    const email = ctx.store.getEmail(id)
    if (!email) return undefined
    const d = await emailDetail(ctx, id)
    return {...summary(email), cc: d.cc, text: d.text, html: d.html || null, headers: d.headers, attachments: d.attachments, outcomes: null}
  },
}
