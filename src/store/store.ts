import {ftruncateSync, writeSync} from 'node:fs'
import {type FileHandle, open, rename, rm} from 'node:fs/promises'
import {join} from 'node:path'
import {Low, Memory} from 'lowdb'
import {makePrivateDir} from './private-dir.js'
import {replayJournals, type TornLine} from './replay-journal.js'
import {type Collection, emptyState, SnapshotFile, type StoreState} from './serialize-state.js'
import {StoreCorruptError} from './store-errors.js'
import type {AddressRecord, ApiKey, Attempt, Delivery, EmailRecord, EventRecord, PrunedCounts, Webhook} from './types.js'

export {JournalCorruptError, StoreCorruptError} from './store-errors.js'
export {readStoreFiles, replayJournal, replayJournals, type TornLine} from './replay-journal.js'

/** Options of {@link Store.open}. */
export interface StoreOptions {
  /** Folder holding `db.json`; `null` keeps everything in memory. */
  readonly dataDir: string | null
  /** Most events kept; older finished events are pruned with their deliveries and attempts. @default 50000 */
  readonly maxEvents?: number
  /** Smallest journal folded into `db.json` (tests set it low to compact often). @default 16 MiB */
  readonly compactMinBytes?: number
}

type JournalOp = {collection: Collection; record: object} | {collection: Collection; id: string}

/**
 * The journal is folded into `db.json` once it is COMPACT_RATIO times the snapshot, and at least
 * MIN_COMPACT_BYTES: with the snapshot growing geometrically, each record is rewritten a bounded
 * number of times whatever the history size (flat cost per event), and replaying the journal at
 * start stays proportional to the store.
 */
const MIN_COMPACT_BYTES = 16 * 1024 * 1024
const COMPACT_RATIO = 4

/** Default history cap: events kept before the oldest finished ones are pruned. */
export const DEFAULT_MAX_EVENTS = 50_000

/**
 * The one store of an emulator: webhooks, events, deliveries, attempts and API keys, held in memory
 * and persisted by lowdb to `db.json`. Writes are coalesced: many changes, one atomic file write
 * (temp file + rename), so a kill at any moment leaves the previous or the next complete file.
 */
export class Store {
  readonly #db: Low<StoreState>
  /** `db.json` (null in memory). */
  readonly #snapshot: SnapshotFile | null
  readonly #maxEvents: number
  #compactMinBytes = MIN_COMPACT_BYTES
  readonly #deliveriesByEvent = new Map<string, Delivery[]>()
  readonly #attemptsByDelivery = new Map<string, Attempt[]>()
  readonly #addressesByEmail = new Map<string, AddressRecord>()
  readonly #emailsByAddress = new Map<string, Map<string, EmailRecord>>()
  #timer: NodeJS.Immediate | null = null
  #writing: Promise<void> | null = null
  #waiters: Array<{resolve: () => void; reject: (e: unknown) => void}> = []
  /** Changes not yet in the journal, in order; `#queued` dedupes records changed twice. */
  #ops: JournalOp[] = []
  #queued = new Set<object>()
  /** `db.journal`, open for appending; null in memory. */
  #journal: {handle: FileHandle; bytes: number; file: string} | null = null
  /** The snapshot being written in the background, if any. */
  #compacting: Promise<void> | null = null
  /** A background compaction failed and left `db.journal.1` behind: the next one must not rotate over it. */
  #rotatedLeft = false
  /** After a failed compaction, the next try waits until the journal has grown this big. */
  #retryCompactAt = 0
  #closing = false
  #seq = 0
  #snapshotBytes = 0
  #changesSincePrune = 0
  #closed = false
  #appendError: Error | null = null
  #compactError: Error | null = null
  /** The torn last line of `db.journal` dropped at open (a crash in the middle of an append), if any. */
  tornLine: TornLine | null = null

  /** The write error, if the last journal append failed or the last compaction did (until one succeeds). */
  get lastError(): Error | null {
    return this.#appendError ?? this.#compactError
  }

  private constructor(db: Low<StoreState>, snapshot: SnapshotFile | null, maxEvents: number) {
    this.#db = db
    this.#snapshot = snapshot
    this.#maxEvents = maxEvents
  }

  /**
   * Opens (or creates) the store: reads `db.json`, replays `db.journal` over it, and folds the two
   * into a fresh `db.json`. A data dir it creates is private (0700), and so are its files (0600).
   * Throws {@link StoreCorruptError} on an unreadable `db.json` and {@link JournalCorruptError} on a
   * journal line it cannot apply; either way nothing is written.
   */
  static async open(options: StoreOptions): Promise<Store> {
    const maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS
    if (options.dataDir === null) return Store.#index(new Low<StoreState>(new Memory(), emptyState()), null, maxEvents)
    await makePrivateDir(options.dataDir)
    const file = join(options.dataDir, 'db.json')
    const snapshot = new SnapshotFile(file)
    const db = new Low<StoreState>(snapshot, emptyState())
    try {
      await db.read()
    } catch (error) {
      throw new StoreCorruptError(file, error instanceof Error ? error.message : String(error))
    }
    const journalFile = join(options.dataDir, 'db.journal')
    const replayed = await replayJournals(db.data, options.dataDir)
    const store = Store.#index(db, snapshot, maxEvents)
    store.#compactMinBytes = options.compactMinBytes ?? MIN_COMPACT_BYTES
    store.#seq = replayed.seq
    store.tornLine = replayed.torn
    store.#journal = {handle: await openJournal(journalFile), bytes: 0, file: journalFile}
    // Start from one whole snapshot and an empty journal (a torn last line from a kill is dropped here).
    await store.#fold()
    return store
  }

  static #index(db: Low<StoreState>, snapshot: SnapshotFile | null, maxEvents: number): Store {
    const store = new Store(db, snapshot, maxEvents)
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
    this.#put('webhooks', webhook)
    return webhook
  }

  getWebhook(id: string): Webhook | undefined {
    return this.#state.webhooks.get(id)
  }

  listWebhooks(): Webhook[] {
    return [...this.#state.webhooks.values()]
  }

  updateWebhook(webhook: Webhook, changes: Partial<Webhook>): Webhook {
    return this.#update('webhooks', webhook, changes)
  }

  deleteWebhook(id: string): boolean {
    const deleted = this.#state.webhooks.delete(id)
    if (deleted) this.#remove('webhooks', id)
    return deleted
  }

  // ── events ──────────────────────────────────────────────────────────────
  addEvent(event: EventRecord): EventRecord {
    this.#state.events.set(event.id, event)
    this.#put('events', event)
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
    this.#put('deliveries', delivery)
    return delivery
  }

  getDelivery(id: string): Delivery | undefined {
    return this.#state.deliveries.get(id)
  }

  updateDelivery(delivery: Delivery, changes: Partial<Delivery>): Delivery {
    return this.#update('deliveries', delivery, changes)
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
    this.#put('attempts', attempt)
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
    this.#put('addresses', address)
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
    return this.#update('addresses', address, changes)
  }

  /** Removes an address and all its emails; returns the emails removed. */
  deleteAddress(id: string): EmailRecord[] {
    const address = this.#state.addresses.get(id)
    if (!address) return []
    const emails = [...(this.#emailsByAddress.get(id)?.values() ?? [])]
    for (const e of emails) {
      this.#state.emails.delete(e.id)
      this.#remove('emails', e.id)
    }
    this.#emailsByAddress.delete(id)
    this.#state.addresses.delete(id)
    this.#remove('addresses', id)
    if (this.#addressesByEmail.get(address.email) === address) this.#addressesByEmail.delete(address.email)
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
    this.#put('emails', email)
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
    return this.#update('emails', email, changes)
  }

  deleteEmail(id: string): EmailRecord | undefined {
    const email = this.#state.emails.get(id)
    if (!email) return undefined
    this.#state.emails.delete(id)
    this.#emailsByAddress.get(email.addressId)?.delete(id)
    this.#remove('emails', id)
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
    this.#put('apiKeys', key)
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
    if (this.#journal === null && this.#state.events.size > this.#maxEvents) this.#prune()
    if (this.#closed || this.#journal === null) return Promise.resolve()
    return new Promise((resolve, reject) => {
      this.#waiters.push({resolve, reject})
      this.#schedule()
    })
  }

  /** Writes what is pending, folds the journal into `db.json`, and stops writing. */
  async close(): Promise<void> {
    if (this.#closed || this.#closing) return
    this.#closing = true
    if (this.#timer) clearImmediate(this.#timer)
    this.#timer = null
    await this.#drain()
    await this.#compacting
    if (this.#journal) {
      // Waiters are told the truth: resolved once their changes are in the journal (or the
      // snapshot), rejected if neither could be written.
      const settle = (error: unknown) => {
        for (const w of this.#waiters.splice(0)) error ? w.reject(error) : w.resolve()
      }
      settle(await this.#appendJournal().then(() => null, (error: unknown) => error))
      const folded = await this.#fold().then(() => null, (error: unknown) => error)
      // Changes made while the snapshot was being written are appended after it.
      const appended = await this.#appendJournal().then(() => null, (error: unknown) => error)
      settle(appended)
      if (folded) this.#compactError = folded as Error
      await this.#journal.handle.close().catch(() => {})
    }
    for (const w of this.#waiters.splice(0)) w.resolve()
    this.#closed = true
  }

  #update<T extends object>(collection: Collection, record: T, changes: Partial<T>): T {
    Object.assign(record, changes)
    this.#put(collection, record)
    return record
  }

  #put(collection: Collection, record: object): void {
    if (this.#journal === null) return this.#inMemoryChange()
    if (!this.#queued.has(record)) {
      this.#queued.add(record)
      this.#ops.push({collection, record})
    }
    this.#schedule()
  }

  #remove(collection: Collection, id: string): void {
    if (this.#journal === null) return this.#inMemoryChange()
    this.#ops.push({collection, id})
    this.#schedule()
  }

  /** In memory nothing is written; the history cap is applied every so often. */
  #inMemoryChange(): void {
    if (++this.#changesSincePrune >= 1000) {
      this.#changesSincePrune = 0
      this.#prune()
    }
  }

  #schedule(): void {
    if (this.#timer || this.#writing || this.#closed || this.#closing) return
    // Group commit: the changes of this turn of the event loop (and those made while the previous
    // append was in flight) share one append.
    this.#timer = setImmediate(() => {
      this.#timer = null
      void this.#flush()
    })
  }

  async #drain(): Promise<void> {
    while (this.#writing) await this.#writing.catch(() => {})
  }

  async #flush(): Promise<void> {
    const run = (async () => {
      const waiters = this.#waiters
      this.#waiters = []
      try {
        await this.#appendJournal()
        this.#appendError = null
      } catch (error) {
        this.#appendError = error as Error
        for (const w of waiters) w.reject(error)
        return
      }
      // The changes are durable once in the journal: callers go on while the snapshot is rewritten.
      for (const w of waiters) w.resolve()
      const journal = this.#journal
      if (journal && !this.#compacting && journal.bytes >= this.#retryCompactAt && journal.bytes > Math.max(this.#compactMinBytes, COMPACT_RATIO * this.#snapshotBytes)) {
        // After a failed one, db.journal.1 still holds changes db.json lacks: fold everything at
        // once (rare: commits wait for it). A failure backs off until the journal doubles.
        await (this.#rotatedLeft ? this.#fold() : this.#compactInBackground()).catch((error: unknown) => {
          this.#compactError = error as Error
          this.#retryCompactAt = journal.bytes * 2
        })
      }
    })()
    this.#writing = run
    await run
    this.#writing = null
    if (this.#ops.length > 0 || this.#waiters.length > 0) this.#schedule()
  }

  /** Appends the queued changes to `db.journal` as one line. */
  async #appendJournal(): Promise<void> {
    const journal = this.#journal
    if (!journal || this.#ops.length === 0) return
    const ops = this.#ops
    const queued = this.#queued
    this.#ops = []
    this.#queued = new Set()
    const parts: string[] = []
    for (const op of ops) {
      if ('record' in op) {
        // A record no longer held (pruned by the history cap, or deleted: its delete op follows)
        // is not written back: replayed over a newer snapshot it would come back.
        if (!this.#isHeld(op.collection, op.record)) continue
        parts.push(`{"c":"${op.collection}","r":${JSON.stringify(op.record)}}`)
      } else parts.push(`{"c":"${op.collection}","d":${JSON.stringify(op.id)}}`)
    }
    if (parts.length === 0) return
    const data = Buffer.from(`{"s":${this.#seq + 1},"ops":[${parts.join(',')}]}\n`)
    // One write of one turn's changes to the page cache: done at once, it costs less than a trip
    // through the thread pool (the commit waiters are resolved right after either way).
    let written = 0
    try {
      while (written < data.length) written += writeSync(journal.handle.fd, data, written)
    } catch (error) {
      // A partial line (a full disk) is cut off so the next append starts clean, and the changes
      // go back in the queue to be written with the next one.
      if (written > 0) ftruncateSync(journal.handle.fd, journal.bytes)
      this.#ops = [...ops, ...this.#ops]
      for (const record of queued) this.#queued.add(record)
      throw error
    }
    this.#seq++
    journal.bytes += data.length
  }

  /** Whether `record` is still the one held in its collection. */
  #isHeld(collection: Collection, record: object): boolean {
    const key = collection === 'apiKeys' ? (record as ApiKey).key : (record as {id: string}).id
    return (this.#state[collection] as Map<string, object>).get(key) === record
  }

  /**
   * Compaction without stopping the emulator: the journal so far is set aside as `db.journal.1`
   * and a fresh `db.journal` takes the next changes at once; the snapshot is then written in the
   * background (slice by slice), and `db.journal.1` removed once `db.json` holds it all. A kill at
   * any point leaves `db.json` plus the journals to replay, in order. Runs inside the append chain,
   * so no append is in flight while the files are swapped.
   */
  async #compactInBackground(): Promise<void> {
    const journal = this.#journal
    if (!journal) return
    const rotated = `${journal.file}.1`
    await rename(journal.file, rotated)
    try {
      this.#journal = {handle: await openJournal(journal.file), bytes: 0, file: journal.file}
    } catch (error) {
      await rename(rotated, journal.file)
      throw error
    }
    await journal.handle.close().catch(() => {})
    this.#prune()
    // Everything up to this batch is in db.journal.1; later batches go to the new db.journal.
    this.#state.journalSeq = this.#seq
    this.#compacting = (async () => {
      try {
        await this.#db.write()
        this.#snapshotBytes = this.#snapshot?.lastBytes ?? 0
        this.#compactError = null
        await rm(rotated, {force: true})
      } catch (error) {
        this.#compactError = error as Error
        this.#rotatedLeft = true
        this.#retryCompactAt = (this.#journal?.bytes ?? 0) + this.#compactMinBytes
      } finally {
        this.#compacting = null
      }
    })()
  }

  /**
   * Folds everything into a new `db.json` and empties the journals, waiting for it: at open, and
   * at close once the last changes are appended.
   */
  async #fold(): Promise<void> {
    const journal = this.#journal
    if (!journal) return
    this.#prune()
    this.#state.journalSeq = this.#seq
    await this.#db.write()
    this.#snapshotBytes = this.#snapshot?.lastBytes ?? 0
    await journal.handle.truncate(0)
    journal.bytes = 0
    await rm(`${journal.file}.1`, {force: true})
    this.#rotatedLeft = false
    this.#retryCompactAt = 0
    this.#compactError = null
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

/** Opens `db.journal` for appending, private (0600: it holds secrets), created if missing. */
async function openJournal(file: string): Promise<FileHandle> {
  const handle = await open(file, 'a', 0o600)
  // A journal created by an older version (0644) is tightened too.
  await handle.chmod(0o600).catch(() => {})
  return handle
}
