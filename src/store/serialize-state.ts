import {open, readFile, rename, rm} from 'node:fs/promises'
import {basename, dirname, join} from 'node:path'
import type {Adapter} from 'lowdb'
import type {DbData} from './types.js'

/** The store's live form: each collection a Map by id, in insertion order. */
export interface StoreState {
  version: 1
  /** Last journal batch folded into this snapshot. */
  journalSeq: number
  webhooks: Map<string, DbData['webhooks'][number]>
  events: Map<string, DbData['events'][number]>
  deliveries: Map<string, DbData['deliveries'][number]>
  attempts: Map<string, DbData['attempts'][number]>
  apiKeys: Map<string, DbData['apiKeys'][number]>
  addresses: Map<string, DbData['addresses'][number]>
  emails: Map<string, DbData['emails'][number]>
  resources: Map<string, DbData['resources'][number]>
  pruned: DbData['pruned']
}

/** The store's collections, in the order `db.json` lists them. */
export const collections = ['webhooks', 'addresses', 'emails', 'resources', 'events', 'deliveries', 'attempts', 'apiKeys'] as const

/** One of the store's collections. */
export type Collection = (typeof collections)[number]

/** An empty store. */
export function emptyState(): StoreState {
  return {
    version: 1,
    journalSeq: 0,
    webhooks: new Map(),
    events: new Map(),
    deliveries: new Map(),
    attempts: new Map(),
    apiKeys: new Map(),
    addresses: new Map(),
    emails: new Map(),
    resources: new Map(),
    pruned: {events: 0, deliveries: 0, attempts: 0},
  }
}

/**
 * lowdb adapter for `db.json`, one record a line. `write()` streams the state to a temp file in
 * slices of about a megabyte, letting the event loop run between slices (a large store never blocks
 * the emulator), then renames it into place: the file on disk is always a whole snapshot. Records
 * changed while a write is under way may be saved in either state; the journal written meanwhile
 * holds their later changes and is replayed over the snapshot (the store's `beforeRename` makes
 * sure none of those changes can still be rolled back: see JOURNAL.md).
 */
export class SnapshotFile implements Adapter<StoreState> {
  readonly #file: string
  /** Size of the last snapshot written, in bytes. */
  lastBytes = 0

  constructor(file: string) {
    this.#file = file
  }

  async read(): Promise<StoreState | null> {
    let text: string
    try {
      text = await readFile(this.#file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
    this.lastBytes = Buffer.byteLength(text)
    return parseState(text)
  }

  /**
   * Writes `state` to a temp file (mode 0600: it holds webhook secrets and API keys) and renames it
   * over `db.json`. `beforeRename` runs once the temp file is complete; if it throws, the temp file is
   * removed and `db.json` stays as it was (so does the temp file's space, on a full disk).
   */
  async write(state: StoreState, beforeRename?: () => void): Promise<void> {
    const temp = join(dirname(this.#file), `.${basename(this.#file)}.tmp`)
    let bytes = 0
    try {
      const handle = await open(temp, 'w', 0o600)
      try {
        // A temp file left by an older version keeps its mode when opened: set it.
        await handle.chmod(0o600).catch(() => {})
        let slice = `{"version":${state.version},"journalSeq":${state.journalSeq},"pruned":${JSON.stringify(state.pruned)}`
        const flush = async () => {
          const data = Buffer.from(slice)
          slice = ''
          // FileHandle.write may write less than asked (a full disk): go on until all is written,
          // so a short file is never renamed over db.json.
          for (let done = 0; done < data.length; ) {
            const {bytesWritten} = await handle.write(data, done)
            if (bytesWritten === 0) throw new Error(`could not write ${this.#file}: no space written`)
            done += bytesWritten
          }
          bytes += data.length
        }
        for (const name of collections) {
          slice += `,\n"${name}":[`
          let first = true
          for (const record of state[name].values()) {
            slice += (first ? '\n' : ',\n') + JSON.stringify(record)
            first = false
            if (slice.length >= SLICE_CHARS) await flush()
          }
          slice += first ? ']' : '\n]'
        }
        slice += '}\n'
        await flush()
      } finally {
        await handle.close()
      }
      beforeRename?.()
      await rename(temp, this.#file)
    } catch (error) {
      await rm(temp, {force: true}).catch(() => {})
      throw error
    }
    this.lastBytes = bytes
  }
}

/** Characters of a snapshot written at once. */
const SLICE_CHARS = 1024 * 1024

/** Parses `db.json` into live state. Throws on anything that is not a junkmail store. */
export function parseState(text: string): StoreState {
  const raw = JSON.parse(text) as Partial<DbData>
  if (raw === null || typeof raw !== 'object' || raw.version !== 1) {
    throw new Error('not a junkmail store (missing "version": 1)')
  }
  const state = emptyState()
  for (const name of collections) {
    const list = raw[name] ?? []
    if (!Array.isArray(list)) throw new Error(`"${name}" is not a list`)
    const key = name === 'apiKeys' ? 'key' : 'id'
    for (const record of list as unknown as Array<Record<string, unknown>>) {
      ;(state[name] as Map<string, unknown>).set(String(record[key]), record)
    }
  }
  if (raw.pruned) state.pruned = {...state.pruned, ...raw.pruned}
  if (typeof (raw as {journalSeq?: unknown}).journalSeq === 'number') state.journalSeq = (raw as {journalSeq: number}).journalSeq
  return state
}
