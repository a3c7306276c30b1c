import {readdir, readFile, stat} from 'node:fs/promises'
import {join} from 'node:path'
import {readStoreFiles} from '../../src/store/store.js'

/** The raw-mail spool of a data dir as its files and the store's records say (read, not through the emulator). */
export interface SpoolOnDisk {
  /** Names in `mail/`. */
  readonly files: string[]
  /** Each email the store holds → its bytes, read where its record says (null: not there). */
  readonly named: Map<string, Buffer | null>
  /** Bytes in the segment files. */
  readonly bytes: number
  /** Bytes no record names: deleted or never acknowledged mail. */
  readonly unnamedBytes: number
  /** Ranges named by several emails (one message to several local addresses): range → ids. */
  readonly shared: string[][]
}

/**
 * Reads the store files (snapshot + journals, as a restart would) and the spool's segments. Not while
 * a compaction may be moving them: wait for `context.mail.raw.idle()` first (or stop the emulator).
 */
export async function spoolOnDisk(dataDir: string): Promise<SpoolOnDisk> {
  const mailDir = join(dataDir, 'mail')
  const files = (await readdir(mailDir)).sort()
  const state = await readStoreFiles(dataDir)
  const segments = new Map<string, Buffer>()
  for (const name of files) if (name.endsWith('.seg')) segments.set(name, await readFile(join(mailDir, name)))
  const named = new Map<string, Buffer | null>()
  const ranges = new Map<string, string[]>()
  const covered = new Map<string, Array<[number, number]>>()
  for (const email of state.emails.values()) {
    if (email.raw?.length === 0) named.set(email.id, Buffer.alloc(0))
    else if (email.raw) {
      const name = `spool-${email.raw.segment}.seg`
      const data = segments.get(name)
      const end = email.raw.offset + email.raw.length
      named.set(email.id, data && data.length >= end ? data.subarray(email.raw.offset, end) : null)
      const key = `${name}:${email.raw.offset}:${email.raw.length}`
      if (!ranges.has(key)) {
        ranges.set(key, [])
        if (!covered.has(name)) covered.set(name, [])
        covered.get(name)!.push([email.raw.offset, end])
      }
      ranges.get(key)!.push(email.id)
    } else if (email.rawFile) {
      named.set(email.id, await readFile(join(dataDir, email.rawFile)).catch(() => null))
    }
  }
  let bytes = 0
  let namedBytes = 0
  for (const [name, data] of segments) {
    bytes += data.length
    for (const [start, end] of covered.get(name) ?? []) namedBytes += Math.max(0, Math.min(end, data.length) - start)
  }
  return {files, named, bytes, unnamedBytes: bytes - namedBytes, shared: [...ranges.values()].filter((ids) => ids.length > 1)}
}

/** Bytes of the segment files in `mail/` (no store read). */
export async function segmentBytes(dataDir: string): Promise<number> {
  const mailDir = join(dataDir, 'mail')
  let total = 0
  for (const name of await readdir(mailDir)) if (name.endsWith('.seg')) total += (await stat(join(mailDir, name))).size
  return total
}
