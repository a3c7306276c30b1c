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
  pruned: DbData['pruned']
}

const collections = ['webhooks', 'addresses', 'emails', 'events', 'deliveries', 'attempts', 'apiKeys'] as const

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
    pruned: {events: 0, deliveries: 0, attempts: 0},
  }
}

/**
 * Serialises the state, one record a line, reusing each unchanged record's JSON from the last write:
 * a flush costs a join over cached strings, not a full `JSON.stringify` of the history.
 */
export class StateSerializer {
  readonly #cache = new WeakMap<object, string>()

  /** Length of the last full serialisation, in characters. */
  lastLength = 0

  /** A record's JSON, cached until {@link invalidate}. */
  json(record: object): string {
    let json = this.#cache.get(record)
    if (json === undefined) {
      json = JSON.stringify(record)
      this.#cache.set(record, json)
    }
    return json
  }

  /** Forgets a record's cached JSON; call after every mutation of it. */
  invalidate(record: object): void {
    this.#cache.delete(record)
  }

  stringify(state: StoreState): string {
    const parts: string[] = [`{"version":${state.version},"journalSeq":${state.journalSeq},"pruned":${JSON.stringify(state.pruned)}`]
    for (const name of collections) {
      const lines: string[] = []
      for (const record of state[name].values()) lines.push(this.json(record))
      parts.push(`"${name}":[${lines.length > 0 ? '\n' + lines.join(',\n') + '\n' : ''}]`)
    }
    const text = parts.join(',\n') + '}\n'
    this.lastLength = text.length
    return text
  }
}

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
