import type {EmulatorEvents} from '../emulator/emulator-events.js'
import {presentAttempt, presentDelivery, presentEvent} from '../emulator/present.js'
import type {Store} from '../store/store.js'
import type {Delivery} from '../store/types.js'
import {StoreWriteError} from '../store/store-errors.js'
import type {Feed} from './feed.js'

/**
 * Turns the emulator's typed events into happenings of `feed`, presented as the emulator routes
 * present them (attempts without their request body: the detail route has it). Subscribe it before
 * anything can happen, so the feed misses nothing.
 */
export function feedEmulator(feed: Feed, parts: {events: EmulatorEvents; store: Store; maxAttempts: number}): void {
  const {events, store, maxAttempts} = parts
  const delivery = (d: Delivery) => presentDelivery(d, maxAttempts)
  // Presented when first read (see Feed.appendLazy): events and attempts are never changed once
  // recorded, deliveries are, so each is copied as it is now (a shallow copy: its fields are values).
  events.on('event.created', ({event, deliveries}) => {
    const now = deliveries.map((d) => ({...d}))
    feed.appendLazy(() => ({kind: 'event.created', event: presentEvent(event), deliveries: now.map(delivery)}))
  })
  events.on('attempt.finished', ({attempt, delivery: d}) => {
    const now = {...d}
    const event = store.getEvent(attempt.eventId)
    feed.appendLazy(() => {
      const presented = presentAttempt(attempt, event, maxAttempts)
      return {kind: 'attempt.finished', attempt: {...presented, request: {...presented.request, body: null}}, delivery: delivery(now)}
    })
  })
  events.on('delivery.cancelled', ({delivery: d}) => {
    const now = {...d}
    feed.appendLazy(() => ({kind: 'delivery.cancelled', delivery: delivery(now)}))
  })
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
