import type {FastifyInstance} from 'fastify'
import type {EmulatorContext} from '../emulator/emulator-context.js'
import type {Delivery, EventRecord} from '../store/types.js'

/**
 * One emulated email service, as a plugin: what it promises about its webhooks (catalog, envelope,
 * signing, retries, disabling), its API (routes, resource shapes, error bodies) and the triggers
 * that act on its resources. The core (store, dispatcher, SMTP listener, feed, emulator routes,
 * the CLI and the viewer) never tests a provider's name; a new provider is a folder and one entry
 * in `registry.ts`.
 */
export interface Provider {
  /** Short machine name, e.g. `junkmail`. */
  readonly name: string
  /** Name shown to people, e.g. `JunkMail`. */
  readonly displayName: string
  /** The envelope's key holding the event's fields (`data`, `payload`): `--set data.x=…` may name it. */
  readonly payloadKey: string
  /** Every event the service can send, in documentation order. */
  readonly catalog: readonly CatalogEvent[]
  /** Domain of the emulated disposable addresses, e.g. `junkmail.local`. */
  readonly localDomain: string
  /** Prefix of generated webhook secrets, e.g. `whsec_`. */
  readonly secretPrefix: string
  /** Delays, in real (uncompressed) milliseconds, before attempts 2, 3, …; attempts = delays + 1. */
  readonly retryDelaysMs: readonly number[]
  /**
   * Deliveries in a row that failed every attempt of the schedule after which the webhook is
   * disabled (1: the first one); null: never.
   */
  readonly disableAfterFailedDeliveries: number | null
  /** Overall deadline of one attempt when the user sets none, ms (not scaled). */
  readonly attemptTimeoutMs: number
  /** A new id for a webhook (the service's format); absent: a UUID. */
  newId?(): string
  /** Path of the hosted API under the emulator's base URL, e.g. `/api/v1`. */
  readonly apiPath: string
  /** Registers the hosted API's routes (the provider's own paths, shapes and error bodies). */
  routes(app: FastifyInstance, ctx: EmulatorContext): void
  /** Catalog events whose trigger acts on real resources (so the ids in the payload resolve), by type. */
  readonly triggers?: Readonly<Record<string, ResourceTrigger>>
  /**
   * Starts the provider's own timed work from what the store holds (Sendook: the delivery outcomes
   * of sent mail), once the backlog resumes; returns what stops it.
   */
  start?(ctx: EmulatorContext): () => void
  /** The mail catcher's view of this provider's mailboxes and mail (the viewer's `m`, `/_emulator/v1/mail`). */
  readonly catcher?: MailCatcher
  /** What mail through the SMTP sink becomes; without it the emulator starts no SMTP sink. */
  readonly mail?: MailHooks
  /** Body sent on the wire for an event: the exact object that is serialised. */
  envelope(type: string, data: Record<string, unknown>, timestamp: number): unknown
  /**
   * Request headers for one attempt, signature included. `sentAt` is the real wall clock in ms;
   * `sign`: the user asked for a signature where the contract defines none (`--sign`).
   */
  headers(body: string, secret: string, sentAt: number, options: {readonly sign: boolean}): Record<string, string>
  /** Formats a time the way this service writes timestamps inside payloads. */
  isoTime(ms: number): string
  /**
   * The header that carries the signature, and whether the contract always signs (JunkMail) or only
   * under `--sign` (Sendook): what `junkmail probe` forges and strips.
   */
  readonly signature: {readonly header: string; readonly always: boolean}
  /**
   * Pairs of events a consumer may receive out of order, the later one first (`address.deleted`
   * before `address.created`): `junkmail probe` sends them so, about the same resource.
   */
  readonly outOfOrder: ReadonlyArray<readonly [later: string, earlier: string]>
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

/** A trigger that acts on real resources, so the ids in its payload resolve through the API. */
export type ResourceTrigger = (
  ctx: EmulatorContext,
  set: Record<string, unknown>,
  webhookId: string | undefined,
) => Promise<{event: EventRecord; deliveries: Delivery[]}>

/** A message accepted by the SMTP sink for one or more recipients (as `MailHooks.recipient` found them). */
export interface IncomingMail<R> {
  readonly chunks: Buffer[]
  readonly mailFrom: string
  readonly recipients: readonly R[]
  readonly authUser: string | null
  readonly remoteAddress: string | null
  /** `smtp` or `trigger`. */
  readonly source: string
}

/** How a provider takes mail from the SMTP sink: who may receive it, and what a message becomes. */
export interface MailHooks<R extends {readonly id: string} = {readonly id: string}> {
  /** Who may receive mail, in a few words for people: `anything@junkmail.local`, `an inbox's address`. */
  describe(ctx: EmulatorContext): string
  /** The recipient mail to `email` goes to, or an SMTP refusal (code and text). */
  recipient(ctx: EmulatorContext, email: string): Promise<{recipient: R} | {code: number; message: string}>
  /** Stores a message for its recipients (those still there); resolves with one id per stored copy (none: nothing stored). */
  receive(ctx: EmulatorContext, mail: IncomingMail<R>): Promise<ReadonlyArray<{readonly id: string}>>
}

/** What people call a mailbox and a message with this provider, singular and plural. */
export interface MailNouns {
  readonly mailbox: readonly [string, string]
  readonly message: readonly [string, string]
}

/** A mailbox (JunkMail address, Sendook inbox) as the mail catcher lists it. */
export interface MailboxSummary {
  readonly id: string
  readonly email: string
  readonly name: string | null
  readonly createdAt: string
  /** `active`, `expired`…; null where mailboxes have no state. */
  readonly status: string | null
  readonly expiresAt: string | null
  readonly expiredAt: string | null
}

/** A message, received or sent, as the mail catcher lists it. */
export interface MailSummary {
  readonly id: string
  readonly mailboxId: string
  readonly direction: 'received' | 'sent'
  readonly from: string
  readonly to: readonly string[]
  readonly subject: string
  /** When it was received or sent, ISO-8601. */
  readonly at: string
  /** Its state (`received`, `delivered`, `bounced`…); null where messages have none. */
  readonly status: string | null
  /** Bytes of the raw message, where it is kept. */
  readonly size: number | null
}

/** A message in full, for reading. */
export interface MailDetail extends MailSummary {
  readonly cc: readonly string[]
  readonly text: string | null
  readonly html: string | null
  readonly headers: ReadonlyArray<{readonly name: string; readonly value: string}>
  readonly attachments: ReadonlyArray<{readonly index: number; readonly filename: string | null; readonly contentType: string; readonly size: number}>
  /** For sent mail: each recipient's outcome so far. */
  readonly outcomes: Readonly<Record<string, string>> | null
}

/** The mail a provider holds, in one shape for the viewer and the emulator's routes. */
export interface MailCatcher {
  readonly nouns: MailNouns
  counts(ctx: EmulatorContext): {mailboxes: number; messages: number}
  /** Mailboxes, newest first. */
  mailboxes(ctx: EmulatorContext): MailboxSummary[]
  /** Messages, newest first, of one mailbox or all. */
  messages(ctx: EmulatorContext, mailboxId?: string): MailSummary[]
  /** One message in full; undefined if there is none with this id. */
  message(ctx: EmulatorContext, id: string): Promise<MailDetail | undefined>
}
