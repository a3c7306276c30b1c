import {closeSync, ftruncateSync, openSync, writeSync, writevSync} from 'node:fs'
import {open, readdir, readFile, rm, stat, truncate} from 'node:fs/promises'
import {join} from 'node:path'
import {makePrivateDir} from '../store/private-dir.js'

/** Where an email's bytes are in the spool: a range of a segment file. */
export interface RawRef {
  segment: number
  offset: number
  length: number
}

/** What the store says of an email's bytes: a range of the spool, or (data dirs of older versions) a file of its own. */
export interface RawLocation {
  readonly id: string
  readonly raw?: RawRef
  /** `mail/<id>.eml`, relative to the data dir: how junkmail stored mail before the spool. */
  readonly rawFile?: string
}

/** Emails whose bytes moved (compaction, or an `.eml` taken into the spool) and where they are now. */
export interface Relocation {
  readonly ids: readonly string[]
  readonly raw: RawRef
}

/**
 * Writes the new places of moved emails into their records, committed (one journal line). The spool
 * calls it during compaction and only frees the old bytes once it resolves; when it rejects, the
 * records still name the old bytes, which stay.
 */
export type Relocate = (moves: Relocation[]) => Promise<void>

export interface MailSpoolOptions {
  /** The emails the store holds, with where their bytes are: everything else in the spool is garbage. */
  readonly emails: Iterable<RawLocation>
  /** Records moves; without it nothing is ever moved (dead bytes then wait for empty segments to go). */
  readonly relocate?: Relocate
  /** A segment takes appends until it is this big. @default 64 MiB */
  readonly segmentBytes?: number
  /** A segment is compacted once it has this many dead bytes, and they are at least half of it. @default 1 MiB */
  readonly compactMinDeadBytes?: number
  /** Called at each step of a compaction (tests kill the process there). */
  readonly onCompactionStep?: (step: CompactionStep) => void
}

/**
 * `copied`: a batch of live messages is in the new segment, their records not yet moved;
 * `relocated`: their records name the new place (journal line written); `dropped`: the old segment
 * (or the old `.eml` files) deleted.
 */
export type CompactionStep = 'copied' | 'relocated' | 'dropped'

/** The spool's size, for `status`. */
export interface SpoolStats {
  /** Segment files. */
  readonly segments: number
  /** Bytes in them. */
  readonly bytes: number
  /** Bytes of mail some record points at. */
  readonly liveBytes: number
  /** Messages still in `.eml` files of their own (a data dir of an older version, until they are taken in). */
  readonly legacyFiles: number
}

export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024
export const DEFAULT_COMPACT_MIN_DEAD_BYTES = 1024 * 1024
/** Bytes of mail copied (and records moved, in one journal line) per step of a compaction. */
const COMPACT_BATCH_BYTES = 4 * 1024 * 1024
/** `.eml` files of an older version taken into the spool per step. */
const MIGRATE_BATCH = 500
/** writev takes at most IOV_MAX (1,024 on Linux) buffers. */
const MAX_IOV = 512

const SEGMENT_NAME = /^spool-(\d+)\.seg$/

interface Range {
  readonly offset: number
  readonly length: number
  /** Emails pointing at it (several: one message to several local addresses). */
  readonly ids: Set<string>
  /** Appended, its records not made yet: live all the same. */
  holds: number
}

interface Segment {
  readonly n: number
  readonly path: string
  size: number
  /** Open for appending (the segment new mail goes to, or a compaction's target); null otherwise. */
  fd: number | null
  readonly ranges: Map<number, Range>
  live: number
}

/**
 * Raw mail, the exact bytes received, in a spool of append-only segment files
 * (`<data dir>/mail/spool-<n>.seg`): each message is its bytes with nothing around them, and the
 * store's email record says where they are (`raw: {segment, offset, length}`). Writing a message is
 * one `writev` to a file that is already open, instead of creating a file per message (which cost
 * most of a mail's time on ext4).
 *
 * What is acknowledged when: a message is appended, then its records are made and committed (one
 * journal line), then the client gets 250. Bytes no committed record names are garbage: at start,
 * every segment is cut after the last byte a record names and a segment no record names is deleted,
 * so a kill at any moment leaves nothing behind that survives the next start. Deleted mail leaves
 * dead bytes: a segment with none live is deleted (the one being appended to is cut to nothing), one
 * mostly dead is compacted — its live messages copied to a new segment, their records moved
 * (journalled), the old segment deleted — and a kill in the middle leaves either the old place or
 * the new one named, never neither.
 *
 * In memory (no data dir) messages are buffers, dropped when no email names them.
 */
export class MailSpool {
  readonly #dir: string | null
  readonly #segments = new Map<number, Segment>()
  /** Where each email's bytes are. */
  readonly #where = new Map<string, {segment: Segment; range: Range}>()
  /** Emails still in `.eml` files of their own: id → path relative to the data dir. */
  readonly #legacy = new Map<string, string>()
  /** Emails of an empty message (no range). */
  readonly #empty = new Set<string>()
  readonly #dataDir: string | null
  readonly #memory = new Map<number, Buffer>()
  #memoryNext = 0
  /** The segment new mail is appended to. */
  #current: Segment | null = null
  #nextSegment = 1
  readonly #segmentBytes: number
  readonly #minDead: number
  readonly #relocate: Relocate | undefined
  readonly #onStep: ((step: CompactionStep) => void) | undefined
  #maintaining: Promise<void> | null = null
  #again = false
  #scheduled = false
  #closed = false
  /** The last maintenance error (a compaction that could not be written), until one succeeds. */
  lastError: Error | null = null

  private constructor(dataDir: string | null, options: MailSpoolOptions) {
    this.#dataDir = dataDir
    this.#dir = dataDir === null ? null : join(dataDir, 'mail')
    this.#segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES
    this.#minDead = options.compactMinDeadBytes ?? DEFAULT_COMPACT_MIN_DEAD_BYTES
    this.#relocate = options.relocate
    this.#onStep = options.onCompactionStep
  }

  /**
   * Opens the spool of a data dir (null: in memory), its folder created private (0700) if missing,
   * and takes out the garbage a kill or an older version left: segments and `.eml` files no record
   * names, bytes after the last named one of each segment, `.part` files. Then, in the background,
   * segments that are mostly dead are compacted and `.eml` files taken into the spool.
   */
  static async open(dataDir: string | null, options: MailSpoolOptions): Promise<MailSpool> {
    const spool = new MailSpool(dataDir, options)
    if (dataDir === null) return spool
    await spool.#load(options.emails)
    spool.#schedule()
    return spool
  }

  async #load(emails: Iterable<RawLocation>): Promise<void> {
    const dir = this.#dir!
    await makePrivateDir(dir)
    const names = await readdir(dir)
    const referenced = new Map<number, Map<number, Range>>()
    const legacyNames = new Set<string>()
    for (const email of emails) {
      if (email.raw?.length === 0) this.#empty.add(email.id)
      else if (email.raw) {
        const {segment, offset, length} = email.raw
        let ranges = referenced.get(segment)
        if (!ranges) referenced.set(segment, (ranges = new Map()))
        let range = ranges.get(offset)
        if (!range) ranges.set(offset, (range = {offset, length, ids: new Set(), holds: 0}))
        range.ids.add(email.id)
      } else if (email.rawFile) {
        this.#legacy.set(email.id, email.rawFile)
        legacyNames.add(email.rawFile.slice(email.rawFile.lastIndexOf('/') + 1))
      }
    }
    for (const name of names) {
      const match = SEGMENT_NAME.exec(name)
      if (match) {
        const n = Number(match[1])
        this.#nextSegment = Math.max(this.#nextSegment, n + 1)
        const ranges = referenced.get(n)
        if (!ranges) {
          await rm(join(dir, name), {force: true})
          continue
        }
        const segment: Segment = {n, path: join(dir, name), size: (await stat(join(dir, name))).size, fd: null, ranges, live: 0}
        let end = 0
        for (const range of ranges.values()) {
          segment.live += range.length
          end = Math.max(end, range.offset + range.length)
          for (const id of range.ids) this.#where.set(id, {segment, range})
        }
        // Bytes appended but never committed (a kill before their journal line): cut off.
        if (segment.size > end) {
          await truncate(segment.path, end)
          segment.size = end
        }
        this.#segments.set(n, segment)
      } else if (name.endsWith('.part') || (name.endsWith('.eml') && !legacyNames.has(name))) {
        // A temp file of an older version, or a message written but never acknowledged.
        await rm(join(dir, name), {force: true})
      }
    }
    // New mail goes on at the end of the newest segment (no new file at each start).
    const newest = Math.max(...this.#segments.keys())
    if (Number.isFinite(newest) && this.#segments.get(newest)!.size < this.#segmentBytes) this.#current = this.#segments.get(newest)!
    // Records naming a segment that is gone keep their place (reads answer that the bytes are missing).
    for (const [n, ranges] of referenced) {
      if (this.#segments.has(n)) continue
      const segment: Segment = {n, path: join(dir, `spool-${n}.seg`), size: 0, fd: null, ranges, live: 0}
      for (const range of ranges.values()) for (const id of range.ids) this.#where.set(id, {segment, range})
      this.#nextSegment = Math.max(this.#nextSegment, n + 1)
    }
  }

  /**
   * Appends a whole message (only called once DATA is complete, so a client that disconnects
   * mid-DATA writes nothing) and holds its bytes until {@link attach} and {@link release}: one
   * synchronous write to a file already open (to the page cache, a few µs for a small message;
   * a large one blocks for as long as it takes to copy it, rather than leave a gap other messages
   * are appended after). On a full disk, what was written is cut off again and this throws.
   */
  append(chunks: readonly Buffer[]): RawRef {
    const length = chunks.reduce((sum, c) => sum + c.length, 0)
    // An empty message takes no byte and no range (it would share its offset with the next one).
    if (length === 0) return {segment: 0, offset: 0, length: 0}
    if (this.#dir === null) {
      const offset = this.#memoryNext++
      this.#memory.set(offset, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks))
      const segment = this.#memorySegment()
      const range: Range = {offset, length, ids: new Set(), holds: 1}
      segment.ranges.set(offset, range)
      return {segment: 0, offset, length}
    }
    if (this.#current && this.#current.size > 0 && this.#current.size + length > this.#segmentBytes) this.#rotate()
    const segment = (this.#current ??= this.#newSegment())
    const range = this.#write(segment, chunks, length)
    range.holds = 1
    segment.live += length
    return {segment: segment.n, offset: range.offset, length}
  }

  /** The email `id` is (in a record being committed) the message at `ref`. */
  attach(id: string, ref: RawRef): void {
    if (ref.length === 0) {
      this.#empty.add(id)
      return
    }
    const segment = this.#dir === null ? this.#memorySegment() : this.#segments.get(ref.segment)
    const range = segment?.ranges.get(ref.offset)
    if (!segment || !range) throw new Error(`spool: nothing appended at ${ref.segment}:${ref.offset}`)
    range.ids.add(id)
    this.#where.set(id, {segment, range})
  }

  /** Lets go of what {@link append} held: bytes no email was attached to are dead. */
  release(ref: RawRef): void {
    if (ref.length === 0) return
    const segment = this.#dir === null ? this.#memorySegment() : this.#segments.get(ref.segment)
    const range = segment?.ranges.get(ref.offset)
    if (!segment || !range) return
    range.holds--
    this.#maybeDead(segment, range)
  }

  /**
   * The email `id` is gone (its record's removal committed): its bytes are dead once no other email
   * names them. A message of an older version's `.eml` file is removed.
   */
  async detach(id: string): Promise<void> {
    if (this.#empty.delete(id)) return
    const legacy = this.#legacy.get(id)
    if (legacy !== undefined) {
      this.#legacy.delete(id)
      await rm(join(this.#dataDir!, legacy), {force: true})
      return
    }
    const where = this.#where.get(id)
    if (!where) return
    this.#where.delete(id)
    where.range.ids.delete(id)
    this.#maybeDead(where.segment, where.range)
  }

  /** The exact bytes received for email `id`, or null if they are gone from the data dir. */
  async read(id: string): Promise<Buffer | null> {
    if (this.#empty.has(id)) return Buffer.alloc(0)
    if (this.#dir === null) {
      const where = this.#where.get(id)
      return where ? (this.#memory.get(where.range.offset) ?? null) : null
    }
    const legacy = this.#legacy.get(id)
    if (legacy !== undefined) {
      try {
        return await readFile(join(this.#dataDir!, legacy))
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
        if (this.#legacy.has(id)) return null
        // (Taken into the spool meanwhile, its file deleted after: read it there.)
      }
    }
    // Twice at most: a compaction that moved the message may delete the segment read from.
    for (let tries = 0; ; tries++) {
      const where = this.#where.get(id)
      if (!where) return null
      try {
        return await readRange(where.segment.path, where.range.offset, where.range.length)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' && tries === 0 && this.#where.get(id) !== where) continue
        return nullIfMissing(error)
      }
    }
  }

  stats(): SpoolStats {
    let bytes = 0
    let liveBytes = 0
    let segments = 0
    for (const segment of this.#segments.values()) {
      segments++
      bytes += segment.size
      liveBytes += segment.live
    }
    if (this.#dir === null) {
      segments = 0
      for (const buffer of this.#memory.values()) (bytes += buffer.length), (liveBytes += buffer.length)
    }
    return {segments, bytes, liveBytes, legacyFiles: this.#legacy.size}
  }

  /** Resolves once no compaction is under way (and none is scheduled). */
  async idle(): Promise<void> {
    while (this.#maintaining || this.#scheduled) {
      await this.#maintaining
      await new Promise((resolve) => setImmediate(resolve))
    }
  }

  /** Waits for a compaction under way, then closes the segments. */
  async close(): Promise<void> {
    this.#closed = true
    await this.#maintaining
    for (const segment of this.#segments.values()) this.#closeFd(segment)
  }

  // ── writing ──────────────────────────────────────────────────────────────
  #memorySegment(): Segment {
    let segment = this.#segments.get(0)
    if (!segment) this.#segments.set(0, (segment = {n: 0, path: '', size: 0, fd: null, ranges: new Map(), live: 0}))
    return segment
  }

  #newSegment(): Segment {
    const n = this.#nextSegment++
    const path = join(this.#dir!, `spool-${n}.seg`)
    const fd = openSync(path, 'wx', 0o600)
    const segment: Segment = {n, path, size: 0, fd, ranges: new Map(), live: 0}
    this.#segments.set(n, segment)
    return segment
  }

  #rotate(): void {
    if (this.#current) this.#closeFd(this.#current)
    this.#current = this.#newSegment()
  }

  #closeFd(segment: Segment): void {
    if (segment.fd === null) return
    try {
      closeSync(segment.fd)
    } catch {}
    segment.fd = null
  }

  /** Writes `chunks` at the end of `segment` (a short write is cut off again, and throws). */
  #write(segment: Segment, chunks: readonly Buffer[], length: number): Range {
    if (segment.fd === null) segment.fd = openSync(segment.path, 'r+', 0o600)
    const offset = segment.size
    let done = 0
    try {
      let buffers = chunks.length > MAX_IOV ? [Buffer.concat(chunks)] : chunks
      while (done < length) {
        const written = buffers.length === 1 ? writeSync(segment.fd, buffers[0], 0, buffers[0].length, offset + done) : writevSync(segment.fd, buffers, offset + done)
        done += written
        if (done < length) buffers = [Buffer.concat(chunks).subarray(done)]
      }
    } catch (error) {
      // (A full disk: the part written gives its room back.)
      try {
        ftruncateSync(segment.fd, offset)
      } catch {}
      throw error
    }
    segment.size = offset + length
    const range: Range = {offset, length, ids: new Set(), holds: 0}
    segment.ranges.set(offset, range)
    return range
  }

  // ── dead bytes ───────────────────────────────────────────────────────────
  #maybeDead(segment: Segment, range: Range): void {
    if (range.ids.size > 0 || range.holds > 0) return
    segment.ranges.delete(range.offset)
    if (this.#dir === null) {
      this.#memory.delete(range.offset)
      return
    }
    segment.live -= range.length
    this.#schedule()
  }

  /** A segment worth acting on: all dead, or dead enough to compact. Held bytes (mail being stored) wait. */
  #worthCompacting(segment: Segment): boolean {
    if (segment.size === 0 && segment.live === 0) return segment !== this.#current
    for (const range of segment.ranges.values()) if (range.holds > 0) return false
    if (segment.live === 0) return true
    const dead = segment.size - segment.live
    return this.#relocate !== undefined && dead >= this.#minDead && dead * 2 >= segment.size
  }

  #schedule(): void {
    if (this.#closed || this.#dir === null) return
    if (this.#maintaining) {
      this.#again = true
      return
    }
    if (this.#scheduled) return
    this.#scheduled = true
    setImmediate(() => {
      this.#scheduled = false
      if (this.#closed || this.#maintaining) return
      const run = this.#maintain()
        .then(() => {
          this.lastError = null
        })
        .catch((error: unknown) => {
          this.lastError = error as Error
        })
        .finally(() => {
          this.#maintaining = null
          if (this.#again) {
            this.#again = false
            // After a failure, only new dead bytes try again (never a loop on a full disk).
            if (!this.lastError) this.#schedule()
          }
        })
      this.#maintaining = run
    })
  }

  /** Drops dead segments, compacts mostly dead ones, takes `.eml` files in: one segment at a time. */
  async #maintain(): Promise<void> {
    // (Each segment once a run: one that could not be emptied is not tried again in a loop.)
    const tried = new Set<Segment>()
    for (;;) {
      if (this.#closed) return
      const segment = [...this.#segments.values()].find((s) => !tried.has(s) && this.#worthCompacting(s))
      if (segment) {
        tried.add(segment)
        if (segment.live === 0) await this.#drop(segment)
        else await this.#compact(segment)
        continue
      }
      if (this.#legacy.size > 0 && this.#relocate) {
        await this.#migrate()
        continue
      }
      return
    }
  }

  async #drop(segment: Segment): Promise<void> {
    if (segment === this.#current) {
      // The segment new mail goes to, all dead: emptied in place.
      if (segment.fd === null) segment.fd = openSync(segment.path, 'r+', 0o600)
      ftruncateSync(segment.fd, 0)
      segment.size = 0
      return
    }
    this.#closeFd(segment)
    this.#segments.delete(segment.n)
    await rm(segment.path, {force: true})
    this.#onStep?.('dropped')
  }

  /**
   * Copies the live messages of `segment` to a new segment, batch by batch, each batch's records
   * moved in one journal line; then deletes `segment`. New mail meanwhile goes elsewhere (the
   * segment being compacted, if it was the one appended to, is set aside first).
   */
  async #compact(segment: Segment): Promise<void> {
    if (segment === this.#current) this.#rotate()
    const target = this.#newSegment()
    try {
      const ranges = [...segment.ranges.values()].sort((a, b) => a.offset - b.offset)
      const handle = await open(segment.path, 'r')
      try {
        for (let i = 0; i < ranges.length; ) {
          // A batch: contiguous-enough ranges read with one read.
          let j = i
          while (j < ranges.length && (j === i || ranges[j].offset + ranges[j].length - ranges[i].offset <= COMPACT_BATCH_BYTES)) j++
          const batch = ranges.slice(i, j)
          i = j
          const start = batch[0].offset
          const end = batch.at(-1)!.offset + batch.at(-1)!.length
          const bytes = Buffer.allocUnsafe(end - start)
          const {bytesRead} = await handle.read(bytes, 0, bytes.length, start)
          if (bytesRead < bytes.length) throw new Error(`spool: ${segment.path} is shorter than its records say (${start + bytesRead} of ${end} bytes)`)
          await this.#copyAndRelocate(
            target,
            batch.map((range) => ({
              bytes: bytes.subarray(range.offset - start, range.offset - start + range.length),
              ids: () => [...range.ids],
              moved: () => {
                range.ids.clear()
                if (segment.ranges.get(range.offset) !== range) return
                segment.ranges.delete(range.offset)
                segment.live -= range.length
              },
            })),
          )
        }
      } finally {
        await handle.close()
      }
    } finally {
      this.#closeFd(target)
      if (target.live === 0 && target.ranges.size === 0) {
        this.#segments.delete(target.n)
        await rm(target.path, {force: true})
      }
    }
    // Every live message moved (those deleted meanwhile need no move): the old segment is garbage.
    if (segment.live === 0) await this.#drop(segment)
  }

  /** Takes `.eml` files of an older version into the spool, a batch at a time, then deletes them. */
  async #migrate(): Promise<void> {
    const target = this.#newSegment()
    try {
      const batch = [...this.#legacy].slice(0, MIGRATE_BATCH)
      const items: Array<{from: string; id: string; bytes: Buffer}> = []
      for (const [id, file] of batch) {
        const bytes = await readFile(join(this.#dataDir!, file)).catch((error: unknown) => {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
          throw error
        })
        if (bytes) items.push({from: file, id, bytes})
        // (A file gone is a message already missing: reads say so; its record stays as it was.)
        else this.#legacy.delete(id)
      }
      const removed: string[] = []
      await this.#copyAndRelocate(
        target,
        items.map(({from, id, bytes}) => ({
          bytes,
          // (Deleted meanwhile, its file removed by detach: nothing to move, its copy is dead.)
          ids: () => (this.#legacy.get(id) === from ? [id] : []),
          moved: () => {
            if (this.#legacy.get(id) !== from) return
            this.#legacy.delete(id)
            removed.push(from)
          },
        })),
      )
      for (const file of removed) await rm(join(this.#dataDir!, file), {force: true})
      this.#onStep?.('dropped')
    } finally {
      this.#closeFd(target)
      if (target.live === 0) {
        this.#segments.delete(target.n)
        await rm(target.path, {force: true})
      }
    }
  }

  /**
   * Copies messages to `target`, moves the records of the emails naming them (one commit), then
   * re-points those emails. `ids()` names them at that moment (emails deleted meanwhile stay
   * deleted: a message no email names any more is not moved, and its copy is dead); `moved()`
   * lets go of the old place.
   */
  async #copyAndRelocate(target: Segment, items: Array<{bytes: Buffer; ids: () => string[]; moved: () => void}>): Promise<void> {
    const live = items.filter((item) => item.ids().length > 0)
    if (live.length === 0) return
    const copies: Range[] = []
    const moves: Relocation[] = []
    try {
      for (const item of live) {
        const copy = this.#write(target, [item.bytes], item.bytes.length)
        copy.holds = 1
        target.live += copy.length
        copies.push(copy)
        moves.push({ids: item.ids(), raw: {segment: target.n, offset: copy.offset, length: copy.length}})
      }
      this.#onStep?.('copied')
      await this.#relocate!(moves)
    } catch (error) {
      // The records still name the old place: the copies are dead.
      for (const copy of copies) (copy.holds = 0), this.#maybeDead(target, copy)
      throw error
    }
    this.#onStep?.('relocated')
    for (const [k, item] of live.entries()) {
      const copy = copies[k]
      for (const id of item.ids()) {
        copy.ids.add(id)
        this.#where.set(id, {segment: target, range: copy})
      }
      item.moved()
      copy.holds = 0
      this.#maybeDead(target, copy)
    }
  }
}

async function readRange(path: string, offset: number, length: number): Promise<Buffer | null> {
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.allocUnsafe(length)
    const {bytesRead} = await handle.read(buffer, 0, length, offset)
    // Shorter than its record says: cut by hand, or a disk that lost it.
    return bytesRead === length ? buffer : null
  } finally {
    await handle.close()
  }
}

function nullIfMissing(error: unknown): null {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
  throw error
}
