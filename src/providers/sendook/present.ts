import type {Attempt, EventRecord, Webhook} from '../../store/types.js'
import {ORGANIZATION_ID} from './catalog.js'

/** A webhook as Sendook's API returns it: `_id` and `id` (the same), no secret, `__v`. */
export function presentWebhook(w: Webhook): Record<string, unknown> {
  return {_id: w.id, id: w.id, organizationId: ORGANIZATION_ID, url: w.url, events: [...w.events], createdAt: w.createdAt, updatedAt: w.createdAt, __v: 0}
}

/** An attempt's id as an ObjectId: the second it was sent, then 16 hex digits of its own id. */
const attemptObjectId = (a: Attempt): string =>
  Math.floor(a.sentAt / 1000).toString(16).padStart(8, '0').slice(-8) + a.id.replace(/-/g, '').slice(0, 16)

/**
 * An attempt as `GET /v1/webhooks/:id/attempts` returns it (Sendook's WebhookAttempt): the event
 * and its payload as sent, the endpoint's status (500 when none came back, as the server records
 * a failure), the error, and the response body (parsed when it is JSON).
 */
export function presentAttempt(a: Attempt, event: EventRecord | undefined): Record<string, unknown> {
  const id = attemptObjectId(a)
  const sent = event ? (JSON.parse(event.body) as Record<string, unknown>) : {}
  const time = new Date(a.sentAt).toISOString()
  return {
    _id: id,
    id,
    webhookId: a.webhookId,
    organizationId: ORGANIZATION_ID,
    ...(typeof sent.inboxId === 'string' ? {inboxId: sent.inboxId} : {}),
    ...(typeof sent.messageId === 'string' ? {messageId: sent.messageId} : {}),
    timestamp: time,
    payload: {event: sent.event, payload: sent.payload},
    status: a.response?.status ?? 500,
    ...(a.outcome === 'failure' ? {error: a.errorMessage ?? `HTTP ${a.response?.status}`} : {}),
    ...(a.response ? {response: parseBody(a.response.body)} : {}),
    createdAt: time,
    updatedAt: time,
    __v: 0,
  }
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body)
  } catch {
    return body
  }
}
