import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {type Collection, collections, parseState, type StoreState} from './serialize-state.js'
import {JournalCorruptError} from './store-errors.js'

/** A last line cut short by a crash in the middle of an append: never acknowledged, dropped at start. */
export interface TornLine {
  readonly file: string
  /** 1-based line number. */
  readonly line: number
  readonly bytes: number
}

/** What replaying the journals found. */
export interface Replayed {
  /** The newest batch number, in the journals or in `db.json`: the next batch gets the one after. */
  readonly seq: number
  /** The torn last line dropped, if there was one. */
  readonly torn: TornLine | null
}

type Op = {c: Collection; r: Record<string, unknown>} | {c: Collection; d: string}

/**
 * Applies the journal's lines that are newer than the snapshot, in order. Every line must be a
 * whole batch (`{"s":N,"ops":[…]}`, N increasing, each op naming a known collection); anything else
 * throws {@link JournalCorruptError} naming the file and line: a committed change is never skipped.
 * Only a torn tail (text after the last newline, which an append that completed always ends with)
 * is dropped, and only when `tornTailAllowed`. `after` is the batch number of the line before (0
 * for none). Returns the last batch number seen (`after` if none) and the torn line dropped.
 */
export function replayJournal(
  state: StoreState,
  text: string,
  file: string,
  after: number,
  tornTailAllowed: boolean,
): {last: number; torn: TornLine | null} {
  let previous = after
  let torn: TornLine | null = null
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (line.trim() === '') continue
    if (i === lines.length - 1) {
      // No newline after it: the append did not complete, so it was never acknowledged.
      if (!tornTailAllowed) throw new JournalCorruptError(file, i + 1, 'the last line is cut short (no newline at its end), in a journal that later lines follow')
      torn = {file, line: i + 1, bytes: Buffer.byteLength(line)}
      break
    }
    const batch = parseBatch(line)
    if (typeof batch === 'string') throw new JournalCorruptError(file, i + 1, batch)
    if (batch.s <= previous) throw new JournalCorruptError(file, i + 1, `batch ${batch.s} comes after batch ${previous}: batch numbers must increase`)
    previous = batch.s
    if (batch.s <= state.journalSeq) continue // already in db.json
    for (const op of batch.ops) {
      const map = state[op.c] as Map<string, unknown>
      if ('r' in op) map.set(String(op.c === 'apiKeys' ? op.r.key : op.r.id), op.r)
      else map.delete(op.d)
    }
  }
  return {last: previous, torn}
}

/** A journal line as a batch, or why it is not one. */
function parseBatch(line: string): {s: number; ops: Op[]} | string {
  let batch: unknown
  try {
    batch = JSON.parse(line)
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`
  }
  if (!isObject(batch)) return 'not a JSON object'
  const {s, ops} = batch
  if (!Number.isSafeInteger(s) || (s as number) < 1) return '"s" (the batch number) is missing or not a positive integer'
  if (!Array.isArray(ops)) return '"ops" (the list of changes) is missing or not a list'
  for (const [i, op] of ops.entries()) {
    if (!isObject(op)) return `ops[${i}] is not an object`
    if (typeof op.c !== 'string' || !(collections as readonly string[]).includes(op.c)) {
      return `ops[${i}]: unknown collection ${JSON.stringify(op.c)} (known: ${collections.join(', ')})`
    }
    const hasRecord = Object.hasOwn(op, 'r')
    if (hasRecord === Object.hasOwn(op, 'd')) return `ops[${i}] must have either "r" (a record) or "d" (the id of one to delete)`
    if (hasRecord) {
      const key = op.c === 'apiKeys' ? 'key' : 'id'
      if (!isObject(op.r)) return `ops[${i}].r is not an object`
      if (typeof op.r[key] !== 'string' || op.r[key] === '') return `ops[${i}].r has no "${key}"`
      if (op.c === 'resources' && (typeof op.r.kind !== 'string' || op.r.kind === '')) return `ops[${i}].r has no "kind"`
    } else if (typeof op.d !== 'string') return `ops[${i}].d is not a string`
  }
  return {s: s as number, ops: ops as Op[]}
}

const isObject = (value: unknown): value is Record<string, any> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Replays the journals of a data dir over `state` (read from its `db.json`), oldest first:
 * `db.journal.1` (left by a kill in the middle of a compaction), then `db.journal`. Only the last
 * line of `db.journal` may be torn. {@link Store.open} and {@link readStoreFiles} both read through here.
 */
export async function replayJournals(state: StoreState, dataDir: string): Promise<Replayed> {
  const read = (file: string) => readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? '' : Promise.reject(error)))
  const rotatedFile = join(dataDir, 'db.journal.1')
  const currentFile = join(dataDir, 'db.journal')
  const rotated = replayJournal(state, await read(rotatedFile), rotatedFile, 0, false)
  const current = replayJournal(state, await read(currentFile), currentFile, rotated.last, true)
  return {seq: Math.max(state.journalSeq, current.last), torn: current.torn}
}

/** The store's content as a restart would see it (`db.json` plus the journals), for tools and tests. */
export async function readStoreFiles(dataDir: string): Promise<StoreState> {
  const state = parseState(await readFile(join(dataDir, 'db.json'), 'utf8'))
  await replayJournals(state, dataDir)
  return state
}
