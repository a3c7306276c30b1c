import {resolve} from 'node:path'
import {DEFAULT_API_KEY, DEFAULT_API_PORT, DEFAULT_DATA_DIR, DEFAULT_HOST} from '../emulator/defaults.js'
import {findRunningEmulator} from '../runtime/runtime-file.js'
import {httpCall} from './http-call.js'

/** Where to reach an emulator, and how the CLI found out. */
export interface EmulatorTarget {
  readonly apiUrl: string
  readonly apiKey: string
  readonly via: 'flag' | 'runtime-file' | 'default-port'
}

/** No emulator was named and none is running in the data dir. */
export class NotRunningError extends Error {
  constructor(readonly dataDir: string) {
    super(`no junkmail emulator is running in ${dataDir}; start one with: npx junkmail dev (or pass --api-url)`)
    this.name = 'NotRunningError'
  }
}

/**
 * Finds the emulator a command talks to: `--api-url`/`JUNKMAIL_API_URL` if given, otherwise the
 * runtime file of the data dir (`--data-dir`/`JUNKMAIL_DATA_DIR`, default `.junkmail`).
 */
export async function locateEmulator(options: {apiUrl?: string; apiKey?: string; dataDir?: string}): Promise<EmulatorTarget> {
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR)
  if (options.apiUrl) {
    const running = options.apiKey ? null : await findRunningEmulator(dataDir)
    const apiUrl = options.apiUrl.replace(/\/+$/, '').replace(/\/api\/v1$/, '')
    const apiKey = options.apiKey ?? (running?.apiUrl === apiUrl ? running.apiKey : undefined) ?? DEFAULT_API_KEY
    return {apiUrl, apiKey, via: 'flag'}
  }
  const running = await findRunningEmulator(dataDir)
  if (!running?.apiUrl) {
    // An emulator without a runtime file (`--in-memory`) on the default port is found too.
    const fallback = `http://${DEFAULT_HOST}:${DEFAULT_API_PORT}`
    if (await answersHealth(fallback)) return {apiUrl: fallback, apiKey: options.apiKey ?? DEFAULT_API_KEY, via: 'default-port'}
    throw new NotRunningError(dataDir)
  }
  return {apiUrl: running.apiUrl, apiKey: options.apiKey ?? running.apiKey ?? DEFAULT_API_KEY, via: 'runtime-file'}
}

async function answersHealth(baseUrl: string): Promise<boolean> {
  try {
    const answer = await httpCall(`${baseUrl}/_emulator/v1/health`, {timeoutMs: 500})
    return answer.status >= 200 && answer.status < 300
  } catch {
    return false
  }
}
