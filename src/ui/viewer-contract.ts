import type {PresentedAttempt, PresentedDelivery, PresentedEvent} from '../emulator/present.js'
import type {PublicWebhook} from '../emulator/emulator-events.js'
import type {Happening} from '../feed/happening.js'
import type {ProbeReport} from '../probe/run-probe.js'
import type {MailboxSummary, MailDetail, MailNouns, MailSummary} from '../providers/provider.js'

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
  /** Who the SMTP sink takes mail for, in words (absent from emulators before it was said). */
  readonly mailTo?: string | null
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
    /** Mailboxes and messages, whatever the provider calls them (absent from emulators before they were counted). */
    readonly mailboxes?: number
    readonly messages?: number
  }
  /** What mailboxes and messages are called (absent: JunkMail's addresses and emails). */
  readonly nouns?: MailNouns | null
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

// Mailboxes (JunkMail addresses, Sendook inboxes) and mail received and sent, as
// `GET /_emulator/v1/mailboxes`, `/mail` and `/mail/:id` answer them: the providers' mail catcher's shapes.
export type {MailboxSummary, MailDetail, MailNouns, MailSummary}

/** The report card of `junkmail probe` (`POST /_emulator/v1/webhooks/:id/probe`). */
export type {ProbeReport}

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
  /** Mailboxes, newest first. */
  mailboxes(): Promise<MailboxSummary[]>
  /** Messages received and sent, newest first, of one mailbox or all. */
  mail(mailboxId?: string): Promise<MailSummary[]>
  mailMessage(id: string): Promise<MailDetail>
  /** Probes a webhook's endpoint (`junkmail probe --webhook`): forged, duplicate, late… deliveries, and a report card. */
  probe(webhookId: string): Promise<ProbeReport>
}
