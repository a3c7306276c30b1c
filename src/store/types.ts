/** A registered endpoint. `secret` never leaves the emulator after creation, except to the process that owns it. */
export interface Webhook {
  id: string
  url: string
  events: string[]
  secret: string
  createdAt: string
  enabled: boolean
  /** Failed attempts in a row, across deliveries, since the last success or re-enable. */
  failureCount: number
  disabledAt: string | null
  disabledReason: string | null
}

/** One occurrence of a catalog event, with the exact body sent for it. */
export interface EventRecord {
  id: string
  type: string
  /** Real time the event happened (ms since epoch); also the payload's `timestamp`. */
  createdAt: number
  /** Exact serialised body, identical for every delivery and attempt of this event. */
  body: string
  /** Where it came from: `trigger`, `resend`, `api`, `smtp`, `clock`. */
  source: string
}

/** Lifecycle of one delivery (one event to one webhook). */
export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled'

/** One event sent to one webhook, through up to the profile's number of attempts. */
export interface Delivery {
  id: string
  eventId: string
  webhookId: string
  /** The webhook's URL when the delivery was created. */
  url: string
  status: DeliveryStatus
  attemptCount: number
  /** Real time (ms) the next attempt is due, while pending. */
  nextAttemptAt: number | null
  createdAt: number
  completedAt: number | null
  /** Why a delivery was cancelled or failed, in words. */
  reason: string | null
}

/** What came back from the endpoint. Body truncated to `RESPONSE_BODY_LIMIT` bytes. */
export interface AttemptResponse {
  status: number
  headers: Record<string, string | string[]>
  body: string
  bodyTruncated: boolean
}

/** One HTTP request of a delivery. */
export interface Attempt {
  id: string
  deliveryId: string
  eventId: string
  webhookId: string
  /** 1-based attempt number within the delivery. */
  number: number
  scheduledAt: number
  sentAt: number
  durationMs: number
  request: {method: 'POST'; url: string; headers: Record<string, string>}
  response: AttemptResponse | null
  /** Failure class: `http_status`, `timeout`, `connection_refused`, `connection_reset`, `dns`, `network`. */
  errorClass: string | null
  errorMessage: string | null
  outcome: 'success' | 'failure'
  /** Real time (ms) of the retry this failure scheduled, or null. */
  nextAttemptAt: number | null
}

/** An API key and what it may do. Scope `*` allows everything. */
export interface ApiKey {
  key: string
  scopes: string[]
  createdAt: string
}

/** Counts of records removed by the history cap. */
export interface PrunedCounts {
  events: number
  deliveries: number
  attempts: number
}

/** Everything in `db.json`. */
export interface DbData {
  version: 1
  webhooks: Webhook[]
  events: EventRecord[]
  deliveries: Delivery[]
  attempts: Attempt[]
  apiKeys: ApiKey[]
  pruned: PrunedCounts
}
