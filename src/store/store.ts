import {EventEmitter} from 'node:events'
import {ftruncateSync, writeSync} from 'node:fs'
import {type FileHandle, open, rename, rm} from 'node:fs/promises'
import {join} from 'node:path'
import {Low, Memory} from 'lowdb'
import {makePrivateDir} from './private-dir.js'
import {replayJournals, type TornLine} from './replay-journal.js'
import {type Collection, emptyState, SnapshotFile, type StoreState} from './serialize-state.js'
import {StoreCorruptError, StoreWriteError} from './store-errors.js'
import type {AddressRecord, ApiKey, Attempt, Delivery, EmailRecord, EventRecord, PrunedCounts, ResourceRecord, Webhook} from './types.js'

export {JournalCorruptError, StoreCorruptError, StoreWriteError} from './store-errors.js'
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

/** Reported when the journal takes writes again after failing. */
export interface StoreRecovery {
  /** From the first failed write to the one that worked, in ms. */
  readonly failedForMs: number
  /** Changes rolled back meanwhile (each refused to its caller). */
  readonly rolledBackChanges: number
  /** The last error seen. */
  readonly error: StoreWriteError
}

/** What a {@link Store} reports about its writes: `failed` once when appends start failing, `recovered` once when one works again. */
export interface StoreEventMap {
  failed: [StoreWriteError]
  recovered: [StoreRecovery]
}

type JournalOp = {collection: Collection; record: object} | {collection: Collection; id: string}

/** How to undo one change of a group: see {@link Store.#rollback}. */
type Undo =
  | {kind: 'put'; collection: Collection; key: string; record: object; previous: object | undefined}
  | {kind: 'update'; record: Record<string, unknown>; before: Record<string, unknown>; added: string[]}
  | {kind: 'delete'; collection: Collection; key: string; record: object}

/** The changes made since the last append and the callers waiting for them: one journal line. */
interface Group {
  readonly ops: JournalOp[]
  /** Records with a put op in `ops` (a record changed twice is written once, as it is at the append). */
  readonly queued: Set<object>
  readonly undo: Undo[]
  readonly waiters: Array<{resolve: () => void; reject: (e: unknown) => void}>
}

const newGroup = (): Group => ({ops: [], queued: new Set(), undo: [], waiters: []})

/** `db.journal`, open for appending. `bytes` is its length up to the last complete line. */
interface JournalFile {
  readonly handle: FileHandle
  readonly file: string
  bytes: number
  /** Bytes past `bytes` that could not be cut off yet (they are, before the next write). */
  dirtyTail: boolean
}

/**
 * The journal is folded into `db.json` once it is COMPACT_RATIO times the snapshot, and at least
 * MIN_COMPACT_BYTES: with the snapshot growing geometrically, each record is rewritten a bounded
 * number of times whatever the history size (flat cost per event), and replaying the journal at
 * start stays proportional to the store.
 */
const MIN_COMPACT_BYTES = 16 * 1024 * 1024
const COMPACT_RATIO = 4

/** While appends fail, the disk is probed after PROBE_FIRST_MS, then twice as long each time, up to PROBE_MAX_MS. */
const PROBE_FIRST_MS = 50
const PROBE_MAX_MS = 2000
/** Smallest probe: one page more than the journal has, so that a probe that works means a line fits. */
const PROBE_MIN_BYTES = 4096

/** Collections whose records can be deleted: their insertion order is remembered, to put one back in place. */
const deletable = new Set<Collection>(['webhooks', 'addresses', 'emails', 'resources'])

/** Default history cap: events kept before the oldest finished ones are pruned. */
export const DEFAULT_MAX_EVENTS = 50_000

/**
 * The one store of an emulator: webhooks, events, deliveries, attempts and API keys, held in memory
 * and persisted to `db.json` plus `db.journal` (see JOURNAL.md). Changes are visible at once and
 * group-committed: the changes of one turn of the event loop share one appended line; a caller's
 * {@link commit} resolves once that line is written, and if it cannot be written every change in it
 * is rolled back and every caller waiting for it is rejected with a {@link StoreWriteError}.
 */
export class Store extends EventEmitter<StoreEventMap> {
  readonly #db: Low<StoreState>
  /** `db.json` (null in memory). */
  readonly #snapshot: SnapshotFile | null
  readonly #maxEvents: number
  #compactMinBytes = MIN_COMPACT_BYTES
  readonly #deliveriesByEvent = new Map<string, Delivery[]>()
  readonly #attemptsByDelivery = new Map<string, Attempt[]>()
  readonly #addressesByEmail = new Map<string, AddressRecord>()
  readonly #emailsByAddress = new Map<string, Map<string, EmailRecord>>()
  /** Provider resources by kind, each in insertion order. */
  readonly #resourcesByKind = new Map<string, Map<string, ResourceRecord>>()
  /** Insertion rank of records of the {@link deletable} collections. */
  readonly #order = new WeakMap<object, number>()
  #nextOrder = 0
  #timer: NodeJS.Immediate | null = null
  #writing: Promise<void> | null = null
  /** Changes not yet in the journal, with their undo and their waiters. */
  #group: Group = newGroup()
  /** Groups rolled back so far: a snapshot written meanwhile may hold one of their changes. */
  #rollbacks = 0
  /** `db.journal`, open for appending; null in memory. */
  #journal: JournalFile | null = null
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
  /** Appends are failing: since when, the last error, the next probe. */
  #failure: {error: StoreWriteError; since: number; delayMs: number; timer: NodeJS.Timeout | null; probeBytes: number; rolledBack: number} | null = null
  readonly #writableWaiters: Array<() => void> = []
  #compactError: Error | null = null
  /** The torn last line of `db.journal` dropped at open (a crash in the middle of an append), if any. */
  tornLine: TornLine | null = null

  /** The write error, if the journal cannot be appended to now, or the last compaction failed (until one succeeds). */
  get lastError(): Error | null {
    return this.#failure?.error ?? this.#compactError
  }

  /** The journal's error while appends fail (changes are refused and rolled back); null when it takes writes. */
  get writeError(): StoreWriteError | null {
    return this.#failure?.error ?? null
  }

  /** Resolves once the journal takes writes (at once if it does), or when the store closes. */
  whenWritable(): Promise<void> {
    if (this.#failure === null || this.#closed) return Promise.resolve()
    return new Promise((resolve) => this.#writableWaiters.push(resolve))
  }

  private constructor(db: Low<StoreState>, snapshot: SnapshotFile | null, maxEvents: number) {
    super()
    this.#db = db
    this.#snapshot = snapshot
    this.#maxEvents = maxEvents
  }

  /**
   * Opens (or creates) the store: reads `db.json`, replays the journals over it, and folds them into
   * a fresh `db.json`. A data dir it creates is private (0700), and so are its files (0600). Throws
   * {@link StoreCorruptError} on an unreadable `db.json` and {@link JournalCorruptError} on a journal
   * line it cannot apply; either way nothing is written.
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
    const replayed = await replayJournals(db.data, options.dataDir)
    const store = Store.#index(db, snapshot, maxEvents)
    store.#compactMinBytes = options.compactMinBytes ?? MIN_COMPACT_BYTES
    store.#seq = replayed.seq
    store.tornLine = replayed.torn
    const journal = (store.#journal = await openJournal(join(options.dataDir, 'db.journal')))
    // Start from one whole snapshot and an empty journal (a torn last line is cut off here).
    await store.#fold().catch(async (error: unknown) => {
      await journal.handle.close().catch(() => {})
      throw error
    })
    return store
  }

  static #index(db: Low<StoreState>, snapshot: SnapshotFile | null, maxEvents: number): Store {
    const store = new Store(db, snapshot, maxEvents)
    for (const collection of deletable) for (const record of store.#map(collection).values()) store.#order.set(record, store.#nextOrder++)
    for (const d of db.data.deliveries.values()) store.#indexRecord('deliveries', d)
    for (const a of db.data.attempts.values()) store.#indexRecord('attempts', a)
    for (const a of db.data.addresses.values()) store.#indexRecord('addresses', a)
    for (const e of db.data.emails.values()) store.#indexRecord('emails', e)
    for (const r of db.data.resources.values()) store.#indexRecord('resources', r)
    return store
  }

  get #state(): StoreState {
    return this.#db.data
  }

  #map(collection: Collection): Map<string, object> {
    return this.#state[collection] as Map<string, object>
  }

  // ── webhooks ────────────────────────────────────────────────────────────
  addWebhook(webhook: Webhook): Webhook {
    return this.#insert('webhooks', webhook.id, webhook)
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
    return this.#erase('webhooks', id) !== undefined
  }

  // ── events ──────────────────────────────────────────────────────────────
  addEvent(event: EventRecord): EventRecord {
    return this.#insert('events', event.id, event)
  }

  getEvent(id: string): EventRecord | undefined {
    return this.#state.events.get(id)
  }

  /** Events, newest first; with `before` (an event held), only those older than it. */
  listEvents(filter: {type?: string; limit?: number; before?: EventRecord} = {}): EventRecord[] {
    return this.#newest(this.#state.events, filter.limit, (e) => !filter.type || e.type === filter.type, filter.before)
  }

  /** How many events (of a type) are held. */
  countEvents(filter: {type?: string} = {}): number {
    return filter.type === undefined ? this.#state.events.size : this.#count(this.#state.events, (e) => e.type === filter.type)
  }

  // ── deliveries ──────────────────────────────────────────────────────────
  addDelivery(delivery: Delivery): Delivery {
    return this.#insert('deliveries', delivery.id, delivery)
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
    return this.#insert('attempts', attempt.id, attempt)
  }

  getAttempt(id: string): Attempt | undefined {
    return this.#state.attempts.get(id)
  }

  attemptsForDelivery(deliveryId: string): Attempt[] {
    return this.#attemptsByDelivery.get(deliveryId) ?? []
  }

  /** Attempts, newest first. */
  listAttempts(filter: {webhookId?: string; eventId?: string; failed?: boolean; limit?: number; before?: Attempt} = {}): Attempt[] {
    return this.#newest(this.#state.attempts, filter.limit, attemptFilter(filter), filter.before)
  }

  /** How many attempts match. */
  countAttempts(filter: {webhookId?: string; eventId?: string; failed?: boolean} = {}): number {
    return this.#count(this.#state.attempts, attemptFilter(filter))
  }

  // ── addresses ───────────────────────────────────────────────────────────
  addAddress(address: AddressRecord): AddressRecord {
    return this.#insert('addresses', address.id, address)
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
    if (!this.#state.addresses.has(id)) return []
    const emails = [...(this.#emailsByAddress.get(id)?.values() ?? [])]
    for (const e of emails) this.#erase('emails', e.id)
    this.#erase('addresses', id)
    return emails
  }

  /** Addresses, newest first (older than `before`, when given). */
  listAddresses(filter: {status?: string; limit?: number; before?: AddressRecord} = {}): AddressRecord[] {
    return this.#newest(this.#state.addresses, filter.limit, (a) => !filter.status || a.status === filter.status, filter.before)
  }

  countAddresses(): number {
    return this.#state.addresses.size
  }

  /** Active addresses (for the expiry clock). */
  activeAddresses(): AddressRecord[] {
    return [...this.#state.addresses.values()].filter((a) => a.status === 'active')
  }

  // ── emails ──────────────────────────────────────────────────────────────
  addEmail(email: EmailRecord): EmailRecord {
    return this.#insert('emails', email.id, email)
  }

  getEmail(id: string): EmailRecord | undefined {
    return this.#state.emails.get(id)
  }

  updateEmail(email: EmailRecord, changes: Partial<EmailRecord>): EmailRecord {
    return this.#update('emails', email, changes)
  }

  deleteEmail(id: string): EmailRecord | undefined {
    return this.#erase('emails', id) as EmailRecord | undefined
  }

  /** Emails, newest first, optionally of one address (older than `before`, when given). */
  listEmails(filter: {addressId?: string; limit?: number; before?: EmailRecord} = {}): EmailRecord[] {
    return this.#newest(this.#emailsOf(filter.addressId), filter.limit, () => true, filter.before)
  }

  countEmails(filter: {addressId?: string} = {}): number {
    return this.#emailsOf(filter.addressId).size
  }

  #emailsOf(addressId: string | undefined): Map<string, EmailRecord> {
    return addressId ? (this.#emailsByAddress.get(addressId) ?? new Map<string, EmailRecord>()) : this.#state.emails
  }

  // ── provider resources ──────────────────────────────────────────────────
  /** Adds a provider's resource, or replaces the one with its id (which keeps its place in listings). */
  putResource<T extends ResourceRecord>(record: T): T {
    return this.#insert('resources', record.id, record)
  }

  /** The resource of this kind with this id, if held. */
  getResource<T extends ResourceRecord>(kind: string, id: string): T | undefined {
    const record = this.#state.resources.get(id)
    return record?.kind === kind ? (record as T) : undefined
  }

  updateResource<T extends ResourceRecord>(record: T, changes: Partial<T>): T {
    return this.#update('resources', record, changes)
  }

  deleteResource(id: string): boolean {
    return this.#erase('resources', id) !== undefined
  }

  /** Resources of one kind, oldest first (the order they were added in). */
  listResources<T extends ResourceRecord>(kind: string): T[] {
    return [...(this.#resourcesByKind.get(kind)?.values() ?? [])] as T[]
  }

  /** How many resources of each kind are held. */
  resourceCounts(): Record<string, number> {
    const counts: Record<string, number> = {}
    for (const [kind, map] of this.#resourcesByKind) counts[kind] = map.size
    return counts
  }

  // ── reset ───────────────────────────────────────────────────────────────
  /**
   * Removes every record but the API keys (webhooks, events, deliveries, attempts, addresses,
   * emails, a provider's resources), each as a journaled deletion of the current group: the reset
   * commits, or is refused and undone, as one line. Returns the emails removed (their raw files are
   * the caller's to delete once it commits).
   */
  reset(): EmailRecord[] {
    const emails = [...this.#state.emails.values()]
    for (const collection of ['attempts', 'deliveries', 'events', 'emails', 'addresses', 'resources', 'webhooks'] as const) {
      for (const key of [...this.#map(collection).keys()]) this.#erase(collection, key)
    }
    return emails
  }

  // ── API keys ────────────────────────────────────────────────────────────
  addApiKey(key: ApiKey): ApiKey {
    return this.#insert('apiKeys', key.key, key)
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

  // ── indexes ─────────────────────────────────────────────────────────────
  #indexRecord(collection: Collection, record: object): void {
    if (collection === 'deliveries') push(this.#deliveriesByEvent, (record as Delivery).eventId, record as Delivery)
    else if (collection === 'attempts') push(this.#attemptsByDelivery, (record as Attempt).deliveryId, record as Attempt)
    else if (collection === 'addresses') this.#addressesByEmail.set((record as AddressRecord).email, record as AddressRecord)
    else if (collection === 'emails') {
      const email = record as EmailRecord
      let map = this.#emailsByAddress.get(email.addressId)
      if (!map) this.#emailsByAddress.set(email.addressId, (map = new Map()))
      map.set(email.id, email)
    } else if (collection === 'resources') {
      const resource = record as ResourceRecord
      let map = this.#resourcesByKind.get(resource.kind)
      if (!map) this.#resourcesByKind.set(resource.kind, (map = new Map()))
      map.set(resource.id, resource)
    }
  }

  #unindexRecord(collection: Collection, record: object, replacement?: ResourceRecord): void {
    if (collection === 'deliveries') pull(this.#deliveriesByEvent, (record as Delivery).eventId, record as Delivery)
    else if (collection === 'attempts') pull(this.#attemptsByDelivery, (record as Attempt).deliveryId, record as Attempt)
    else if (collection === 'addresses') {
      const address = record as AddressRecord
      if (this.#addressesByEmail.get(address.email) === address) this.#addressesByEmail.delete(address.email)
    } else if (collection === 'emails') {
      const email = record as EmailRecord
      const map = this.#emailsByAddress.get(email.addressId)
      map?.delete(email.id)
      if (map?.size === 0) this.#emailsByAddress.delete(email.addressId)
    } else if (collection === 'resources') {
      const resource = record as ResourceRecord
      const map = this.#resourcesByKind.get(resource.kind)
      // A record replaced by one of its kind keeps its place: the index is set over it.
      if (map?.get(resource.id) !== resource || replacement?.kind === resource.kind) return
      map.delete(resource.id)
      if (map.size === 0) this.#resourcesByKind.delete(resource.kind)
    }
  }

  // ── changes ─────────────────────────────────────────────────────────────
  /** Adds (or replaces) a record, indexes it, and queues it for the journal with its undo. */
  #insert<T extends object>(collection: Collection, key: string, record: T): T {
    const map = this.#map(collection)
    const previous = map.get(key)
    map.set(key, record)
    if (previous) this.#unindexRecord(collection, previous, record as unknown as ResourceRecord)
    this.#indexRecord(collection, record)
    if (this.#journal === null) {
      this.#inMemoryChange()
      return record
    }
    if (deletable.has(collection)) this.#order.set(record, previous ? (this.#order.get(previous) ?? this.#nextOrder++) : this.#nextOrder++)
    this.#group.undo.push({kind: 'put', collection, key, record, previous})
    this.#queuePut(collection, record)
    return record
  }

  #update<T extends object>(collection: Collection, record: T, changes: Partial<T>): T {
    if (this.#journal === null) {
      Object.assign(record, changes)
      this.#inMemoryChange()
      return record
    }
    const target = record as Record<string, unknown>
    const before: Record<string, unknown> = {}
    const added: string[] = []
    for (const key of Object.keys(changes)) {
      if (Object.hasOwn(target, key)) before[key] = target[key]
      else added.push(key)
    }
    Object.assign(record, changes)
    this.#group.undo.push({kind: 'update', record: target, before, added})
    this.#queuePut(collection, record)
    return record
  }

  /** Removes a record (and from its indexes), queueing its deletion with its undo. Returns it, if it was held. */
  #erase(collection: Collection, key: string): object | undefined {
    const map = this.#map(collection)
    const record = map.get(key)
    if (!record) return undefined
    map.delete(key)
    this.#unindexRecord(collection, record)
    if (this.#journal === null) {
      this.#inMemoryChange()
      return record
    }
    this.#group.undo.push({kind: 'delete', collection, key, record})
    this.#group.ops.push({collection, id: key})
    this.#schedule()
    return record
  }

  #queuePut(collection: Collection, record: object): void {
    if (!this.#group.queued.has(record)) {
      this.#group.queued.add(record)
      this.#group.ops.push({collection, record})
    }
    this.#schedule()
  }

  /** In memory nothing is written; the history cap is applied every so often. */
  #inMemoryChange(): void {
    if (++this.#changesSincePrune >= 1000) {
      this.#changesSincePrune = 0
      this.#prune()
    }
  }

  /**
   * Undoes every change of a group whose line could not be written, newest first: records added are
   * removed, records replaced or deleted are put back (in their place in the listing order), fields
   * updated get their previous values (same objects: whoever holds one sees it as it was).
   */
  #rollback(group: Group): void {
    const reinserted = new Set<Collection>()
    for (let i = group.undo.length - 1; i >= 0; i--) {
      const undo = group.undo[i]
      if (undo.kind === 'update') {
        Object.assign(undo.record, undo.before)
        for (const key of undo.added) delete undo.record[key]
        continue
      }
      const map = this.#map(undo.collection)
      if (undo.kind === 'put') {
        // (Not held any more only if the history cap pruned it meanwhile.)
        if (map.get(undo.key) !== undo.record) continue
        this.#unindexRecord(undo.collection, undo.record)
        if (undo.previous) {
          map.set(undo.key, undo.previous)
          this.#indexRecord(undo.collection, undo.previous)
          // (Its kind's listing is rebuilt below, so that it is back in its place there too.)
          if (undo.collection === 'resources') reinserted.add('resources')
        } else map.delete(undo.key)
      } else {
        map.set(undo.key, undo.record)
        reinserted.add(undo.collection)
      }
    }
    for (const collection of reinserted) {
      const map = this.#map(collection)
      const entries = [...map].sort(([, a], [, b]) => (this.#order.get(a) ?? Infinity) - (this.#order.get(b) ?? Infinity))
      map.clear()
      for (const [key, record] of entries) map.set(key, record)
      if (collection === 'addresses') for (const record of entries) this.#indexRecord('addresses', record[1])
    }
    if (reinserted.has('emails')) {
      this.#emailsByAddress.clear()
      for (const e of this.#state.emails.values()) this.#indexRecord('emails', e)
    }
    if (reinserted.has('resources')) {
      this.#resourcesByKind.clear()
      for (const r of this.#state.resources.values()) this.#indexRecord('resources', r)
    }
    if (group.undo.length > 0) this.#rollbacks++
  }

  // ── persistence ─────────────────────────────────────────────────────────
  /**
   * Resolves once every change made before this call is in the journal (at once, in memory). Rejects
   * with a {@link StoreWriteError} if the line holding them could not be written: they have then been
   * rolled back, with every other change of that line.
   */
  commit(): Promise<void> {
    if (this.#journal === null && this.#state.events.size > this.#maxEvents) this.#prune()
    if (this.#closed || this.#journal === null) return Promise.resolve()
    return new Promise((resolve, reject) => {
      this.#group.waiters.push({resolve, reject})
      this.#schedule()
    })
  }

  /** Writes what is pending, folds the journal into `db.json`, and stops writing. */
  async close(): Promise<void> {
    if (this.#closed || this.#closing) return
    this.#closing = true
    if (this.#timer) clearImmediate(this.#timer)
    this.#timer = null
    if (this.#failure?.timer) clearTimeout(this.#failure.timer)
    await this.#drain()
    await this.#compacting
    if (this.#journal) {
      // Waiters are told the truth: resolved once their changes are in the journal (or the
      // snapshot), rejected (their changes rolled back) if the journal cannot be written.
      this.#appendGroup()
      const folded = await this.#fold().then(() => null, (error: unknown) => error)
      // Changes made while the snapshot was being written are appended after it.
      this.#appendGroup()
      if (folded) this.#compactError = folded as Error
      await this.#journal.handle.close().catch(() => {})
    }
    for (const w of this.#group.waiters.splice(0)) w.resolve()
    for (const resolve of this.#writableWaiters.splice(0)) resolve()
    this.#closed = true
  }

  #schedule(): void {
    if (this.#timer || this.#writing || this.#closed || this.#closing) return
    // Group commit: the changes of this turn of the event loop (and those made while the previous
    // flush was busy with a compaction) share one append.
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
      const appended = this.#seq
      this.#appendGroup()
      const journal = this.#journal
      // Nothing written (nothing to write, or the write failed and was rolled back): nothing to fold.
      if (this.#seq === appended || !journal) return
      if (!this.#compacting && journal.bytes >= this.#retryCompactAt && journal.bytes > Math.max(this.#compactMinBytes, COMPACT_RATIO * this.#snapshotBytes)) {
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
    // A failed group was rolled back and is gone: what is left was made meanwhile, never a retry.
    if (this.#group.ops.length > 0 || this.#group.waiters.length > 0) this.#schedule()
  }

  /**
   * Appends the current group to `db.journal` as one line, at once (one write of one turn's changes
   * to the page cache costs less than a trip through the thread pool), and settles its waiters. If
   * the line cannot be written, all of it is cut off again and every change in it rolled back.
   */
  #appendGroup(): void {
    const journal = this.#journal
    const group = this.#group
    if (!journal || (group.ops.length === 0 && group.waiters.length === 0)) return
    this.#group = newGroup()
    const parts: string[] = []
    for (const op of group.ops) {
      if ('record' in op) {
        // A record no longer held (pruned by the history cap, or deleted: its delete op follows)
        // is not written back: replayed over a newer snapshot it would come back.
        if (!this.#isHeld(op.collection, op.record)) continue
        parts.push(`{"c":"${op.collection}","r":${JSON.stringify(op.record)}}`)
      } else parts.push(`{"c":"${op.collection}","d":${JSON.stringify(op.id)}}`)
    }
    if (parts.length > 0) {
      const data = Buffer.from(`{"s":${this.#seq + 1},"ops":[${parts.join(',')}]}\n`)
      try {
        appendLine(journal, data)
      } catch (cause) {
        const error = new StoreWriteError(journal.file, cause)
        this.#rollback(group)
        for (const w of group.waiters) w.reject(error)
        this.#failed(error, data.length, group.undo.length)
        return
      }
      this.#seq++
      journal.bytes += data.length
    }
    // (While appends fail, one that works is not a recovery yet: on a nearly full disk a short line
    // still fits where a longer one did not. Only the probe, a page or more, says it is over.)
    for (const w of group.waiters) w.resolve()
  }

  /** Appends started failing (reported once), or failed again (the probe goes on backing off). */
  #failed(error: StoreWriteError, lineBytes: number, changes: number): void {
    const failure = this.#failure
    if (failure) {
      failure.error = error
      failure.probeBytes = Math.max(failure.probeBytes, lineBytes)
      failure.rolledBack += changes
      return
    }
    this.#failure = {error, since: Date.now(), delayMs: PROBE_FIRST_MS, timer: null, probeBytes: Math.max(PROBE_MIN_BYTES, lineBytes), rolledBack: changes}
    this.#armProbe()
    this.emit('failed', error)
  }

  #armProbe(): void {
    const failure = this.#failure
    if (!failure || this.#closing || this.#closed) return
    failure.timer = setTimeout(() => this.#probe(), failure.delayMs)
  }

  /**
   * While appends fail, checks now and then (backing off from 50 ms to 2 s) whether the journal
   * takes a line as long as the longest that failed: written past its end and cut off again at once.
   */
  #probe(): void {
    const failure = this.#failure
    const journal = this.#journal
    if (!failure || !journal || this.#closing || this.#closed) return
    failure.timer = null
    try {
      probeLine(journal, failure.probeBytes)
    } catch {
      failure.delayMs = Math.min(failure.delayMs * 2, PROBE_MAX_MS)
      this.#armProbe()
      return
    }
    this.#recovered()
  }

  #recovered(): void {
    const failure = this.#failure
    if (!failure) return
    this.#failure = null
    if (failure.timer) clearTimeout(failure.timer)
    this.emit('recovered', {failedForMs: Date.now() - failure.since, rolledBackChanges: failure.rolledBack, error: failure.error})
    for (const resolve of this.#writableWaiters.splice(0)) resolve()
  }

  /** Whether `record` is still the one held in its collection. */
  #isHeld(collection: Collection, record: object): boolean {
    const key = collection === 'apiKeys' ? (record as ApiKey).key : (record as {id: string}).id
    return this.#map(collection).get(key) === record
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
      this.#journal = await openJournal(journal.file)
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
        await this.#writeSnapshot()
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
   * at close once the last changes are appended. Lines appended while the snapshot was written (see
   * {@link #writeSnapshot}) stay in `db.journal`, after the ones the snapshot holds.
   */
  async #fold(): Promise<void> {
    const journal = this.#journal
    if (!journal) return
    this.#prune()
    const seq = this.#seq
    this.#state.journalSeq = seq
    await this.#writeSnapshot()
    if (this.#seq === seq && this.#journal === journal) {
      ftruncateSync(journal.handle.fd, 0)
      journal.bytes = 0
      journal.dirtyTail = false
    }
    await rm(`${journal.file}.1`, {force: true})
    this.#rotatedLeft = false
    this.#retryCompactAt = 0
    this.#compactError = null
  }

  /**
   * Writes `db.json`. A snapshot is serialised from memory, which holds changes not yet in the
   * journal; if one of them were rolled back after the rename, db.json would keep it. So before
   * the rename every change made so far is appended, and if any group was rolled back since the
   * snapshot began, it is thrown away (the compaction failed; it is tried again later).
   */
  async #writeSnapshot(): Promise<void> {
    const rollbacks = this.#rollbacks
    await this.#snapshot!.write(this.#state, () => {
      this.#appendGroup()
      if (this.#rollbacks !== rollbacks) throw new Error('snapshot discarded: a change it holds was rolled back after a failed journal write')
    })
    this.#snapshotBytes = this.#snapshot!.lastBytes
  }

  /**
   * Keeps at most `maxEvents` events: drops the oldest whose deliveries are all finished. Records
   * with changes not yet in the journal are kept: those changes could still be rolled back (a
   * delivery whose success was not written yet is not finished).
   */
  #prune(): void {
    const events = this.#state.events
    let excess = events.size - this.#maxEvents
    if (excess <= 0) return
    const unwritten = this.#group.queued
    for (const event of events.values()) {
      if (excess <= 0) break
      if (unwritten.has(event)) continue
      const deliveries = this.deliveriesForEvent(event.id)
      if (deliveries.some((d) => d.status === 'pending' || unwritten.has(d) || this.attemptsForDelivery(d.id).some((a) => unwritten.has(a)))) continue
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

  #count<T>(map: Map<string, T>, keep: (value: T) => boolean): number {
    let n = 0
    for (const value of map.values()) if (keep(value)) n++
    return n
  }

  #newest<T>(map: Map<string, T>, limit: number | undefined, keep: (value: T) => boolean, before?: T): T[] {
    const values = [...map.values()]
    const out: T[] = []
    const max = limit ?? Number.POSITIVE_INFINITY
    const start = before === undefined ? values.length - 1 : values.lastIndexOf(before) - 1
    for (let i = start; i >= 0 && out.length < max; i--) if (keep(values[i])) out.push(values[i])
    return out
  }
}

const attemptFilter =
  (filter: {webhookId?: string; eventId?: string; failed?: boolean}) =>
  (a: Attempt): boolean =>
    (!filter.webhookId || a.webhookId === filter.webhookId) && (!filter.eventId || a.eventId === filter.eventId) && (!filter.failed || a.outcome === 'failure')

function push<T>(index: Map<string, T[]>, key: string, value: T): void {
  const list = index.get(key)
  if (list) list.push(value)
  else index.set(key, [value])
}

function pull<T>(index: Map<string, T[]>, key: string, value: T): void {
  const list = index.get(key)
  const at = list ? list.lastIndexOf(value) : -1
  if (at < 0) return
  list!.splice(at, 1)
  if (list!.length === 0) index.delete(key)
}

/** Opens `db.journal` for appending, private (0600), created if missing. */
async function openJournal(file: string): Promise<JournalFile> {
  const handle = await open(file, 'a', 0o600)
  // A journal created by an older version (0644) is tightened too.
  await handle.chmod(0o600).catch(() => {})
  const {size} = await handle.stat()
  return {handle, file, bytes: size, dirtyTail: false}
}

/** Writes a whole line at the journal's end, or throws with the journal as it was (a partial line cut off). */
function appendLine(journal: JournalFile, data: Buffer): void {
  const fd = journal.handle.fd
  if (journal.dirtyTail) {
    ftruncateSync(fd, journal.bytes)
    journal.dirtyTail = false
  }
  let written = 0
  try {
    while (written < data.length) written += writeSync(fd, data, written)
  } catch (error) {
    if (written > 0) cutTail(journal)
    throw error
  }
}

/** Writes `bytes` spaces past the journal's end and cuts them off again: throws if the disk cannot take them. */
function probeLine(journal: JournalFile, bytes: number): void {
  const fd = journal.handle.fd
  if (journal.dirtyTail) {
    ftruncateSync(fd, journal.bytes)
    journal.dirtyTail = false
  }
  const data = Buffer.alloc(bytes, 0x20)
  try {
    for (let written = 0; written < data.length; ) written += writeSync(fd, data, written)
  } finally {
    cutTail(journal)
  }
}

/** Cuts the journal back to its last complete line; if that fails, the next write does it first. */
function cutTail(journal: JournalFile): void {
  try {
    ftruncateSync(journal.handle.fd, journal.bytes)
  } catch {
    journal.dirtyTail = true
  }
}
