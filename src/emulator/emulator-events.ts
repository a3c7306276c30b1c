import {EventEmitter} from 'node:events'
import type {Attempt, Delivery, EventRecord, Webhook} from '../store/types.js'

/** A webhook as shown outside the emulator: everything but the secret. */
export type PublicWebhook = Omit<Webhook, 'secret' | 'failedDeliveries'>

/** What the emulator reports as it works: its feed is made of these (see `feedEmulator`), and `dev --json` prints them. */
export interface EmulatorEventMap {
  'event.created': [{event: EventRecord; deliveries: Delivery[]}]
  'attempt.finished': [{attempt: Attempt; delivery: Delivery}]
  /** A pending delivery was cancelled (its webhook deleted or disabled, its event pruned), once that is recorded. */
  'delivery.cancelled': [{delivery: Delivery}]
  'webhook.created': [{webhook: PublicWebhook}]
  'webhook.deleted': [{webhook: PublicWebhook}]
  'webhook.disabled': [{webhook: PublicWebhook; reason: string}]
  'webhook.enabled': [{webhook: PublicWebhook}]
  /** The store cannot write (once when its journal starts failing; changes are refused and rolled back meanwhile). */
  'store.error': [{error: Error}]
  /** The store writes again, after `failedForMs` during which `rolledBackChanges` changes were refused. */
  'store.recovered': [{failedForMs: number; rolledBackChanges: number}]
}

/** The emulator's typed event stream. */
export class EmulatorEvents extends EventEmitter<EmulatorEventMap> {}

/** Strips the secret. */
export function publicWebhook(webhook: Webhook): PublicWebhook {
  const {secret: _secret, failedDeliveries: _failed, ...rest} = webhook
  return rest
}
