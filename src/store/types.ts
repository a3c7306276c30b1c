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
  /** Deliveries in a row that failed every attempt, since the last success or re-enable (absent: 0). */
  failedDeliveries?: number
  disabledAt: string | null
  disabledReason: string | null
}

/** One occurrence of a catalog event, with the exact body sent for it. */
export interface EventRecord {
  id: string
  type: string
  /** Emulator time the event happened (ms since epoch); also the payload's `timestamp`. */
  createdAt: number
  /** Exact serialised body, identical for every delivery and attempt of this event. */
  body: string
  /** Where it came from: `trigger`, `resend`, `api`, `smtp`, `clock`. */
  source: string
}

/** Lifecycle of one delivery (one event to one webhook). */
export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'cancelled'

/** One event sent to one webhook, through up to the provider's number of attempts. */
export interface Delivery {
  id: string
  eventId: string
  webhookId: string
  /** The webhook's URL when the delivery was created. */
  url: string
  status: DeliveryStatus
  attemptCount: number
  /** Emulator time (ms) the next attempt is due, while pending. */
  nextAttemptAt: number | null
  createdAt: number
  completedAt: number | null
  /** Why a delivery was cancelled or failed, in words. */
  reason: string | null
}

/** What came back from the endpoint. Body cut to at most `RESPONSE_BODY_LIMIT` bytes, on a UTF-8 character boundary. */
export interface AttemptResponse {
  status: number
  headers: Record<string, string | string[]>
  body: string
  bodyTruncated: boolean
  /** Bytes of the body not kept (0 when whole); absent in attempts recorded before it was counted. */
  bodyBytesDropped?: number
}

/** One HTTP request of a delivery. */
export interface Attempt {
  id: string
  deliveryId: string
  eventId: string
  webhookId: string
  /** 1-based attempt number within the delivery. */
  number: number
  /** Emulator time (ms) the attempt was due. */
  scheduledAt: number
  /** Emulator time (ms) it was sent (absent in attempts recorded before the emulator had a clock of its own). */
  clockAt?: number
  /** Real time (ms) it was sent: what its deadline and its timestamp header count from. */
  sentAt: number
  durationMs: number
  request: {method: 'POST'; url: string; headers: Record<string, string>}
  response: AttemptResponse | null
  /** Failure class: `http_status`, `timeout`, `connection_refused`, `connection_reset`, `dns`, `network`. */
  errorClass: string | null
  errorMessage: string | null
  outcome: 'success' | 'failure'
  /** Emulator time (ms) of the retry this failure scheduled, or null. */
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

/** A disposable address on the emulator's local domain. */
export interface AddressRecord {
  id: string
  /** Full address, lower case: `local-part@junkmail.local`. */
  email: string
  /** ISO-8601, as in payloads. */
  createdAt: string
  /** When it expires, ISO-8601: creation + lifetime divided by the time scale. */
  expiresAt: string
  /** `expiresAt` in ms, for the expiry clock. */
  expiresAtMs: number
  status: 'active' | 'expired'
  expiredAt: string | null
  /** Lifetime asked for, in (uncompressed) seconds. */
  lifetimeSeconds: number
  /** How it came to be: `api`, `smtp` (created on the fly by incoming mail), `trigger`. */
  source: string
}

/** One attachment of a received email (the bytes stay in the raw `.eml`). */
export interface AttachmentInfo {
  /** 0-based position, as used in `/emails/:id/attachments/:n`. */
  index: number
  filename: string | null
  contentType: string
  size: number
  contentId: string | null
}

/** A received email's metadata. The message itself stays, byte for byte, in the mail spool. */
export interface EmailRecord {
  id: string
  addressId: string
  /** Address the message was delivered to (one email per local recipient). */
  to: string
  messageId: string | null
  /** `From` header address (or the envelope sender when the header is missing or unreadable). */
  from: string
  subject: string
  receivedAt: string
  /** Bytes of the raw message. */
  size: number
  /**
   * Where the raw message is: a range of a spool segment, `mail/spool-<segment>.seg` (the same range
   * for every address one message went to). Absent in records of older versions (`rawFile`).
   */
  raw?: {segment: number; offset: number; length: number}
  /** Older versions: the raw message in a file of its own, `mail/<id>.eml` (taken into the spool at start). */
  rawFile?: string
  envelope: {mailFrom: string; rcptTo: string[]; authUser: string | null; remoteAddress: string | null}
  /** Why parsing failed or was cut short, if it did; the raw message is kept either way. */
  parseError: string | null
}

/**
 * A provider's own resource (a Sendook inbox, message or thread): the core stores it, journals it
 * with everything else and lists it by `kind`, and never reads its other fields.
 */
export interface ResourceRecord {
  id: string
  /** What it is, named by its provider, e.g. `sendook.inbox`. */
  kind: string
}

/** Everything in `db.json`. */
export interface DbData {
  version: 1
  webhooks: Webhook[]
  events: EventRecord[]
  deliveries: Delivery[]
  attempts: Attempt[]
  apiKeys: ApiKey[]
  addresses: AddressRecord[]
  emails: EmailRecord[]
  resources: ResourceRecord[]
  pruned: PrunedCounts
}
