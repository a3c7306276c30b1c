import {randomUUID} from 'node:crypto'
import type {CatalogEvent} from '../providers/provider.js'
import type {Delivery, EventRecord, Webhook} from '../store/types.js'
import {type EmulatorContext, OperationError} from './emulator-context.js'
import {requireWebhook} from './webhook-operations.js'

/** The catalog entry for an event type, or a 400 naming the known ones. */
export function requireCatalogEvent(ctx: EmulatorContext, type: string, field = 'event'): CatalogEvent {
  const entry = ctx.provider.catalog.find((e) => e.type === type)
  if (!entry) {
    const known = ctx.provider.catalog.map((e) => e.type).join(', ')
    throw new OperationError(400, 'unknown_event', `unknown event "${type}"; known events: ${known}`, field)
  }
  return entry
}

/**
 * Applies `--set` overrides to sample data. Paths are field names of `data` (a leading `data.`, or the provider's `payloadKey`, is
 * allowed); each value, given as text, is converted to the field's documented type.
 */
export function applyOverrides(entry: CatalogEvent, data: Record<string, unknown>, set: Record<string, string>, payloadKey = 'data'): void {
  for (const [rawPath, text] of Object.entries(set)) {
    const path = rawPath.startsWith(`${payloadKey}.`) ? rawPath.slice(payloadKey.length + 1) : rawPath
    // Own fields only: `constructor`, `toString` or `__proto__` are not fields of any event.
    const type = Object.hasOwn(entry.fields, path) ? entry.fields[path] : undefined
    if (!type) {
      const fields = Object.keys(entry.fields).join(', ')
      throw new OperationError(400, 'unknown_field', `${entry.type} has no field "${rawPath}"; its fields are: ${fields}`, `set.${rawPath}`)
    }
    data[path] = coerce(text, type, `set.${rawPath}`)
  }
}

function coerce(text: string, type: string, field: string): unknown {
  if (type === 'string') return text
  if (type === 'number') {
    const n = Number(text)
    if (text.trim() === '' || !Number.isFinite(n)) throw new OperationError(400, 'invalid_value', `${field} must be a number`, field)
    return n
  }
  if (type === 'boolean') {
    if (text !== 'true' && text !== 'false') throw new OperationError(400, 'invalid_value', `${field} must be true or false`, field)
    return text === 'true'
  }
  return text.split(',').map((s) => s.trim()).filter(Boolean)
}

/** Webhooks that receive an event: enabled and subscribed, or just the one asked for. */
export function recipients(ctx: EmulatorContext, type: string, webhookId?: string): Webhook[] {
  if (webhookId === undefined) return ctx.store.listWebhooks().filter((w) => w.enabled && w.events.includes(type))
  const webhook = requireWebhook(ctx, webhookId, 'webhookId')
  if (!webhook.events.includes(type)) {
    throw new OperationError(409, 'not_subscribed', `webhook ${webhookId} is not subscribed to ${type} (it receives: ${webhook.events.join(', ')})`, 'webhookId')
  }
  if (!webhook.enabled) {
    throw new OperationError(409, 'webhook_disabled', `webhook ${webhookId} is disabled; enable it first (junkmail webhooks enable ${webhookId})`, 'webhookId')
  }
  return [webhook]
}

/** Records an event with the exact body it will be sent with, then delivers it. */
export async function emitEvent(
  ctx: EmulatorContext,
  input: {type: string; data: Record<string, unknown>; source: string; webhookId?: string},
): Promise<{event: EventRecord; deliveries: Delivery[]}> {
  const recorded = recordEvent(ctx, input)
  await ctx.store.commit()
  recorded.send()
  return recorded
}

/**
 * Adds an event (with the exact body it will be sent with) and its pending deliveries to the
 * store, without waiting for the disk: the caller commits them with its own changes (the email an
 * `email.received` is about, say, so that neither is ever on disk without the other), then calls
 * `send()`.
 */
export function recordEvent(
  ctx: EmulatorContext,
  input: {type: string; data: Record<string, unknown>; source: string; webhookId?: string},
): {event: EventRecord; deliveries: Delivery[]; send(): void} {
  const targets = recipients(ctx, input.type, input.webhookId)
  const createdAt = ctx.clock.now()
  const body = JSON.stringify(ctx.provider.envelope(input.type, input.data, createdAt))
  return addEvent(ctx, {type: input.type, createdAt, body, source: input.source}, targets)
}

/** Adds an event with its exact body and a pending delivery to each target; `send()` starts them. */
function addEvent(
  ctx: EmulatorContext,
  input: {type: string; createdAt: number; body: string; source: string},
  targets: readonly Webhook[],
): {event: EventRecord; deliveries: Delivery[]; send(): void} {
  const event = ctx.store.addEvent({id: randomUUID(), ...input})
  const deliveries = ctx.dispatcher.prepare(event, targets)
  return {
    event,
    deliveries,
    send() {
      ctx.dispatcher.start(deliveries)
      ctx.events.emit('event.created', {event, deliveries})
    },
  }
}

/** Fires a catalog event with sample data, overridden field by field. */
export async function triggerEvent(
  ctx: EmulatorContext,
  input: {type: string; set?: Record<string, string>; webhookId?: string},
): Promise<{event: EventRecord; deliveries: Delivery[]}> {
  const entry = requireCatalogEvent(ctx, input.type)
  const data = entry.sample(ctx.clock.now())
  applyOverrides(entry, data, input.set ?? {}, ctx.provider.payloadKey)
  const resource = ctx.provider.triggers?.[entry.type]
  if (!resource) return emitEvent(ctx, {type: entry.type, data, source: 'trigger', webhookId: input.webhookId})
  // Check the target before touching any resource, so a refused trigger changes nothing.
  recipients(ctx, entry.type, input.webhookId)
  const set: Record<string, unknown> = {}
  for (const key of Object.keys(input.set ?? {})) {
    const field = key.startsWith(`${ctx.provider.payloadKey}.`) ? key.slice(ctx.provider.payloadKey.length + 1) : key
    set[field] = data[field]
  }
  return resource(ctx, set, input.webhookId)
}

/** Sends an existing event again, byte for byte, as new deliveries with a fresh retry schedule. */
export async function resendEvent(ctx: EmulatorContext, eventId: string, webhookId?: string): Promise<Delivery[]> {
  const event = requireEvent(ctx, eventId)
  const targets = recipients(ctx, event.type, webhookId)
  return ctx.dispatcher.deliver(event, targets)
}

/** The event with this id, or a 404. */
export function requireEvent(ctx: EmulatorContext, id: string): EventRecord {
  const event = ctx.store.getEvent(id)
  if (!event) throw new OperationError(404, 'not_found', `no event with id ${id}`, 'id')
  return event
}

/**
 * Records an event whose body is given as is (not built from the catalog's envelope: a provider's
 * test event, say) and sends it to exactly these webhooks, subscribed or not.
 */
export async function emitBody(
  ctx: EmulatorContext,
  input: {type: string; body: string; source: string; webhooks: readonly Webhook[]},
): Promise<{event: EventRecord; deliveries: Delivery[]}> {
  const recorded = addEvent(ctx, {type: input.type, createdAt: ctx.clock.now(), body: input.body, source: input.source}, input.webhooks)
  await ctx.store.commit()
  recorded.send()
  return recorded
}
