import {parseDuration} from '../clock/duration.js'
import type {MailboxSummary, MailDetail, MailSummary} from '../providers/provider.js'
import type {EmulatorContext} from './emulator-context.js'
import {findMailbox, requireCatcher, requireMessage} from './mail-catcher.js'
import {type PublicWebhook} from './emulator-events.js'
import {requireEvent, resendEvent, triggerEvent} from './event-operations.js'
import {type PresentedAttempt, type PresentedDelivery, type PresentedEvent, presentAttempt, presentDelivery, presentEvent} from './present.js'
import {resetEmulator} from './reset.js'
import {type WaitCondition, waitCondition, waitFor} from './wait-for.js'
import {createWebhook, deleteWebhook, enableWebhook, getWebhook, listWebhooks} from './webhook-operations.js'

/** A duration: ms, or text such as `90s`, `30m`, `2h`, `1h30m`. */
export type Duration = number | string

/** A mail to send through the emulator's own SMTP sink, over real SMTP. */
export interface OutgoingMail {
  readonly to: string | readonly string[]
  readonly from?: string
  readonly subject?: string
  readonly text?: string
  readonly html?: string
  /** The whole raw message instead (headers and body), sent byte for byte. */
  readonly raw?: string | Buffer
}

/** An event with its deliveries, each with its attempts (oldest first). */
export type EventWithDeliveries = PresentedEvent & {deliveries: Array<PresentedDelivery & {attempts: PresentedAttempt[]}>}

/**
 * What a test does with an emulator, in one typed object (`startEmulator()` returns it, with
 * `stop()`): the same operations and shapes as the emulator's routes, in-process, without HTTP.
 */
export interface EmulatorClient {
  readonly webhooks: {
    /** Registers a webhook; the answer has its secret. */
    create(input: {url: string; events: readonly string[]; secret?: string}): Promise<PublicWebhook & {secret: string}>
    list(): PublicWebhook[]
    get(id: string): PublicWebhook
    delete(id: string): Promise<void>
    enable(id: string): Promise<PublicWebhook>
  }
  /** Fires a catalog event (`set`: field → text, as `junkmail trigger --set`) to every subscriber or one webhook. */
  trigger(type: string, options?: {set?: Record<string, string>; webhookId?: string}): Promise<{event: PresentedEvent; deliveries: PresentedDelivery[]}>
  /** Sends an event again, byte for byte, as new deliveries. */
  resend(eventId: string, options?: {webhookId?: string}): Promise<PresentedDelivery[]>
  /** Sends a mail through the emulator's SMTP sink, over real SMTP (as your app would). */
  sendMail(mail: OutgoingMail): Promise<void>
  /** Mailboxes (JunkMail addresses, Sendook inboxes), newest first. */
  mailboxes(): MailboxSummary[]
  /** Mail received and sent, newest first, of one mailbox (id or address) or all. */
  mail(mailbox?: string): MailSummary[]
  /** One message in full. */
  message(id: string): Promise<MailDetail>
  readonly history: {
    /** Events, newest first. */
    events(filter?: {type?: string; limit?: number}): PresentedEvent[]
    /** One event with its deliveries and their attempts. */
    event(id: string): EventWithDeliveries
    /** Deliveries, newest first. */
    deliveries(filter?: {webhookId?: string; eventId?: string; status?: 'pending' | 'succeeded' | 'failed' | 'cancelled'; limit?: number}): PresentedDelivery[]
    /** Attempts, newest first. */
    attempts(filter?: {webhookId?: string; eventId?: string; failed?: boolean; limit?: number}): PresentedAttempt[]
  }
  /**
   * Resolves once the condition holds (checked on every happening; never polled), or rejects
   * after `timeout` (default 10s) with what was seen.
   */
  waitFor(condition: WaitCondition, options?: {timeout?: Duration}): Promise<void>
  /** Wipes webhooks, events, deliveries, attempts, mail and resources; keeps the servers, keys and clock. */
  reset(): Promise<void>
}

/** A wait that timed out. */
export class WaitTimeoutError extends Error {
  constructor(readonly seen: string, timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms: ${seen}`)
    this.name = 'WaitTimeoutError'
  }
}

const ms = (d: Duration): number => (typeof d === 'number' ? d : parseDuration(d))

/** The client of an emulator in this process. `smtp` is where its sink listens (null: none). */
export function emulatorClient(ctx: EmulatorContext, smtp: {host: string; port: number} | null): EmulatorClient {
  const {store} = ctx
  const max = ctx.provider.retryDelaysMs.length + 1
  return {
    webhooks: {
      async create(input) {
        const w = await createWebhook(ctx, {url: input.url, events: [...input.events], ...(input.secret === undefined ? {} : {secret: input.secret})})
        return {...getWebhook(ctx, w.id), secret: w.secret}
      },
      list: () => listWebhooks(ctx),
      get: (id) => getWebhook(ctx, id),
      delete: (id) => deleteWebhook(ctx, id),
      enable: (id) => enableWebhook(ctx, id),
    },
    async trigger(type, options = {}) {
      const {event, deliveries} = await triggerEvent(ctx, {type, set: options.set, webhookId: options.webhookId})
      return {event: presentEvent(event), deliveries: deliveries.map((d) => presentDelivery(d, max))}
    },
    async resend(eventId, options = {}) {
      return (await resendEvent(ctx, eventId, options.webhookId)).map((d) => presentDelivery(d, max))
    },
    async sendMail(mail) {
      if (!smtp) throw new Error('this emulator has no SMTP sink (started with smtpPort: false, or its provider takes no mail)')
      const {default: nodemailer} = await import('nodemailer')
      const transport = nodemailer.createTransport({host: smtp.host, port: smtp.port, secure: false, ignoreTLS: true})
      const to = typeof mail.to === 'string' ? [mail.to] : [...mail.to]
      const from = mail.from ?? 'sender@example.com'
      try {
        await transport.sendMail(
          mail.raw !== undefined
            ? {envelope: {from, to}, raw: mail.raw}
            : {from, to, subject: mail.subject ?? 'Test message', text: mail.text ?? (mail.html === undefined ? 'Sent by a test.' : undefined), ...(mail.html === undefined ? {} : {html: mail.html})},
        )
      } finally {
        transport.close()
      }
    },
    mailboxes: () => requireCatcher(ctx).mailboxes(ctx),
    mail: (mailbox) => requireCatcher(ctx).messages(ctx, mailbox === undefined ? undefined : (findMailbox(ctx, mailbox)?.id ?? mailbox)),
    message: (id) => requireMessage(ctx, id),
    history: {
      events: (filter = {}) => store.listEvents({type: filter.type, limit: filter.limit}).map(presentEvent),
      event(id) {
        const event = requireEvent(ctx, id)
        return {
          ...presentEvent(event),
          deliveries: store.deliveriesForEvent(id).map((d) => ({...presentDelivery(d, max), attempts: store.attemptsForDelivery(d.id).map((a) => presentAttempt(a, event, max))})),
        }
      },
      deliveries: (filter = {}) => store.listDeliveries(filter).map((d) => presentDelivery(d, max)),
      attempts: (filter = {}) => store.listAttempts(filter).map((a) => presentAttempt(a, store.getEvent(a.eventId), max)),
    },
    async waitFor(condition, options = {}) {
      const timeoutMs = ms(options.timeout ?? '10s')
      const result = await waitFor(ctx, waitCondition(ctx, condition), timeoutMs)
      if (!result.met) throw new WaitTimeoutError(result.seen, timeoutMs)
    },
    async reset() {
      await resetEmulator(ctx)
    },
  }
}
