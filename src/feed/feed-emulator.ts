import type {EmulatorEvents} from '../emulator/emulator-events.js'
import {presentAttempt, presentDelivery, presentEvent} from '../emulator/present.js'
import type {Store} from '../store/store.js'
import {StoreWriteError} from '../store/store-errors.js'
import type {Feed} from './feed.js'

/**
 * Turns the emulator's typed events into happenings of `feed`, presented as the emulator routes
 * present them (attempts without their request body: the detail route has it). Subscribe it before
 * anything can happen, so the feed misses nothing.
 */
export function feedEmulator(feed: Feed, parts: {events: EmulatorEvents; store: Store; maxAttempts: number}): void {
  const {events, store, maxAttempts} = parts
  const delivery = (d: Parameters<typeof presentDelivery>[0]) => presentDelivery(d, maxAttempts)
  events.on('event.created', ({event, deliveries}) => feed.append({kind: 'event.created', event: presentEvent(event), deliveries: deliveries.map(delivery)}))
  events.on('attempt.finished', ({attempt, delivery: d}) => {
    const presented = presentAttempt(attempt, store.getEvent(attempt.eventId), maxAttempts)
    feed.append({kind: 'attempt.finished', attempt: {...presented, request: {...presented.request, body: null}}, delivery: delivery(d)})
  })
  events.on('delivery.cancelled', ({delivery: d}) => feed.append({kind: 'delivery.cancelled', delivery: delivery(d)}))
  events.on('webhook.created', ({webhook}) => feed.append({kind: 'webhook.created', webhook}))
  events.on('webhook.deleted', ({webhook}) => feed.append({kind: 'webhook.deleted', webhook}))
  events.on('webhook.enabled', ({webhook}) => feed.append({kind: 'webhook.enabled', webhook}))
  events.on('webhook.disabled', ({webhook, reason}) => feed.append({kind: 'webhook.disabled', webhook, reason}))
  events.on('store.error', ({error}) => feed.append({kind: 'store.error', message: storeErrorMessage(error)}))
  events.on('store.recovered', ({failedForMs, rolledBackChanges}) => feed.append({kind: 'store.recovered', failedForMs, rolledBackChanges}))
}

/** What a store error means for the user, in one sentence. */
export function storeErrorMessage(error: Error): string {
  if (!(error instanceof StoreWriteError)) return error.message
  return `cannot write ${error.file}: ${error.message}. Until it can, changes are refused and undone (the API answers 503, SMTP 451); reads go on`
}
