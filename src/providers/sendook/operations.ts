import {randomUUID} from 'node:crypto'
import type {EmulatorContext} from '../../emulator/emulator-context.js'
import {recipients, recordEvent} from '../../emulator/event-operations.js'
import type {Delivery, EventRecord} from '../../store/types.js'
import {ExpiryClock} from '../../emulator/expiry-clock.js'
import {LOCAL_DOMAIN, sendookTime} from './catalog.js'
import {SendookError} from './errors.js'
import {newObjectId} from './object-id.js'
import {outcomeOf, outcomeSteps} from './outcomes.js'
import {INBOX, type InboxRecord, MESSAGE, type MessageRecord, type PlannedOutcome, presentInbox, presentMessage, THREAD, type ThreadRecord} from './records.js'

// What Sendook's API does to its resources, with the events each change fires. Every change and
// its event are committed in one journal line before the caller is answered; the event is sent
// only once that line is written.

type Recorded = ReturnType<typeof recordEvent>

/** Where a change comes from (`api`, `smtp`, `trigger`…) and, for a trigger, the one webhook its event goes to. */
export interface Origin {
  readonly source?: string
  readonly webhookId?: string
}

/** A change done: the resource, and the event it fired with its deliveries. */
export interface Done<T> {
  readonly record: T
  readonly event: EventRecord
  readonly deliveries: Delivery[]
}

/** Commits the changes made so far, then sends the events recorded with them. */
async function commitAndSend(ctx: EmulatorContext, events: readonly Recorded[]): Promise<void> {
  await ctx.store.commit()
  for (const e of events) e.send()
}

/** Commits a change with its event, sends the event, and says what was done. */
async function done<T>(ctx: EmulatorContext, record: T, event: Recorded): Promise<Done<T>> {
  await commitAndSend(ctx, [event])
  return {record, event: event.event, deliveries: event.deliveries}
}

export const inboxEvent = (ctx: EmulatorContext, type: string, inbox: InboxRecord, origin: Origin = {}) =>
  recordEvent(ctx, {type, data: presentInbox(inbox), source: origin.source ?? 'api', webhookId: origin.webhookId})
export const messageEvent = (ctx: EmulatorContext, type: string, message: MessageRecord, origin: Origin = {}) =>
  recordEvent(ctx, {type, data: presentMessage(message), source: origin.source ?? 'api', webhookId: origin.webhookId})

// ── inboxes ───────────────────────────────────────────────────────────────
export function listInboxes(ctx: EmulatorContext): InboxRecord[] {
  return ctx.store.listResources<InboxRecord>(INBOX)
}

/** The inbox with this id, or Sendook's 404. */
export function requireInbox(ctx: EmulatorContext, id: string): InboxRecord {
  const inbox = ctx.store.getResource<InboxRecord>(INBOX, id)
  if (!inbox) throw new SendookError(404, 'Inbox not found')
  return inbox
}

/** The inbox whose address this is (case-insensitive), if any. */
export function findInbox(ctx: EmulatorContext, email: string): InboxRecord | undefined {
  const wanted = email.trim().toLowerCase()
  return listInboxes(ctx).find((i) => i.email.toLowerCase() === wanted)
}

/** Sendook's random address for a new inbox: the name as a slug, then with 10 random characters while taken. */
function newInboxEmail(ctx: EmulatorContext, name: string): string {
  const slug = name.toLowerCase().replace(/[^a-zA-Z0-9]/g, '-')
  let email = `${slug}@${LOCAL_DOMAIN}`
  while (findInbox(ctx, email)) email = `${slug}-${Math.random().toString(36).substring(2, 12).padEnd(10, '0')}@${LOCAL_DOMAIN}`
  return email
}

/** Creates an inbox (a random address on the local domain when none is given) and fires `inbox.created`. */
export async function createInbox(ctx: EmulatorContext, input: {name?: string; email?: string}, origin: Origin = {}): Promise<Done<InboxRecord>> {
  // Checked before anything changes: a refused trigger changes nothing.
  if (origin.webhookId !== undefined) recordEventCheck(ctx, 'inbox.created', origin.webhookId)
  const inbox = addInbox(ctx, input)
  return done(ctx, inbox, inboxEvent(ctx, 'inbox.created', inbox, origin))
}

/** Adds an inbox without an event or a commit (the caller's change commits it). */
export function addInbox(ctx: EmulatorContext, input: {name?: string; email?: string}): InboxRecord {
  const email = input.email ?? newInboxEmail(ctx, input.name ?? 'inbox')
  if (findInbox(ctx, email)) throw new SendookError(400, 'Inbox with this email already exists')
  const now = ctx.clock.now()
  const time = sendookTime(now)
  const inbox = ctx.store.putResource<InboxRecord>({
    id: newObjectId(now),
    kind: INBOX,
    ...(input.name === undefined ? {} : {name: input.name}),
    email,
    createdAt: time,
    updatedAt: time,
    __v: 0,
  })
  return inbox
}

/** Renames an inbox and fires `inbox.updated` (the guide's event; Sendook's server has no such route yet). */
export async function updateInbox(ctx: EmulatorContext, inbox: InboxRecord, changes: {name: string}, origin: Origin = {}): Promise<Done<InboxRecord>> {
  if (origin.webhookId !== undefined) recordEventCheck(ctx, 'inbox.updated', origin.webhookId)
  ctx.store.updateResource(inbox, {name: changes.name, updatedAt: sendookTime(ctx.clock.now())})
  return done(ctx, inbox, inboxEvent(ctx, 'inbox.updated', inbox, origin))
}

/** Deletes an inbox and its messages (its threads stay, as on the server) and fires `inbox.deleted` with the inbox as it was. */
export async function deleteInbox(ctx: EmulatorContext, inbox: InboxRecord, origin: Origin = {}): Promise<Done<InboxRecord>> {
  if (origin.webhookId !== undefined) recordEventCheck(ctx, 'inbox.deleted', origin.webhookId)
  for (const m of listMessages(ctx, inbox.id)) ctx.store.deleteResource(m.id)
  ctx.store.deleteResource(inbox.id)
  return done(ctx, inbox, inboxEvent(ctx, 'inbox.deleted', inbox, origin))
}

// ── messages and threads ──────────────────────────────────────────────────
/** The inbox's messages, oldest first. */
export function listMessages(ctx: EmulatorContext, inboxId?: string): MessageRecord[] {
  const all = ctx.store.listResources<MessageRecord>(MESSAGE)
  return inboxId === undefined ? all : all.filter((m) => m.inboxId === inboxId)
}

export function requireMessage(ctx: EmulatorContext, id: string): MessageRecord {
  const message = ctx.store.getResource<MessageRecord>(MESSAGE, id)
  if (!message) throw new SendookError(404, 'Message not found')
  return message
}

export function listThreads(ctx: EmulatorContext, inboxId: string): ThreadRecord[] {
  return ctx.store.listResources<ThreadRecord>(THREAD).filter((t) => t.inboxId === inboxId)
}

/** The inbox's thread with this id, or Sendook's 404. */
export function requireThread(ctx: EmulatorContext, inboxId: string, id: string): ThreadRecord {
  const thread = ctx.store.getResource<ThreadRecord>(THREAD, id)
  if (!thread || thread.inboxId !== inboxId) throw new SendookError(404, 'Thread not found')
  return thread
}

/** The thread's messages still held, oldest first. */
export function threadMessages(ctx: EmulatorContext, thread: ThreadRecord): MessageRecord[] {
  return thread.messages.flatMap((id) => ctx.store.getResource<MessageRecord>(MESSAGE, id) ?? [])
}

/** Adds a message to a thread (a new one when `threadId` is null), as the server pushes it (`__v` counts the pushes). */
function joinThread(ctx: EmulatorContext, inboxId: string, threadId: string | null, messageId: string, now: number): string {
  const time = sendookTime(now)
  const thread = threadId ? ctx.store.getResource<ThreadRecord>(THREAD, threadId) : undefined
  if (thread) {
    ctx.store.updateResource(thread, {messages: [...thread.messages, messageId], updatedAt: time, __v: thread.__v + 1})
    return thread.id
  }
  const created = ctx.store.putResource<ThreadRecord>({id: newObjectId(now), kind: THREAD, inboxId, messages: [messageId], createdAt: time, updatedAt: time, __v: 1})
  return created.id
}

/** What a send asks for (the API's body, checked). */
export interface SendInput {
  to: string[]
  cc?: string[]
  bcc?: string[]
  labels?: string[]
  subject: string
  text: string
  html: string
  attachments?: Array<{content: string; name?: string; contentType?: string}>
}

/** An id as SES gives a sent message (`MessageId`), e.g. `0100018f…-…-000000`. */
const sesMessageId = (now: number): string => `0100${now.toString(16).padStart(12, '0')}-${randomUUID()}-000000`

/**
 * Sends a message from an inbox: stores it (a new thread, or the one of the message replied to),
 * fires `message.sent`, and plans each recipient's outcome (to and cc; the server drops bcc).
 */
export async function sendMessage(
  ctx: EmulatorContext,
  inbox: InboxRecord,
  input: SendInput,
  options: Origin & {replyTo?: MessageRecord} = {},
): Promise<Done<MessageRecord>> {
  if (options.webhookId !== undefined) recordEventCheck(ctx, 'message.sent', options.webhookId)
  const message = addSent(ctx, inbox, input, {replyTo: options.replyTo, plan: true})
  const result = await done(ctx, message, messageEvent(ctx, 'message.sent', message, options))
  scheduleOutcomes(ctx, message)
  return result
}

/**
 * Adds a sent message (in a new thread, or the one of the message replied to) without an event or a
 * commit; with `plan`, each recipient's outcome is planned (see {@link scheduleOutcomes}).
 */
export function addSent(ctx: EmulatorContext, inbox: InboxRecord, input: SendInput, options: {replyTo?: MessageRecord; plan: boolean}): MessageRecord {
  const now = ctx.clock.now()
  const time = sendookTime(now)
  const id = newObjectId(now)
  const externalMessageId = sesMessageId(now)
  const recipients = [...new Map([...input.to, ...(input.cc ?? [])].map((r) => [r.trim().toLowerCase(), r.trim()])).values()]
  const pending: PlannedOutcome[] = recipients.map((recipient) => {
    const local = findInbox(ctx, recipient)
    return {recipient, steps: outcomeSteps(outcomeOf(recipient), now, (ms) => ctx.clock.scaled(ms)), ...(local ? {inboxId: local.id} : {})}
  })
  const replyTo = options.replyTo
  const message = ctx.store.putResource<MessageRecord>({
    id,
    kind: MESSAGE,
    inboxId: inbox.id,
    threadId: '',
    fromInboxId: inbox.id,
    from: inbox.email,
    to: input.to,
    cc: input.cc ?? [],
    bcc: input.bcc ?? [],
    labels: input.labels ?? [],
    subject: input.subject,
    text: input.text,
    html: input.html,
    attachments: (input.attachments ?? []).map((a) => ({...a, _id: newObjectId(now)})),
    externalMessageId,
    createdAt: time,
    updatedAt: time,
    __v: 0,
    rfcMessageId: `<${externalMessageId}@us-east-2.amazonses.com>`,
    ...(replyTo?.rfcMessageId ? {replyTo: [replyTo.rfcMessageId]} : {}),
    ...(options.plan ? {pending} : {}),
    outcomes: {},
  })
  message.threadId = joinThread(ctx, inbox.id, replyTo?.threadId ?? null, id, now)
  return message
}

/** Replies to a message: to its sender, `Re: ` and its subject, in its thread. */
export function replyInput(original: MessageRecord, body: {text: string; html: string}): SendInput {
  return {to: [original.from], subject: `Re: ${original.subject}`, text: body.text, html: body.html}
}

let replyParser: Promise<typeof import('email-reply-parser')> | null = null
/**
 * The text a reader sees, quoted history cut off, as Sendook's server keeps a received mail's
 * `text` and `html` (both); loaded on first use.
 */
export async function visibleText(text: string): Promise<string> {
  try {
    const {default: EmailReplyParser} = await (replyParser ??= import('email-reply-parser'))
    return new EmailReplyParser().read(text).getVisibleText()
  } catch {
    return text
  }
}

/** A received mail, parsed. */
export interface ReceivedMail {
  from: string
  subject: string
  /** The visible text (see {@link visibleText}). */
  text: string
  rfcMessageId: string | null
  /** Message-IDs it answers: `In-Reply-To`, then `References` newest first. */
  replyTo: string[]
  fromInboxId?: string
}

/**
 * Stores a received mail in an inbox (status `received`), in the thread of the first message of
 * that inbox it answers, else a new one, and records `message.received`, without committing: the
 * caller commits it with its own changes, then sends the event.
 */
export function addReceived(ctx: EmulatorContext, inbox: InboxRecord, mail: ReceivedMail, origin: Origin): {message: MessageRecord; event: Recorded} {
  const now = ctx.clock.now()
  const time = sendookTime(now)
  const id = newObjectId(now)
  const answered = mail.replyTo.length > 0 ? listMessages(ctx, inbox.id).filter((m) => m.rfcMessageId !== null && mail.replyTo.includes(m.rfcMessageId)) : []
  answered.sort((a, b) => mail.replyTo.indexOf(a.rfcMessageId!) - mail.replyTo.indexOf(b.rfcMessageId!))
  const message = ctx.store.putResource<MessageRecord>({
    id,
    kind: MESSAGE,
    inboxId: inbox.id,
    threadId: '',
    ...(mail.fromInboxId ? {fromInboxId: mail.fromInboxId} : {}),
    toInboxId: inbox.id,
    from: mail.from,
    to: [inbox.email],
    cc: [],
    bcc: [],
    labels: [],
    subject: mail.subject,
    text: mail.text,
    html: mail.text,
    attachments: [],
    status: 'received',
    createdAt: time,
    updatedAt: time,
    __v: 0,
    rfcMessageId: mail.rfcMessageId,
    ...(mail.replyTo.length > 0 ? {replyTo: mail.replyTo} : {}),
  })
  message.threadId = joinThread(ctx, inbox.id, answered[0]?.threadId ?? null, id, now)
  return {message, event: messageEvent(ctx, 'message.received', message, origin)}
}

// ── outcomes ──────────────────────────────────────────────────────────────
/** Each emulator's clock of outcomes to come (one per emulator in the process). */
const clocks = new WeakMap<EmulatorContext, ExpiryClock>()

/** Starts firing the outcomes the store holds (and those of messages sent from now on); returns what stops it. */
export function startOutcomes(ctx: EmulatorContext): () => void {
  const busy = new Set<string>()
  const clock = new ExpiryClock(ctx.clock, (id) => fireDue(ctx, id, busy))
  clocks.set(ctx, clock)
  for (const m of listMessages(ctx)) scheduleOutcomes(ctx, m)
  return () => {
    clocks.delete(ctx)
  }
}

function scheduleOutcomes(ctx: EmulatorContext, message: MessageRecord): void {
  const next = nextStepAt(message)
  if (next !== undefined) clocks.get(ctx)?.schedule(message.id, next)
}

const nextStepAt = (m: MessageRecord): number | undefined =>
  m.pending && m.pending.length > 0 ? Math.min(...m.pending.map((p) => p.steps[0].at)) : undefined

/**
 * Fires every outcome of a message that is due, in time order, each with the message as it is
 * then (its `status` the outcome's), all in one journal line, then schedules the next. A delivery
 * to a local inbox's address also stores the mail there (`message.received`). If the line cannot
 * be written, nothing of it happened: it is tried again once the store writes.
 */
async function fireDue(ctx: EmulatorContext, id: string, busy: Set<string>): Promise<void> {
  if (busy.has(id) || !clocks.has(ctx)) return
  busy.add(id)
  try {
    const message = ctx.store.getResource<MessageRecord>(MESSAGE, id)
    if (!message?.pending) return
    const now = ctx.clock.now()
    const due = message.pending
      .flatMap((p) => p.steps.filter((s) => s.at <= now).map((s) => ({...s, outcome: p})))
      .sort((a, b) => a.at - b.at)
    if (due.length === 0) return scheduleOutcomes(ctx, message)
    const arrivals: Array<{inbox: InboxRecord; text: string}> = []
    for (const step of due) {
      const inbox = step.event === 'message.delivered' && step.outcome.inboxId ? ctx.store.getResource<InboxRecord>(INBOX, step.outcome.inboxId) : undefined
      if (inbox) arrivals.push({inbox, text: await visibleText(message.text)})
    }
    if (ctx.store.getResource<MessageRecord>(MESSAGE, id) !== message) return // deleted meanwhile
    const events: Recorded[] = []
    const outcomes = {...message.outcomes}
    for (const step of due) {
      const status = step.event.slice('message.'.length)
      outcomes[step.outcome.recipient] = status
      ctx.store.updateResource(message, {status, updatedAt: sendookTime(now), outcomes})
      events.push(messageEvent(ctx, step.event, message, {source: 'outcome'}))
    }
    const pending = message.pending
      .map((p) => ({...p, steps: p.steps.filter((s) => s.at > now)}))
      .filter((p) => p.steps.length > 0)
    ctx.store.updateResource(message, pending.length > 0 ? {pending} : {pending: undefined})
    for (const {inbox, text} of arrivals) {
      if (!ctx.store.getResource(INBOX, inbox.id)) continue
      const mail: ReceivedMail = {from: message.from, subject: message.subject, text, rfcMessageId: message.rfcMessageId, replyTo: message.replyTo ?? [], fromInboxId: message.inboxId}
      events.push(addReceived(ctx, inbox, mail, {source: 'outcome'}).event)
    }
    try {
      await commitAndSend(ctx, events)
    } catch {
      // Rolled back: the steps are still pending; they fire once the store writes again.
      void ctx.store.whenWritable().then(() => fireDue(ctx, id, busy))
      return
    }
    scheduleOutcomes(ctx, message)
  } finally {
    busy.delete(id)
  }
}

/** Throws (409/404, as a trigger's target must) unless this webhook may receive this event; changes nothing. */
function recordEventCheck(ctx: EmulatorContext, type: string, webhookId: string): void {
  recipients(ctx, type, webhookId)
}
