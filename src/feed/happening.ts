import type {PresentedAttempt, PresentedDelivery, PresentedEvent} from '../emulator/present.js'
import type {PublicWebhook} from '../emulator/emulator-events.js'

/**
 * One thing that happened in the emulator, as the feed carries it to viewers (the TUI, `watch`,
 * the stream route): numbered in order (`seq`, from 1, per emulator run), stamped with the real
 * time (`time`, ISO-8601), immutable, and presented as the emulator routes present it (times as
 * ISO-8601, no secrets, attempts without the request body).
 */
export type Happening = {readonly seq: number; readonly time: string} & HappeningBody

/** What a happening says, by kind. */
export type HappeningBody =
  /** A catalog event was recorded, with the deliveries it will make (pending). */
  | {readonly kind: 'event.created'; readonly event: PresentedEvent; readonly deliveries: readonly PresentedDelivery[]}
  /** An attempt finished (success or failure); `delivery` is the delivery's state after it. */
  | {readonly kind: 'attempt.finished'; readonly attempt: PresentedAttempt; readonly delivery: PresentedDelivery}
  /** A pending delivery was cancelled (its webhook deleted or disabled, its event gone). */
  | {readonly kind: 'delivery.cancelled'; readonly delivery: PresentedDelivery}
  | {readonly kind: 'webhook.created' | 'webhook.deleted' | 'webhook.enabled'; readonly webhook: PublicWebhook}
  | {readonly kind: 'webhook.disabled'; readonly webhook: PublicWebhook; readonly reason: string}
  /** The store stopped writing (changes refused until it recovers), or writes again. */
  | {readonly kind: 'store.error'; readonly message: string}
  | {readonly kind: 'store.recovered'; readonly failedForMs: number; readonly rolledBackChanges: number}
  /** Something the user should know (a stale runtime file taken over, listening beyond loopback…). */
  | {readonly kind: 'notice' | 'warning'; readonly code: string; readonly message: string}

/** The kinds of happening. */
export type HappeningKind = HappeningBody['kind']
