import {randomUUID} from 'node:crypto'
import {Agent} from 'undici'
import type {EmulatorClock} from '../clock/emulator-clock.js'
import {type EmulatorEvents, publicWebhook} from '../emulator/emulator-events.js'
import type {Provider} from '../providers/provider.js'
import type {Store} from '../store/store.js'
import type {Attempt, Delivery, EventRecord, Webhook} from '../store/types.js'
import {FairQueue} from './fair-queue.js'
import {originOf, type SendResult, sendAttempt, StopSwitch} from './send-attempt.js'
import {timedConnector} from './timed-connector.js'

/** Attempts in flight at once in all, by default (an origin below its fair share may still start one). */
export const DEFAULT_MAX_IN_FLIGHT = 256
/** Attempts in flight at once to one origin, and connections kept to it, by default. */
export const DEFAULT_MAX_IN_FLIGHT_PER_ORIGIN = 64
/** How long an idle connection to an endpoint stays open, ms. */
export const KEEP_ALIVE_TIMEOUT_MS = 4000

/** Options of {@link Dispatcher}. */
export interface DispatcherOptions {
  readonly store: Store
  readonly provider: Provider
  /** Emulator time: when attempts are due, the retry delays (scaled), `advance`. */
  readonly clock: EmulatorClock
  /** Overall deadline of one attempt (connect, TLS handshake, headers and body), real ms. */
  readonly attemptTimeoutMs: number
  readonly events: EmulatorEvents
  /**
   * Attempts in flight at once, across all webhooks; an origin below its fair share of them may
   * still start one (see {@link FairQueue}). @default 256
   */
  readonly maxInFlight?: number
  /** Attempts in flight at once to one origin, and the connections kept to it. @default 64 */
  readonly maxInFlightPerOrigin?: number
  /** Failed deliveries in a row that disable a webhook (null: never). @default the provider's */
  readonly disableAfterFailedDeliveries?: number | null
  /** Sign where the provider's contract defines no signature (`--sign`). @default false */
  readonly sign?: boolean
}

/**
 * Sends every delivery on the provider's retry schedule, compressed by the time scale, and records
 * each attempt. Deliveries are persisted before their first attempt, and a delivery's state only
 * moves on once its attempt is recorded, so a restart resumes every pending delivery where the
 * store last saw it (an attempt in flight at a crash is sent again: delivery is at-least-once).
 *
 * Deliveries due wait here, by origin and served in turn, not in undici: an attempt goes to undici
 * only when its origin has a connection slot free (as many attempts in flight per origin as the
 * Agent keeps connections to it), so its deadline, `sentAt` and timestamp header start when it is
 * really sent, and a slow or hanging endpoint only ever holds its own slots.
 */
export class Dispatcher {
  readonly #o: DispatcherOptions
  /** What cancels the timer of each delivery waiting for its next attempt. */
  readonly #timers = new Map<string, () => void>()
  readonly #ready: FairQueue
  readonly #agent: Agent
  readonly #stop = new StopSwitch()
  readonly #waiters = new Map<string, Array<(attempt: Attempt | null) => void>>()
  readonly #running = new Set<Promise<void>>()
  /** Deliveries due while the store cannot write, sent once it can. */
  readonly #held = new Set<string>()
  #stopped = false

  constructor(options: DispatcherOptions) {
    this.#o = options
    const perOrigin = options.maxInFlightPerOrigin ?? DEFAULT_MAX_IN_FLIGHT_PER_ORIGIN
    this.#ready = new FairQueue({perOrigin, total: options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT})
    this.#agent = new Agent({
      connections: perOrigin,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      headersTimeout: options.attemptTimeoutMs,
      bodyTimeout: options.attemptTimeoutMs,
      connect: timedConnector(options.attemptTimeoutMs),
    })
  }

  /** Whether deliveries are signed where the contract defines no signature (`--sign`). */
  get signs(): boolean {
    return this.#o.sign ?? false
  }

  /** Attempts 1..n allowed by the provider. */
  get maxAttempts(): number {
    return this.#o.provider.retryDelaysMs.length + 1
  }

  /** Schedules every delivery the store holds as pending (after a restart, some are overdue and go at once). */
  resume(): void {
    const now = this.#o.clock.now()
    for (const d of this.#o.store.pendingDeliveries()) this.#schedule(d.id, d.nextAttemptAt ?? now)
  }

  /**
   * Creates one delivery of `event` per webhook, persists them, then sends attempt 1 of each.
   * Resolves with the deliveries once they are on disk.
   */
  async deliver(event: EventRecord, webhooks: readonly Webhook[]): Promise<Delivery[]> {
    const deliveries = this.prepare(event, webhooks)
    await this.#o.store.commit()
    this.start(deliveries)
    return deliveries
  }

  /**
   * Adds one pending delivery of `event` per webhook to the store, without waiting for the disk
   * and without sending: the caller commits them together with its own changes, then calls
   * {@link start}.
   */
  prepare(event: EventRecord, webhooks: readonly Webhook[]): Delivery[] {
    const now = this.#o.clock.now()
    return webhooks.map((w) =>
      this.#o.store.addDelivery({
        id: randomUUID(),
        eventId: event.id,
        webhookId: w.id,
        url: w.url,
        status: 'pending',
        attemptCount: 0,
        nextAttemptAt: now,
        createdAt: now,
        completedAt: null,
        reason: null,
      }),
    )
  }

  /** Sends attempt 1 of deliveries made by {@link prepare}, once they are committed. */
  start(deliveries: readonly Delivery[]): void {
    for (const d of deliveries) this.#schedule(d.id, d.nextAttemptAt ?? this.#o.clock.now())
  }

  /** Resolves with the next attempt recorded for this delivery (null if the delivery ends without one). */
  nextAttempt(deliveryId: string): Promise<Attempt | null> {
    return new Promise((resolve) => {
      const list = this.#waiters.get(deliveryId)
      if (list) list.push(resolve)
      else this.#waiters.set(deliveryId, [resolve])
    })
  }

  /** Marks every pending delivery of a webhook cancelled (after delete or disable). */
  cancelPending(webhookId: string, reason: string): void {
    const now = this.#o.clock.now()
    for (const d of this.#o.store.pendingDeliveries()) {
      if (d.webhookId !== webhookId) continue
      this.#cancel(d, reason, now)
    }
  }

  /** Stops sending: aborts attempts in flight (they stay pending in the store) and closes connections. */
  async stop(): Promise<void> {
    this.#stopped = true
    for (const cancel of this.#timers.values()) cancel()
    this.#timers.clear()
    this.#stop.stop()
    // Destroyed, not closed: a request still connecting only lets go once its socket does.
    await this.#agent.destroy().catch(() => {})
    await Promise.allSettled([...this.#running])
    for (const id of [...this.#waiters.keys()]) this.#settle(id, null)
  }

  #schedule(deliveryId: string, at: number): void {
    if (this.#stopped) return
    this.#timers.get(deliveryId)?.()
    this.#timers.delete(deliveryId)
    if (at <= this.#o.clock.now()) {
      this.#makeReady(deliveryId)
      this.#pump()
      return
    }
    const cancel = this.#o.clock.setTimer(at, () => {
      this.#timers.delete(deliveryId)
      this.#makeReady(deliveryId)
      this.#pump()
    })
    this.#timers.set(deliveryId, cancel)
  }

  #makeReady(deliveryId: string): void {
    const url = this.#o.store.getDelivery(deliveryId)?.url
    this.#ready.push(url === undefined ? '' : originOf(url), deliveryId)
  }

  /** Starts every attempt the fair queue lets go now. */
  #pump(): void {
    while (!this.#stopped) {
      const next = this.#ready.take()
      if (!next) return
      const run = this.#attempt(next.id).finally(() => {
        this.#ready.release(next.origin)
        this.#running.delete(run)
        this.#pump()
      })
      this.#running.add(run)
      // `clock advance` waits for the attempts it set off before it moves time on.
      this.#o.clock.track(run)
    }
  }

  async #attempt(deliveryId: string): Promise<void> {
    const {store, provider} = this.#o
    const delivery = store.getDelivery(deliveryId)
    if (!delivery || delivery.status !== 'pending') return
    // The store cannot write: the attempt's result could not be recorded, and the delivery would be
    // sent again. It waits until the store writes.
    if (store.writeError) return this.#holdUntilWritable(deliveryId)
    const webhook = store.getWebhook(delivery.webhookId)
    const event = store.getEvent(delivery.eventId)
    if (!webhook || !webhook.enabled || !event) {
      const reason = !webhook ? 'webhook deleted' : !event ? 'event pruned' : 'webhook disabled'
      this.#cancel(delivery, reason, this.#o.clock.now())
      this.#whenRecorded(deliveryId, false)
      return
    }
    const number = delivery.attemptCount + 1
    const scheduledAt = delivery.nextAttemptAt ?? this.#o.clock.now()
    const clockAt = this.#o.clock.now()
    const sentAt = Date.now()
    const headers = provider.headers(event.body, webhook.secret, sentAt, {sign: this.#o.sign ?? false})
    const result = await sendAttempt({
      url: delivery.url,
      headers,
      body: event.body,
      timeoutMs: this.#o.attemptTimeoutMs,
      dispatcher: this.#agent,
      stop: this.#stop,
    })
    // Stopping ('aborted'): the delivery stays pending and resumes on restart.
    if (result.errorClass !== 'aborted') this.#record({delivery, webhook, event, number, scheduledAt, clockAt, sentAt, headers}, result)
    // The attempt's slot stays taken until undici has let go of the request (a few ms after a deadline at most).
    await result.released
  }

  /** Records an attempt and moves its delivery on: done, failed, or its next attempt scheduled. */
  #record(sent: {delivery: Delivery; webhook: Webhook; event: EventRecord; number: number; scheduledAt: number; clockAt: number; sentAt: number; headers: Record<string, string>}, result: SendResult): void {
    const {store, provider} = this.#o
    const {delivery, webhook, event, number, scheduledAt, clockAt, sentAt, headers} = sent
    const deliveryId = delivery.id
    // Removed while the request was in flight (junkmail reset): nothing to record it in.
    if (store.getDelivery(deliveryId) !== delivery) return this.#settle(deliveryId, null)
    const finished = this.#o.clock.now()
    const ok = result.errorClass === null
    const exhausted = !ok && number >= this.maxAttempts
    // Cancelled while the request was in flight (its webhook deleted or disabled): the attempt
    // happened and is recorded, but the delivery stays cancelled and nothing is rescheduled.
    const cancelled = delivery.status === 'cancelled'
    const nextAttemptAt = ok || exhausted || cancelled ? null : finished + this.#o.clock.scaled(provider.retryDelaysMs[number - 1])
    const attempt = store.addAttempt({
      id: randomUUID(),
      deliveryId,
      eventId: event.id,
      webhookId: webhook.id,
      number,
      scheduledAt,
      clockAt,
      sentAt,
      durationMs: Math.round(result.durationMs * 100) / 100,
      request: {method: 'POST', url: delivery.url, headers},
      response: result.response,
      errorClass: result.errorClass,
      errorMessage: result.errorMessage,
      outcome: ok ? 'success' : 'failure',
      nextAttemptAt,
    })
    store.updateDelivery(
      delivery,
      cancelled
        ? {attemptCount: number}
        : {
            attemptCount: number,
            status: ok ? 'succeeded' : exhausted ? 'failed' : 'pending',
            nextAttemptAt,
            completedAt: ok || exhausted ? finished : null,
            reason: exhausted ? `all ${number} attempts failed` : null,
          },
    )
    const current = store.getWebhook(webhook.id) === webhook
    const failureCount = ok ? 0 : webhook.failureCount + 1
    const previousFailed = webhook.failedDeliveries ?? 0
    const failedDeliveries = ok ? 0 : exhausted && !cancelled ? previousFailed + 1 : previousFailed
    if (current && (failureCount !== webhook.failureCount || failedDeliveries !== previousFailed)) store.updateWebhook(webhook, {failureCount, failedDeliveries})
    this.#o.events.emit('attempt.finished', {attempt, delivery})
    this.#settle(deliveryId, attempt)
    const threshold = this.#o.disableAfterFailedDeliveries === undefined ? provider.disableAfterFailedDeliveries : this.#o.disableAfterFailedDeliveries
    if (current && exhausted && !cancelled && threshold !== null && failedDeliveries >= threshold && webhook.enabled) this.#disable(webhook, delivery, failedDeliveries)
    if (nextAttemptAt !== null) this.#schedule(deliveryId, nextAttemptAt)
    this.#whenRecorded(deliveryId, nextAttemptAt !== null)
  }

  /**
   * If the journal line holding what was just recorded for a delivery cannot be written, the store
   * rolls the delivery back to pending, as it was before: it is attempted again once the store
   * writes (at-least-once, as after a crash), unless a retry is already scheduled, which will.
   */
  #whenRecorded(deliveryId: string, retryScheduled: boolean): void {
    this.#o.store.commit().catch(() => {
      if (!retryScheduled) this.#holdUntilWritable(deliveryId)
    })
  }

  #holdUntilWritable(deliveryId: string): void {
    this.#held.add(deliveryId)
    if (this.#held.size > 1) return
    void this.#o.store.whenWritable().then(() => {
      const ids = [...this.#held]
      this.#held.clear()
      for (const id of ids) this.#schedule(id, this.#o.clock.now())
    })
  }

  #disable(webhook: Webhook, delivery: Delivery, failedDeliveries: number): void {
    const reason =
      failedDeliveries === 1
        ? `${this.maxAttempts} attempts of delivery ${delivery.id} failed`
        : `${failedDeliveries} deliveries in a row failed all ${this.maxAttempts} attempts (the last: ${delivery.id})`
    this.#o.store.updateWebhook(webhook, {enabled: false, disabledAt: new Date(this.#o.clock.now()).toISOString(), disabledReason: reason})
    this.cancelPending(webhook.id, 'webhook disabled')
    this.#o.events.emit('webhook.disabled', {webhook: publicWebhook(webhook), reason})
  }

  /**
   * Cancels a pending delivery; `delivery.cancelled` is reported once that is in the journal (a
   * cancellation rolled back with its line, say of a webhook deletion refused on a full disk, is not).
   */
  #cancel(delivery: Delivery, reason: string, now: number): void {
    this.#o.store.updateDelivery(delivery, {status: 'cancelled', nextAttemptAt: null, completedAt: now, reason})
    this.#settle(delivery.id, null)
    this.#o.store.commit().then(
      () => this.#o.events.emit('delivery.cancelled', {delivery}),
      () => {},
    )
  }

  #settle(deliveryId: string, attempt: Attempt | null): void {
    const list = this.#waiters.get(deliveryId)
    if (!list) return
    this.#waiters.delete(deliveryId)
    for (const resolve of list) resolve(attempt)
  }
}
