import {randomUUID} from 'node:crypto'
import {generateSecret} from '../providers/junkmail/index.js'
import type {Webhook} from '../store/types.js'
import type {EmulatorContext} from './emulator-context.js'
import {OperationError} from './emulator-context.js'
import {type PublicWebhook, publicWebhook} from './emulator-events.js'

/** Registers a webhook. The returned record is the only one that carries the secret. */
export async function createWebhook(
  ctx: EmulatorContext,
  input: {url: string; events: string[]; secret?: string; id?: string},
): Promise<Webhook> {
  const webhook = ctx.store.addWebhook({
    id: input.id ?? ctx.provider.newId?.() ?? randomUUID(),
    url: input.url,
    events: [...input.events],
    secret: input.secret ?? generateSecret(ctx.provider.secretPrefix),
    createdAt: ctx.provider.isoTime(ctx.clock.now()),
    enabled: true,
    failureCount: 0,
    disabledAt: null,
    disabledReason: null,
  })
  await ctx.store.commit()
  ctx.events.emit('webhook.created', {webhook: publicWebhook(webhook)})
  return webhook
}

/** Every webhook, oldest first, without secrets. */
export function listWebhooks(ctx: EmulatorContext): PublicWebhook[] {
  return ctx.store.listWebhooks().map(publicWebhook)
}

/** One webhook without its secret; throws a 404 {@link OperationError} when unknown. */
export function getWebhook(ctx: EmulatorContext, id: string): PublicWebhook {
  return publicWebhook(requireWebhook(ctx, id))
}

/** Deletes a webhook and cancels its pending deliveries. */
export async function deleteWebhook(ctx: EmulatorContext, id: string): Promise<void> {
  const webhook = requireWebhook(ctx, id)
  ctx.dispatcher.cancelPending(id, 'webhook deleted')
  ctx.store.deleteWebhook(id)
  await ctx.store.commit()
  ctx.events.emit('webhook.deleted', {webhook: publicWebhook(webhook)})
}

/** Re-enables a webhook and resets its failure count. Enabling an enabled webhook is a no-op. */
export async function enableWebhook(ctx: EmulatorContext, id: string): Promise<PublicWebhook> {
  const webhook = requireWebhook(ctx, id)
  if (!webhook.enabled || webhook.failureCount !== 0 || (webhook.failedDeliveries ?? 0) !== 0) {
    ctx.store.updateWebhook(webhook, {enabled: true, failureCount: 0, failedDeliveries: 0, disabledAt: null, disabledReason: null})
    await ctx.store.commit()
    ctx.events.emit('webhook.enabled', {webhook: publicWebhook(webhook)})
  }
  return publicWebhook(webhook)
}

/** Changes the events a webhook receives (its id, URL and secret stay). */
export async function setWebhookEvents(ctx: EmulatorContext, id: string, events: readonly string[]): Promise<PublicWebhook> {
  const webhook = requireWebhook(ctx, id)
  ctx.store.updateWebhook(webhook, {events: [...events]})
  await ctx.store.commit()
  return publicWebhook(webhook)
}

/** The webhook with this id, or a 404. */
export function requireWebhook(ctx: EmulatorContext, id: string, field = 'id'): Webhook {
  const webhook = ctx.store.getWebhook(id)
  if (!webhook) throw new OperationError(404, 'not_found', `no webhook with id ${id}`, field)
  return webhook
}
