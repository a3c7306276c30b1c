import {randomUUID} from 'node:crypto'
import {renameSync, writeFileSync} from 'node:fs'
import {link, mkdir, readdir, readFile, rename, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import type {Readable} from 'node:stream'

/** Messages up to this size are written synchronously. */
const SYNC_WRITE_LIMIT = Number(process.env.JUNKMAIL_SYNC_WRITE_LIMIT ?? 0)

/** Where raw messages (`.eml`, the exact bytes received) live: `<data dir>/mail/`, or memory. */
export class RawMailStore {
  readonly #dir: string | null
  readonly #memory = new Map<string, Buffer>()

  private constructor(dir: string | null) {
    this.#dir = dir
  }

  /** Opens the mail folder of a data dir (null: in memory), removing temp files a crash left behind. */
  static async open(dataDir: string | null): Promise<RawMailStore> {
    if (dataDir === null) return new RawMailStore(null)
    const dir = join(dataDir, 'mail')
    await mkdir(dir, {recursive: true})
    for (const name of await readdir(dir)) if (name.endsWith('.part')) await rm(join(dir, name), {force: true})
    return new RawMailStore(dir)
  }

  /** Relative path recorded in the store for an email id. */
  static relativePath(id: string): string {
    return `mail/${id}.eml`
  }

  /**
   * Writes a message under a temp name and renames it into place only once complete: a client that
   * disconnects mid-DATA, or a crash, leaves no half-written `.eml`. Returns the byte count.
   */
  async write(id: string, chunks: Buffer[]): Promise<number> {
    const data = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)
    if (this.#dir === null) {
      this.#memory.set(id, data)
      return data.length
    }
    const temp = join(this.#dir, `${id}.${randomUUID().slice(0, 8)}.part`)
    if (data.length <= SYNC_WRITE_LIMIT) {
      // A small file to the page cache costs a few µs: cheaper done at once than through the thread pool.
      writeFileSync(temp, data)
      renameSync(temp, this.#path(id))
    } else {
      await writeFile(temp, data)
      await rename(temp, this.#path(id))
    }
    return data.length
  }

  /** Makes the message of `from` also the message of `to` (a hard link: no copy). */
  async share(from: string, to: string): Promise<void> {
    if (this.#dir === null) {
      const data = this.#memory.get(from)
      if (data) this.#memory.set(to, data)
      return
    }
    await link(this.#path(from), this.#path(to))
  }

  /** The exact bytes received, or null if gone. */
  async read(id: string): Promise<Buffer | null> {
    if (this.#dir === null) return this.#memory.get(id) ?? null
    try {
      return await readFile(this.#path(id))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
  }

  async delete(id: string): Promise<void> {
    if (this.#dir === null) this.#memory.delete(id)
    else await rm(this.#path(id), {force: true})
  }

  /** Ids of every message on disk (for recovery after a crash). */
  async list(): Promise<string[]> {
    if (this.#dir === null) return [...this.#memory.keys()]
    return (await readdir(this.#dir)).filter((n) => n.endsWith('.eml')).map((n) => n.slice(0, -4))
  }

  #path(id: string): string {
    return join(this.#dir!, `${id}.eml`)
  }
}

/** Reads a stream to the end, keeping chunks until `limit` bytes; reports whether it went over. */
export async function collect(stream: Readable, limit: number): Promise<{chunks: Buffer[]; size: number; exceeded: boolean}> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size <= limit) chunks.push(chunk)
  }
  return {chunks, size, exceeded: size > limit}
}
