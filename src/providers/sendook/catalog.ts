import type {CatalogEvent, FieldType} from '../provider.js'
import {newObjectId} from './object-id.js'

/** Domain of the emulated inboxes' addresses when none is given (Sendook's own is sendook.com). */
export const LOCAL_DOMAIN = 'sendook.local'

/** The organization every resource of the emulator belongs to (Sendook scopes everything by one). */
export const ORGANIZATION_ID = '65f000000000000000000001'

/** Sendook writes times as `Date.toISOString()`: milliseconds and `Z`. */
export const sendookTime = (ms: number): string => new Date(ms).toISOString()

const MESSAGE_FIELDS: Readonly<Record<string, FieldType>> = {
  id: 'string',
  organizationId: 'string',
  inboxId: 'string',
  threadId: 'string',
  from: 'string',
  to: 'string[]',
  cc: 'string[]',
  bcc: 'string[]',
  labels: 'string[]',
  subject: 'string',
  text: 'string',
  html: 'string',
  status: 'string',
  createdAt: 'string',
  updatedAt: 'string',
}
const INBOX_FIELDS: Readonly<Record<string, FieldType>> = {id: 'string', organizationId: 'string', name: 'string', email: 'string', createdAt: 'string', updatedAt: 'string'}

const SUBJECTS = ['Help with my account', 'Welcome!', 'Your order has shipped', 'Re: Invoice #4021', 'Password reset requested']
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]

/**
 * A message as Sendook presents it: `_id` and `id` (the same ObjectId), the guide's fields in its
 * order, the server's (`cc`, `bcc`, `labels`, `attachments`, `__v`) where the guide elides them.
 * `status` is left out when absent (a message just sent has none).
 */
export function sampleMessage(now: number, status: string | null, inbound: boolean): Record<string, unknown> {
  const id = newObjectId(now)
  const inbox = 'support@' + LOCAL_DOMAIN
  const outside = pick(['someone@example.com', 'jane@customer.example', 'ops@partner.example'])
  const subject = pick(SUBJECTS)
  const text = inbound ? 'I need help...' : 'Thanks for signing up.'
  return {
    _id: id,
    id,
    organizationId: ORGANIZATION_ID,
    inboxId: newObjectId(now - 60_000),
    threadId: newObjectId(now),
    from: inbound ? outside : inbox,
    to: [inbound ? inbox : outside],
    cc: [],
    bcc: [],
    labels: [],
    subject,
    text,
    html: inbound ? text : `<p>${text}</p>`,
    attachments: [],
    ...(status === null ? {} : {status}),
    createdAt: sendookTime(now - (status === 'received' || status === null ? 0 : 300_000)),
    updatedAt: sendookTime(now),
    __v: 0,
  }
}

/** An inbox as Sendook presents it. */
export function sampleInbox(now: number): Record<string, unknown> {
  const id = newObjectId(now)
  return {_id: id, id, organizationId: ORGANIZATION_ID, name: 'support', email: `support@${LOCAL_DOMAIN}`, createdAt: sendookTime(now), updatedAt: sendookTime(now), __v: 0}
}

const message = (type: string, description: string, status: string | null, inbound = false): CatalogEvent => ({
  type,
  description,
  fields: MESSAGE_FIELDS,
  sample: (now) => sampleMessage(now, status, inbound),
})
const inbox = (type: string, description: string): CatalogEvent => ({type, description, fields: INBOX_FIELDS, sample: sampleInbox})

/** The nine events of the Sendook guide, in its order (inbox events, then message events). */
export const sendookCatalog: readonly CatalogEvent[] = [
  inbox('inbox.created', 'New inbox was created'),
  inbox('inbox.deleted', 'Inbox was deleted'),
  inbox('inbox.updated', 'Inbox details were updated'),
  message('message.sent', 'Message was sent to AWS SES', null),
  message('message.received', 'Incoming email was received', 'received', true),
  message('message.delivered', 'Message was successfully delivered to recipient', 'delivered'),
  message('message.bounced', 'Message bounced (invalid email or rejection)', 'bounced'),
  message('message.complained', 'Recipient marked message as spam', 'complained'),
  message('message.rejected', 'Message was rejected before sending', 'rejected'),
]
