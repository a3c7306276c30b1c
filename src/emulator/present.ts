import type {Attempt, Delivery, EventRecord} from '../store/types.js'

const time = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString())

/** An event as the emulator routes show it: times as ISO-8601, payload parsed. */
export function presentEvent(event: EventRecord) {
  return {id: event.id, type: event.type, createdAt: time(event.createdAt), source: event.source, payload: JSON.parse(event.body) as unknown}
}

/** A delivery as the emulator routes show it. */
export function presentDelivery(d: Delivery, maxAttempts: number) {
  return {
    id: d.id,
    eventId: d.eventId,
    webhookId: d.webhookId,
    url: d.url,
    status: d.status,
    attemptCount: d.attemptCount,
    maxAttempts,
    nextAttemptAt: time(d.nextAttemptAt),
    createdAt: time(d.createdAt),
    completedAt: time(d.completedAt),
    reason: d.reason,
  }
}

/** An attempt as the emulator routes show it; `body` is the exact bytes sent, when the event is known. */
export function presentAttempt(a: Attempt, event: EventRecord | undefined, maxAttempts: number) {
  return {
    id: a.id,
    deliveryId: a.deliveryId,
    eventId: a.eventId,
    eventType: event?.type ?? null,
    webhookId: a.webhookId,
    number: a.number,
    maxAttempts,
    outcome: a.outcome,
    scheduledAt: time(a.scheduledAt),
    /** Emulator time it was sent (with `clock advance`, ahead of the wall clock). */
    clockAt: time(a.clockAt ?? a.sentAt),
    /** Wall-clock time it was sent. */
    sentAt: time(a.sentAt),
    durationMs: a.durationMs,
    request: {...a.request, body: event?.body ?? null},
    // Attempts recorded before bodyBytesDropped existed: 0 when the body was whole, unknown (null) when it was cut.
    response: a.response && {...a.response, bodyBytesDropped: a.response.bodyBytesDropped ?? (a.response.bodyTruncated ? null : 0)},
    errorClass: a.errorClass,
    errorMessage: a.errorMessage,
    nextAttemptAt: time(a.nextAttemptAt),
  }
}

export type PresentedEvent = ReturnType<typeof presentEvent>
export type PresentedDelivery = ReturnType<typeof presentDelivery>
export type PresentedAttempt = ReturnType<typeof presentAttempt>
