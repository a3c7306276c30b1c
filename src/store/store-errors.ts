/** `db.json` exists but cannot be read as a junkmail store. It is left untouched. */
export class StoreCorruptError extends Error {
  constructor(readonly file: string, reason: string) {
    super(`${file} is not a valid junkmail store (${reason}). It was left untouched: move it away or fix it, then start again.`)
    this.name = 'StoreCorruptError'
  }
}

/** A line of `db.journal` (or `db.journal.1`) that cannot be applied. The files are left untouched. */
export class JournalCorruptError extends Error {
  constructor(readonly file: string, readonly line: number, reason: string) {
    super(`${file} line ${line}: ${reason}. Nothing was changed: fix or remove that line (or move the data dir away), then start again.`)
    this.name = 'JournalCorruptError'
  }
}

/**
 * The journal could not be written (a full disk, most often). Every change of the group commit that
 * failed has been rolled back: `message` and `code` are those of the file system's error.
 */
export class StoreWriteError extends Error {
  /** The file system's error code, e.g. `ENOSPC`. */
  readonly code: string | undefined
  constructor(readonly file: string, cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), {cause})
    this.name = 'StoreWriteError'
    this.code = (cause as NodeJS.ErrnoException | undefined)?.code
  }
}
