import {type EmulatorContext, OperationError} from '../../emulator/emulator-context.js'
import {emitEvent, recipients} from '../../emulator/event-operations.js'
import {sendookTime} from './catalog.js'
import {isObjectId} from './object-id.js'
import {isEmail} from './resource-routes.js'
import {addInbox, addReceived, addSent, createInbox, deleteInbox, type Done, listInboxes, messageEvent, requireInbox, sendMessage, updateInbox} from './operations.js'
import type {InboxRecord, MessageRecord} from './records.js'
import type {ResourceTrigger} from '../provider.js'

const origin = (webhookId: string | undefined) => ({source: 'trigger', webhookId})

/**
 * Fields only the emulator sets on a real resource. A `--set` of one of them asks for a payload
 * as given: the event is then sent with sample data (its ids resolve to nothing), as before
 * resources existed.
 */
const GENERATED = new Set(['id', 'organizationId', 'threadId', 'status', 'createdAt', 'updatedAt'])

/** The trigger as sample data with the `--set` values, when one of them is a generated field. */
async function asSample(ctx: EmulatorContext, type: string, set: Record<string, unknown>, webhookId: string | undefined) {
  const entry = ctx.provider.catalog.find((e) => e.type === type)!
  return emitEvent(ctx, {type, data: {...entry.sample(ctx.clock.now()), ...set}, source: 'trigger', webhookId})
}

/** The inbox named by `set.inboxId` (or `set.id` for inbox events), the first one, or a new `support` inbox (no event of its own). */
function inboxFor(ctx: EmulatorContext, set: Record<string, unknown>, field = 'inboxId'): InboxRecord {
  const id = set[field]
  if (typeof id === 'string') {
    if (!isObjectId(id) || !ctx.store.getResource('sendook.inbox', id)) throw new OperationError(404, 'not_found', `no inbox with id ${id}`, `set.${field}`)
    return requireInbox(ctx, id)
  }
  return listInboxes(ctx)[0] ?? addInbox(ctx, {name: 'support'})
}

const text = (set: Record<string, unknown>, field: string, fallback: string): string => (typeof set[field] === 'string' && set[field] !== '' ? (set[field] as string) : fallback)
const list = (set: Record<string, unknown>, field: string): string[] | undefined => (Array.isArray(set[field]) ? (set[field] as string[]) : undefined)
const result = ({event, deliveries}: Done<unknown>) => ({event, deliveries})

/** A message sent from an inbox, and the outcome `status` already come back, for the outcome events. */
async function outcome(ctx: EmulatorContext, type: string, set: Record<string, unknown>, webhookId: string | undefined) {
  if ([...Object.keys(set)].some((k) => GENERATED.has(k))) return asSample(ctx, type, set, webhookId)
  recipients(ctx, type, webhookId)
  const status = type.slice('message.'.length)
  const inbox = inboxFor(ctx, set)
  const to = list(set, 'to') ?? ['someone@example.com']
  const message: MessageRecord = addSent(ctx, inbox, sampleSend(set, to), {plan: false})
  ctx.store.updateResource(message, {status, updatedAt: sendookTime(ctx.clock.now()), outcomes: Object.fromEntries(to.map((r) => [r, status]))})
  const recorded = messageEvent(ctx, type, message, origin(webhookId))
  await ctx.store.commit()
  recorded.send()
  return {event: recorded.event, deliveries: recorded.deliveries}
}

const sampleSend = (set: Record<string, unknown>, to: string[]) => ({
  to,
  ...(list(set, 'cc') ? {cc: list(set, 'cc')} : {}),
  ...(list(set, 'bcc') ? {bcc: list(set, 'bcc')} : {}),
  ...(list(set, 'labels') ? {labels: list(set, 'labels')} : {}),
  subject: text(set, 'subject', 'Welcome!'),
  text: text(set, 'text', 'Thanks for signing up.'),
  html: text(set, 'html', `<p>${text(set, 'text', 'Thanks for signing up.')}</p>`),
})

/**
 * Sendook's triggers, each doing for real what its event reports, so the ids in the payload resolve
 * through the API: `junkmail trigger message.received` stores a message in an inbox (`--set
 * inboxId=…`, else the first inbox, else a new `support` inbox), `inbox.created` creates one, and so on.
 */
export const sendookTriggers: Record<string, ResourceTrigger> = {
  async 'inbox.created'(ctx, set, webhookId) {
    if ([...Object.keys(set)].some((k) => GENERATED.has(k))) return asSample(ctx, 'inbox.created', set, webhookId)
    const email = typeof set.email === 'string' ? set.email.trim() : undefined
    if (email !== undefined && !isEmail(email)) throw new OperationError(400, 'invalid_value', 'set.email must be an email address, e.g. support@sendook.local', 'set.email')
    return result(await createInbox(ctx, {name: text(set, 'name', 'support'), ...(email ? {email} : {})}, origin(webhookId)))
  },
  async 'inbox.updated'(ctx, set, webhookId) {
    if ([...Object.keys(set)].some((k) => GENERATED.has(k) && k !== 'id')) return asSample(ctx, 'inbox.updated', set, webhookId)
    const inbox = inboxFor(ctx, set, 'id')
    return result(await updateInbox(ctx, inbox, {name: text(set, 'name', `${inbox.name ?? 'inbox'} (renamed)`)}, origin(webhookId)))
  },
  async 'inbox.deleted'(ctx, set, webhookId) {
    if ([...Object.keys(set)].some((k) => GENERATED.has(k) && k !== 'id')) return asSample(ctx, 'inbox.deleted', set, webhookId)
    const inbox = typeof set.id === 'string' ? inboxFor(ctx, set, 'id') : addInbox(ctx, {name: text(set, 'name', 'support')})
    return result(await deleteInbox(ctx, inbox, origin(webhookId)))
  },
  async 'message.sent'(ctx, set, webhookId) {
    if ([...Object.keys(set)].some((k) => GENERATED.has(k))) return asSample(ctx, 'message.sent', set, webhookId)
    const inbox = inboxFor(ctx, set)
    return result(await sendMessage(ctx, inbox, sampleSend(set, list(set, 'to') ?? ['someone@example.com']), origin(webhookId)))
  },
  async 'message.received'(ctx, set, webhookId) {
    if ([...Object.keys(set)].some((k) => GENERATED.has(k))) return asSample(ctx, 'message.received', set, webhookId)
    recipients(ctx, 'message.received', webhookId)
    const inbox = inboxFor(ctx, set)
    const from = text(set, 'from', 'someone@example.com')
    const {event} = addReceived(ctx, inbox, {from, subject: text(set, 'subject', 'Help with my account'), text: text(set, 'text', 'I need help...'), rfcMessageId: null, replyTo: []}, origin(webhookId))
    await ctx.store.commit()
    event.send()
    return {event: event.event, deliveries: event.deliveries}
  },
  'message.delivered': (ctx, set, webhookId) => outcome(ctx, 'message.delivered', set, webhookId),
  'message.bounced': (ctx, set, webhookId) => outcome(ctx, 'message.bounced', set, webhookId),
  'message.complained': (ctx, set, webhookId) => outcome(ctx, 'message.complained', set, webhookId),
  'message.rejected': (ctx, set, webhookId) => outcome(ctx, 'message.rejected', set, webhookId),
}
