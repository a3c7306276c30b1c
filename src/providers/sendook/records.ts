import type {ResourceRecord} from '../../store/types.js'
import {ORGANIZATION_ID} from './catalog.js'

// Sendook's resources as the emulator keeps them (in the store's provider collection), and as its
// API and webhooks present them: the server's Mongoose documents (`_id`, `__v`, ISO times) with an
// `id` equal to `_id` besides, so code written from the guide (`id`) and from the SDK (`_id`) both work.

export const INBOX = 'sendook.inbox'
export const MESSAGE = 'sendook.message'
export const THREAD = 'sendook.thread'

export interface InboxRecord extends ResourceRecord {
  kind: typeof INBOX
  /** Absent when created without one (the server then has no `name` key). */
  name?: string
  email: string
  createdAt: string
  updatedAt: string
  __v: number
}

/** An attachment as the server keeps it inside its message (each with its own `_id`). */
export interface AttachmentDoc {
  _id: string
  content: string
  name?: string
  contentType?: string
}

/** What happens to one recipient of a sent message, decided at the send (see outcomes.ts). */
export interface PlannedOutcome {
  recipient: string
  /** Events still to fire for it, in order, each at its real time (ms). */
  steps: Array<{event: string; at: number}>
  /** The local inbox the message also arrives in, if the recipient is one's address. */
  inboxId?: string
}

export interface MessageRecord extends ResourceRecord {
  kind: typeof MESSAGE
  inboxId: string
  threadId: string
  fromInboxId?: string
  toInboxId?: string
  from: string
  to: string[]
  cc: string[]
  bcc: string[]
  labels: string[]
  subject: string
  text: string
  html: string
  attachments: AttachmentDoc[]
  /** `received`, or the last outcome of a sent message; absent on a message just sent, as on the server. */
  status?: string
  /** The id SES gave a sent message (its `Message-ID` is `<this@us-east-2.amazonses.com>`). */
  externalMessageId?: string
  createdAt: string
  updatedAt: string
  __v: number
  // Not part of Sendook's document (never presented):
  /** `Message-ID` of the mail (sent: SES's; received: its header), to thread replies by. */
  rfcMessageId: string | null
  /** Message-IDs a received mail answers (`In-Reply-To`, then `References` newest first). */
  replyTo?: string[]
  /** For sent messages: the outcomes still to come, per recipient. */
  pending?: PlannedOutcome[]
  /** For sent messages: each recipient's outcome so far (`delivered`, `bounced`…), for the CLI and the viewer. */
  outcomes?: Record<string, string>
}

export interface ThreadRecord extends ResourceRecord {
  kind: typeof THREAD
  inboxId: string
  /** Message ids, oldest first. */
  messages: string[]
  createdAt: string
  updatedAt: string
  __v: number
}

/** An inbox as the API returns it. */
export function presentInbox(inbox: InboxRecord): Record<string, unknown> {
  return {
    _id: inbox.id,
    id: inbox.id,
    organizationId: ORGANIZATION_ID,
    ...(inbox.name === undefined ? {} : {name: inbox.name}),
    email: inbox.email,
    createdAt: inbox.createdAt,
    updatedAt: inbox.updatedAt,
    __v: inbox.__v,
  }
}

/** A message as the API and the webhooks present it: the guide's fields in its order, then the server's. */
export function presentMessage(m: MessageRecord): Record<string, unknown> {
  return {
    _id: m.id,
    id: m.id,
    organizationId: ORGANIZATION_ID,
    inboxId: m.inboxId,
    threadId: m.threadId,
    ...(m.fromInboxId ? {fromInboxId: m.fromInboxId} : {}),
    ...(m.toInboxId ? {toInboxId: m.toInboxId} : {}),
    from: m.from,
    to: m.to,
    cc: m.cc,
    bcc: m.bcc,
    labels: m.labels,
    subject: m.subject,
    text: m.text,
    html: m.html,
    attachments: m.attachments,
    ...(m.status === undefined ? {} : {status: m.status}),
    ...(m.externalMessageId === undefined ? {} : {externalMessageId: m.externalMessageId}),
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    __v: m.__v,
  }
}

/** A thread as the API returns it: `messages` as ids (a list), or as messages (`populated`, one thread). */
export function presentThread(t: ThreadRecord, populated?: readonly MessageRecord[]): Record<string, unknown> {
  return {
    _id: t.id,
    id: t.id,
    organizationId: ORGANIZATION_ID,
    inboxId: t.inboxId,
    messages: populated ? populated.map(presentMessage) : t.messages,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    __v: t.__v,
  }
}
