/** What one emulated email service promises about its webhooks: catalog, envelope, signing, retries. */
export interface ProviderProfile {
  /** Short machine name, e.g. `junkmail`. */
  readonly name: string
  /** Name shown to people, e.g. `JunkMail`. */
  readonly displayName: string
  /** Every event the service can send, in documentation order. */
  readonly catalog: readonly CatalogEvent[]
  /** Domain of the emulated disposable addresses, e.g. `junkmail.local`. */
  readonly localDomain: string
  /** Prefix of generated webhook secrets, e.g. `whsec_`. */
  readonly secretPrefix: string
  /** Delays, in real (uncompressed) milliseconds, before attempts 2, 3, …; attempts = delays + 1. */
  readonly retryDelaysMs: readonly number[]
  /** Whether the webhook is disabled once one delivery has failed every attempt of the schedule. */
  readonly disableWhenExhausted: boolean
  /** Body sent on the wire for an event: the exact object that is serialised. */
  envelope(type: string, data: Record<string, unknown>, timestamp: number): unknown
  /** Request headers for one attempt, signature included. `sentAt` is the real wall clock in ms. */
  headers(body: string, secret: string, sentAt: number): Record<string, string>
  /** Formats a time the way this service writes timestamps inside payloads. */
  isoTime(ms: number): string
}

/** One event of a provider's catalog. */
export interface CatalogEvent {
  /** Event name as sent on the wire, e.g. `email.received`. */
  readonly type: string
  /** One sentence, from the published contract. */
  readonly description: string
  /** Field names and types of `data`, for documentation and `--set` coercion. */
  readonly fields: Readonly<Record<string, FieldType>>
  /** Realistic sample `data` for this event. */
  sample(now: number): Record<string, unknown>
}

/** JSON type of one payload field. */
export type FieldType = 'string' | 'number' | 'boolean' | 'string[]'
