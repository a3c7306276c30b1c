import {randomBytes} from 'node:crypto'
import type {Happening, HappeningBody} from './happening.js'

/** Happenings a feed keeps for late readers, by default: about 10 MB when full and read (9.8 MB measured for 10,000 events and attempts; 3.8 MB when nobody read them). */
export const DEFAULT_FEED_CAPACITY = 10_000

/** What {@link FeedReader.since} answers: the happenings after a seq still held, and how many after it were dropped. */
export interface FeedSlice {
  readonly happenings: readonly Happening[]
  /** Happenings after the seq asked for that the ring no longer holds (0: none missed). */
  readonly dropped: number
}

/** The reading side of a feed: what viewers and the stream route use. */
export interface FeedReader {
  /** Random, per emulator start: a viewer that sees another one knows the emulator restarted. */
  readonly runId: string
  /** Seq of the newest happening (0 before the first). */
  readonly latestSeq: number
  /** Seq of the oldest happening held (`latestSeq + 1` when none is, at the start of a run). */
  readonly oldestSeq: number
  /** Happenings kept at most (older ones are dropped). */
  readonly capacity: number
  /** The happenings after `seq` (0: from the start of the run) still held; throws a RangeError past `latestSeq`. */
  since(seq: number): FeedSlice
  /** The happening numbered `seq`, if the ring still holds it. */
  at(seq: number): Happening | undefined
  /** Calls `listener` with each new happening, synchronously, in order; returns a function that stops it. */
  subscribe(listener: (happening: Happening) => void): () => void
}

/** One place of the ring: a happening, or what makes it, presented on first read (most are never read). */
interface Entry {
  readonly seq: number
  readonly at: number
  make: (() => HappeningBody) | null
  happening: Happening | null
}

/**
 * The emulator's feed: immutable happenings numbered from 1 per run, the newest `capacity` kept in
 * a ring for readers that come late or fall behind. One per emulator (see `feedEmulator`).
 *
 * A happening is presented (and deep-copied and frozen) the first time anyone reads it: at once
 * when someone is subscribed, otherwise only if a late reader asks for it. With nobody watching,
 * recording one costs well under a microsecond.
 */
export class Feed implements FeedReader {
  readonly runId = randomBytes(8).toString('hex')
  readonly capacity: number
  readonly #ring: Array<Entry | undefined>
  readonly #listeners = new Set<(happening: Happening) => void>()
  #latest = 0

  constructor(options: {capacity?: number} = {}) {
    const capacity = options.capacity ?? DEFAULT_FEED_CAPACITY
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`feed capacity must be a whole number above 0, got ${capacity}`)
    this.capacity = capacity
    this.#ring = new Array<Entry | undefined>(capacity)
  }

  get latestSeq(): number {
    return this.#latest
  }

  /** Listeners subscribed now (open streams, viewers, the log). */
  get subscribers(): number {
    return this.#listeners.size
  }

  get oldestSeq(): number {
    return Math.max(1, this.#latest - this.capacity + 1)
  }

  /** Numbers, stamps and freezes `body` (a deep copy: nothing the caller keeps can change it), keeps it and tells every listener. */
  append(body: HappeningBody): Happening {
    return this.#add(() => body, true)!
  }

  /**
   * Like {@link append}, but `make` runs only when the happening is first read (at once if anyone
   * is subscribed), maybe never: it must read only what cannot change meanwhile (a copy of a
   * record the store updates later, not the record).
   */
  appendLazy(make: () => HappeningBody): void {
    this.#add(make, false)
  }

  since(seq: number): FeedSlice {
    if (!Number.isSafeInteger(seq) || seq < 0 || seq > this.#latest) throw new RangeError(`seq must be a whole number from 0 to ${this.#latest}, got ${seq}`)
    const from = Math.max(seq + 1, this.oldestSeq)
    const happenings: Happening[] = []
    for (let s = from; s <= this.#latest; s++) happenings.push(this.#read(this.#ring[(s - 1) % this.capacity]!))
    return {happenings, dropped: from - (seq + 1)}
  }

  at(seq: number): Happening | undefined {
    if (!Number.isSafeInteger(seq) || seq < 1 || seq > this.#latest || seq <= this.#latest - this.capacity) return undefined
    return this.#read(this.#ring[(seq - 1) % this.capacity]!)
  }

  subscribe(listener: (happening: Happening) => void): () => void {
    // Wrapped, so the same function subscribed twice gets each happening twice and stops one at a time.
    const own = (happening: Happening) => listener(happening)
    this.#listeners.add(own)
    return () => void this.#listeners.delete(own)
  }

  #add(make: () => HappeningBody, now: boolean): Happening | null {
    const entry: Entry = {seq: this.#latest + 1, at: Date.now(), make, happening: null}
    this.#latest = entry.seq
    this.#ring[(entry.seq - 1) % this.capacity] = entry
    if (this.#listeners.size === 0) return now ? this.#read(entry) : null
    const happening = this.#read(entry)
    for (const listener of [...this.#listeners]) {
      // A viewer's mistake must not break the part of the emulator that is reporting (a dispatcher
      // recording an attempt): the listener is dropped and the error reported.
      try {
        listener(happening)
      } catch (error) {
        this.#listeners.delete(listener)
        process.emitWarning(`a feed listener threw and was removed: ${(error as Error)?.stack ?? String(error)}`, {code: 'JUNKMAIL_FEED_LISTENER'})
      }
    }
    return happening
  }

  #read(entry: Entry): Happening {
    if (entry.happening) return entry.happening
    entry.happening = frozenCopy({seq: entry.seq, time: new Date(entry.at).toISOString(), ...entry.make!()}) as Happening
    entry.make = null
    return entry.happening
  }
}

/** A deep copy of plain data (objects and arrays copied, strings shared: they cannot change), frozen. */
function frozenCopy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    const copy = new Array<unknown>(value.length)
    for (let i = 0; i < value.length; i++) copy[i] = frozenCopy(value[i])
    return Object.freeze(copy)
  }
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(value)) copy[key] = frozenCopy((value as Record<string, unknown>)[key])
  return Object.freeze(copy)
}
