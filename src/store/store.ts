import {mkdir} from 'node:fs/promises'
import {join} from 'node:path'
import {Low, Memory} from 'lowdb'
import {DataFile} from 'lowdb/node'
import {emptyState, parseState, StateSerializer, type StoreState} from './serialize-state.js'
import type {AddressRecord, ApiKey, Attempt, Delivery, EmailRecord, EventRecord, PrunedCounts, Webhook} from './types.js'

/** Options of {@link Store.open}. */
export interface StoreOptions {
  /** Folder holding `db.json`; `null` keeps everything in memory. */
  readonly dataDir: string | null
  /** Most events kept; older finished events are pruned with their deliveries and attempts. @default 50000 */
  readonly maxEvents?: number
}

/** `db.json` exists but cannot be read as a junkmail store. It is left untouched. */
export class StoreCorruptError extends Error {
  constructor(readonly file: string, reason: string) {
    super(`${file} is not a valid junkmail store (${reason}). It was left untouched: move it away or fix it, then start again.`)
    this.name = 'StoreCorruptError'
  }
}

/** Default history cap: events kept before the oldest finished ones are pruned. */
export const DEFAULT_MAX_EVENTS = 50_000

/**
 * The one store of an emulator: webhooks, events, deliveries, attempts and API keys, held in memory
 * and persisted by lowdb to `db.json`. Writes are coalesced: many changes, one atomic file write
 * (temp file + rename), so a kill at any moment leaves the previous or the next complete file.
 */
export class Store {
  readonly #db: Low<StoreState>
  readonly #serializer: StateSerializer
  readonly #maxEvents: number
  readonly #deliveriesByEvent = new Map<string, Delivery[]>()
  readonly #attemptsByDelivery = new Map<string, Attempt[]>()
  readonly #addressesByEmail = new Map<string, AddressRecord>()
  readonly #emailsByAddress = new Map<string, Map<string, EmailRecord>>()
  #dirty = false
  #timer: NodeJS.Timeout | null = null
  #writing: Promise<void> | null = null
  #waiters: Array<{resolve: () => void; reject: (e: unknown) => void}> = []
  #lastWriteMs = 0
  #closed = false
  /** The last write error, if the most recent write failed. */
  lastError: Error | null = null

  private constructor(db: Low<StoreState>, serializer: StateSerializer, maxEvents: number) {
    this.#db = db
    this.#serializer = serializer
    this.#maxEvents = maxEvents
  }

  /** Opens (or creates) the store. Throws {@link StoreCorruptError} on an unreadable `db.json`. */
  static async open(options: StoreOptions): Promise<Store> {
    const maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS
    const serializer = new StateSerializer()
    if (options.dataDir === null) return Store.#index(new Low<StoreState>(new Memory(), emptyState()), serializer, maxEvents)
    await mkdir(options.dataDir, {recursive: true})
    const file = join(options.dataDir, 'db.json')
    const db = new Low<StoreState>(
      new DataFile<StoreState>(file, {parse: parseState, stringify: (s) => serializer.stringify(s)}),
      emptyState(),
    )
    try {
      await db.read()
    } catch (error) {
      throw new StoreCorruptError(file, error instanceof Error ? error.message : String(error))
    }
    return Store.#index(db, serializer, maxEvents)
  }

  static #index(db: Low<StoreState>, serializer: StateSerializer, maxEvents: number): Store {
    const store = new Store(db, serializer, maxEvents)
    for (const d of db.data.deliveries.values()) store.#push(store.#deliveriesByEvent, d.eventId, d)
    for (const a of db.data.attempts.values()) store.#push(store.#attemptsByDelivery, a.deliveryId, a)
    for (const a of db.data.addresses.values()) store.#addressesByEmail.set(a.email, a)
    for (const e of db.data.emails.values()) store.#indexEmail(e)
    return store
  }

  #push<T>(index: Map<string, T[]>, key: string, value: T): void {
    const list = index.get(key)
    if (list) list.push(value)
    else index.set(key, [value])
  }

  get #state(): StoreState {
    return this.#db.data
  }

  // ── webhooks ────────────────────────────────────────────────────────────
  addWebhook(webhook: Webhook): Webhook {
    this.#state.webhooks.set(webhook.id, webhook)
    this.#changed()
    return webhook
  }

  getWebhook(id: string): Webhook | undefined {
    return this.#state.webhooks.get(id)
  }

  listWebhooks(): Webhook[] {
    return [...this.#state.webhooks.values()]
  }

  updateWebhook(webhook: Webhook, changes: Partial<Webhook>): Webhook {
    return this.#update(webhook, changes)
  }

  deleteWebhook(id: string): boolean {
    const deleted = this.#state.webhooks.delete(id)
    if (deleted) this.#changed()
    return deleted
  }

  // ── events ──────────────────────────────────────────────────────────────
  addEvent(event: EventRecord): EventRecord {
    this.#state.events.set(event.id, event)
    this.#changed()
    return event
  }

  getEvent(id: string): EventRecord | undefined {
    return this.#state.events.get(id)
  }

  /** Events, newest first. */
  listEvents(filter: {type?: string; limit?: number} = {}): EventRecord[] {
    return this.#newest(this.#state.events, filter.limit, (e) => !filter.type || e.type === filter.type)
  }

  // ── deliveries ──────────────────────────────────────────────────────────
  addDelivery(delivery: Delivery): Delivery {
    this.#state.deliveries.set(delivery.id, delivery)
    this.#push(this.#deliveriesByEvent, delivery.eventId, delivery)
    this.#changed()
    return delivery
  }

  getDelivery(id: string): Delivery | undefined {
    return this.#state.deliveries.get(id)
  }

  updateDelivery(delivery: Delivery, changes: Partial<Delivery>): Delivery {
    return this.#update(delivery, changes)
  }

  deliveriesForEvent(eventId: string): Delivery[] {
    return this.#deliveriesByEvent.get(eventId) ?? []
  }

  /** Deliveries still waiting for an attempt. */
  pendingDeliveries(): Delivery[] {
    return [...this.#state.deliveries.values()].filter((d) => d.status === 'pending')
  }

  /** Deliveries, newest first. */
  listDeliveries(filter: {webhookId?: string; eventId?: string; status?: string; limit?: number} = {}): Delivery[] {
    const source = filter.eventId ? new Map(this.deliveriesForEvent(filter.eventId).map((d) => [d.id, d])) : this.#state.deliveries
    return this.#newest(
      source,
      filter.limit,
      (d) => (!filter.webhookId || d.webhookId === filter.webhookId) && (!filter.status || d.status === filter.status),
    )
  }

  // ── attempts ────────────────────────────────────────────────────────────
  addAttempt(attempt: Attempt): Attempt {
    this.#state.attempts.set(attempt.id, attempt)
    this.#push(this.#attemptsByDelivery, attempt.deliveryId, attempt)
    this.#changed()
    return attempt
  }

  getAttempt(id: string): Attempt | undefined {
    return this.#state.attempts.get(id)
  }

  attemptsForDelivery(deliveryId: string): Attempt[] {
    return this.#attemptsByDelivery.get(deliveryId) ?? []
  }

  /** Attempts, newest first. */
  listAttempts(filter: {webhookId?: string; eventId?: string; failed?: boolean; limit?: number} = {}): Attempt[] {
    return this.#newest(
      this.#state.attempts,
      filter.limit,
      (a) =>
        (!filter.webhookId || a.webhookId === filter.webhookId) &&
        (!filter.eventId || a.eventId === filter.eventId) &&
        (!filter.failed || a.outcome === 'failure'),
    )
  }

  // ── addresses ───────────────────────────────────────────────────────────
  addAddress(address: AddressRecord): AddressRecord {
    this.#state.addresses.set(address.id, address)
    this.#addressesByEmail.set(address.email, address)
    this.#changed()
    return address
  }

  getAddress(id: string): AddressRecord | undefined {
    return this.#state.addresses.get(id)
  }

  /** The address with this full email (case-insensitive), if any. */
  findAddress(email: string): AddressRecord | undefined {
    return this.#addressesByEmail.get(email.toLowerCase())
  }

  updateAddress(address: AddressRecord, changes: Partial<AddressRecord>): AddressRecord {
    return this.#update(address, changes)
  }

  /** Removes an address and all its emails; returns the emails removed. */
  deleteAddress(id: string): EmailRecord[] {
    const address = this.#state.addresses.get(id)
    if (!address) return []
    const emails = [...(this.#emailsByAddress.get(id)?.values() ?? [])]
    for (const e of emails) this.#state.emails.delete(e.id)
    this.#emailsByAddress.delete(id)
    this.#state.addresses.delete(id)
    if (this.#addressesByEmail.get(address.email) === address) this.#addressesByEmail.delete(address.email)
    this.#changed()
    return emails
  }

  /** Addresses, newest first. */
  listAddresses(filter: {status?: string; limit?: number} = {}): AddressRecord[] {
    return this.#newest(this.#state.addresses, filter.limit, (a) => !filter.status || a.status === filter.status)
  }

  /** Active addresses (for the expiry clock). */
  activeAddresses(): AddressRecord[] {
    return [...this.#state.addresses.values()].filter((a) => a.status === 'active')
  }

  // ── emails ──────────────────────────────────────────────────────────────
  addEmail(email: EmailRecord): EmailRecord {
    this.#state.emails.set(email.id, email)
    this.#indexEmail(email)
    this.#changed()
    return email
  }

  #indexEmail(email: EmailRecord): void {
    let map = this.#emailsByAddress.get(email.addressId)
    if (!map) this.#emailsByAddress.set(email.addressId, (map = new Map()))
    map.set(email.id, email)
  }

  getEmail(id: string): EmailRecord | undefined {
    return this.#state.emails.get(id)
  }

  updateEmail(email: EmailRecord, changes: Partial<EmailRecord>): EmailRecord {
    return this.#update(email, changes)
  }

  deleteEmail(id: string): EmailRecord | undefined {
    const email = this.#state.emails.get(id)
    if (!email) return undefined
    this.#state.emails.delete(id)
    this.#emailsByAddress.get(email.addressId)?.delete(id)
    this.#changed()
    return email
  }

  /** Emails, newest first, optionally of one address. */
  listEmails(filter: {addressId?: string; limit?: number} = {}): EmailRecord[] {
    const source = filter.addressId ? (this.#emailsByAddress.get(filter.addressId) ?? new Map<string, EmailRecord>()) : this.#state.emails
    return this.#newest(source, filter.limit, () => true)
  }

  // ── API keys ────────────────────────────────────────────────────────────
  addApiKey(key: ApiKey): ApiKey {
    this.#state.apiKeys.set(key.key, key)
    this.#changed()
    return key
  }

  getApiKey(key: string): ApiKey | undefined {
    return this.#state.apiKeys.get(key)
  }

  // ── counts ──────────────────────────────────────────────────────────────
  /** How many records of each kind are held, and how many the history cap removed. */
  counts(): {webhooks: number; addresses: number; emails: number; events: number; deliveries: number; pendingDeliveries: number; attempts: number; pruned: PrunedCounts} {
    let pending = 0
    for (const d of this.#state.deliveries.values()) if (d.status === 'pending') pending++
    return {
      webhooks: this.#state.webhooks.size,
      addresses: this.#state.addresses.size,
      emails: this.#state.emails.size,
      events: this.#state.events.size,
      deliveries: this.#state.deliveries.size,
      pendingDeliveries: pending,
      attempts: this.#state.attempts.size,
      pruned: {...this.#state.pruned},
    }
  }

  // ── persistence ─────────────────────────────────────────────────────────
  /** Resolves once every change made before this call is on disk (or at once, in memory). */
  commit(): Promise<void> {
    if (this.#closed) return Promise.resolve()
    return new Promise((resolve, reject) => {
      this.#waiters.push({resolve, reject})
      this.#dirty = true
      this.#schedule()
    })
  }

  /** Writes what is pending and stops writing. */
  async close(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    if (this.#writing) await this.#writing.catch(() => {})
    if (this.#dirty) await this.#flush()
    this.#closed = true
  }

  #update<T extends object>(record: T, changes: Partial<T>): T {
    Object.assign(record, changes)
    this.#serializer.invalidate(record)
    this.#changed()
    return record
  }

  #changed(): void {
    this.#dirty = true
    this.#schedule()
  }

  #schedule(): void {
    if (this.#timer || this.#writing || this.#closed) return
    // Coalesce: wait at least three times what the last write cost, so writing stays under a quarter of the time.
    const delay = Math.min(1000, Math.floor(this.#lastWriteMs * 3))
    this.#timer = setTimeout(() => {
      this.#timer = null
      void this.#flush()
    }, delay)
  }

  async #flush(): Promise<void> {
    this.#prune()
    const waiters = this.#waiters
    this.#waiters = []
    this.#dirty = false
    const started = performance.now()
    this.#writing = this.#db.write()
    try {
      await this.#writing
      this.lastError = null
      for (const w of waiters) w.resolve()
    } catch (error) {
      this.lastError = error as Error
      this.#dirty = true
      for (const w of waiters) w.reject(error)
    } finally {
      this.#lastWriteMs = performance.now() - started
      this.#writing = null
    }
    if (this.#dirty) this.#schedule()
  }

  /** Keeps at most `maxEvents` events: drops the oldest whose deliveries are all finished. */
  #prune(): void {
    const events = this.#state.events
    let excess = events.size - this.#maxEvents
    if (excess <= 0) return
    for (const event of events.values()) {
      if (excess <= 0) break
      const deliveries = this.deliveriesForEvent(event.id)
      if (deliveries.some((d) => d.status === 'pending')) continue
      for (const d of deliveries) {
        for (const a of this.attemptsForDelivery(d.id)) this.#state.attempts.delete(a.id)
        this.#state.pruned.attempts += this.attemptsForDelivery(d.id).length
        this.#attemptsByDelivery.delete(d.id)
        this.#state.deliveries.delete(d.id)
        this.#state.pruned.deliveries++
      }
      this.#deliveriesByEvent.delete(event.id)
      events.delete(event.id)
      this.#state.pruned.events++
      excess--
    }
  }

  #newest<T>(map: Map<string, T>, limit: number | undefined, keep: (value: T) => boolean): T[] {
    const values = [...map.values()]
    const out: T[] = []
    const max = limit ?? Number.POSITIVE_INFINITY
    for (let i = values.length - 1; i >= 0 && out.length < max; i--) if (keep(values[i])) out.push(values[i])
    return out
  }
}
