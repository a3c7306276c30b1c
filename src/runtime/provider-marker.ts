import {access, readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

/** The file in a data dir that says whose data it holds: the provider's name and a newline. */
export const providerMarkerPath = (dataDir: string): string => join(dataDir, 'provider')

/** This data dir holds another provider's data. */
export class ProviderMismatchError extends Error {
  /** The same, in the CLI's words (flags instead of options). */
  readonly cliMessage: string
  constructor(
    readonly dataDir: string,
    readonly holds: string,
    readonly wanted: string,
  ) {
    super(`${dataDir} holds the data of a ${holds} emulator, not ${wanted}: start it with the ${holds} provider, or give ${wanted} a dataDir of its own, or dataDir: null (in memory)`)
    this.cliMessage = `${dataDir} holds the data of a ${holds} emulator, not ${wanted}: start it with --provider ${holds}, or give ${wanted} a data dir of its own (--data-dir .junkmail-${wanted}) or --in-memory`
    this.name = 'ProviderMismatchError'
  }
}

/**
 * Claims a data dir for a provider: writes the marker into a new one, checks it in one that has
 * it. A data dir from before the marker (a `db.json` without it) holds `legacy`'s data. One provider
 * per data dir: records of one never reach the other.
 */
export async function claimForProvider(dataDir: string, provider: string, legacy: string): Promise<void> {
  const path = providerMarkerPath(dataDir)
  const marked = await readFile(path, 'utf8').then(
    (text) => text.trim(),
    (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : Promise.reject(error)),
  )
  const holds = marked ?? ((await exists(join(dataDir, 'db.json'))) ? legacy : null)
  if (holds !== null && holds !== provider) throw new ProviderMismatchError(dataDir, holds, provider)
  if (marked === null) await writeFile(path, `${provider}\n`, {mode: 0o600})
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? false : Promise.reject(error)),
  )
}
