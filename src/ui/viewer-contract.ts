import type {PresentedAttempt, PresentedDelivery, PresentedEvent} from '../emulator/present.js'
import type {PublicWebhook} from '../emulator/emulator-events.js'
import type {Happening} from '../feed/happening.js'

// The contract between the viewer (the Ink TUI and `junkmail watch`) and an emulator. The UI only
// sees these interfaces: `dev` feeds them from the emulator in its own process, `watch` from a
// running emulator over HTTP (the stream route and the API). Nothing in src/ui imports the emulator.

/** The emulator's facts and counts, as `GET /_emulator/v1/status` returns them. */
export interface EmulatorStatus {
  readonly version: string
  readonly node: string
  readonly pid: number
  readonly startedAt: string
  /** Base URL (the provider's API is under `apiPath`). */
  readonly apiUrl: string
  /** Path of the provider's API under apiUrl, e.g. `/api/v1` (absent from emulators before it was said). */
  readonly apiPath?: string
  readonly smtp: {readonly host: string; readonly port: number; readonly sessions: number; readonly messagesInProgress: number} | null
  readonly localDomain: string
  readonly dataDir: string | null
  readonly inMemory: boolean
  readonly provider: string
  readonly timeScale: number
  readonly attemptTimeoutMs: number
  readonly counts: {
    readonly webhooks: number
    readonly addresses: number
    readonly emails: number
    readonly events: number
    readonly deliveries: number
    readonly pendingDeliveries: number
    readonly attempts: number
  }
  readonly storeError: string | null
}

/** Where the live feed stands. `fresh` on connect: an emulator run the viewer has not seen (start over). */
export type ConnectionState =
  | {readonly state: 'connected'; readonly fresh: boolean}
  | {readonly state: 'disconnected'; readonly reason: string; readonly retryInMs: number | null}

/** The live side: happenings in order, from connect on (after a reconnect, none is missed or repeated). */
export interface ViewerSource {
  /** Facts for the header; asked again after every (re)connect. */
  status(): Promise<EmulatorStatus>
  /**
   * Calls `happening` for each happening, in `seq` order, and `connection` when the feed connects,
   * drops or comes back. Returns a function that stops it.
   */
  subscribe(handlers: {happening(h: Happening): void; connection(state: ConnectionState): void}): () => void
  /** The API key in use (the header shows it masked). */
  readonly apiKey: string
}

/** An event with its deliveries, as lists show it (newest first). */
export type EventSummary = PresentedEvent & {readonly deliveries: readonly PresentedDelivery[]}

/** An event in full: each delivery with its attempts (oldest first), each attempt with its request body. */
export type EventDetail = PresentedEvent & {readonly deliveries: ReadonlyArray<PresentedDelivery & {readonly attempts: readonly PresentedAttempt[]}>}

/** A catalog entry, as `GET /_emulator/v1/catalog` returns it. */
export interface CatalogEntry {
  readonly type: string
  readonly description: string
  readonly fields: Readonly<Record<string, string>>
  readonly sample: unknown
}

/** An address and an email as the hosted API lists them. */
export interface AddressSummary {
  readonly id: string
  readonly email: string
  readonly createdAt: string
  readonly expiresAt: string
  readonly status: string
  readonly expiredAt: string | null
}
export interface EmailSummary {
  readonly id: string
  readonly addressId: string
  readonly to: string
  readonly from: string
  readonly subject: string
  readonly receivedAt: string
  readonly size: number
}
/** An email in full (`GET /api/v1/emails/:id`). */
export type EmailDetail = EmailSummary & {
  readonly headers: ReadonlyArray<{readonly name: string; readonly value: string}>
  readonly text: string | null
  readonly html: string | null
  readonly attachments: ReadonlyArray<{readonly index: number; readonly filename: string | null; readonly contentType: string; readonly size: number}>
}

/** What the viewer can ask or do. Every call may reject with an Error whose message is for the user. */
export interface ViewerActions {
  /** Events newest first: the `limit` before event `before` (none: the newest). Pages the whole history. */
  events(page: {readonly before?: string; readonly limit: number}): Promise<EventSummary[]>
  event(id: string): Promise<EventDetail>
  catalog(): Promise<CatalogEntry[]>
  /** Fires a catalog event (`set`: field → text value, as `junkmail trigger --set`), to every subscriber or one webhook. */
  trigger(type: string, set: Readonly<Record<string, string>>, webhookId?: string): Promise<EventSummary>
  /** Sends an event again, to every enabled subscriber or one webhook. */
  resend(eventId: string, webhookId?: string): Promise<readonly PresentedDelivery[]>
  webhooks(): Promise<PublicWebhook[]>
  /** Registers a webhook; the answer carries its secret (shown once). */
  createWebhook(input: {readonly url: string; readonly events: readonly string[]}): Promise<PublicWebhook & {readonly secret: string}>
  deleteWebhook(id: string): Promise<void>
  enableWebhook(id: string): Promise<PublicWebhook>
  addresses(): Promise<AddressSummary[]>
  emails(addressId?: string): Promise<EmailSummary[]>
  email(id: string): Promise<EmailDetail>
}
