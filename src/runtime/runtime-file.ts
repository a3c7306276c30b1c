import {open, readFile, rename, rm, writeFile} from 'node:fs/promises'
import {join, resolve} from 'node:path'
import {makePrivateDir} from '../store/private-dir.js'

/** What a running emulator tells other processes about itself, in `<data dir>/runtime.json`. */
export interface RuntimeInfo {
  pid: number
  startedAt: string
  apiUrl?: string
  apiKey?: string
  /** The provider it plays (absent in files of versions before there were two). */
  provider?: string
  smtpHost?: string
  smtpPort?: number
}

/** Another live emulator owns this data dir. */
export class DataDirBusyError extends Error {
  /** The same, in the CLI's words (flags instead of options). */
  readonly cliMessage: string
  constructor(readonly dataDir: string, readonly pid: number) {
    super(`another junkmail emulator (pid ${pid}) is already using ${dataDir}; stop it, or start this one with another dataDir, or dataDir: null (in memory)`)
    this.cliMessage = `another junkmail emulator (pid ${pid}) is already using ${dataDir}; stop it, or start this one with --data-dir <other dir> or --in-memory`
    this.name = 'DataDirBusyError'
  }
}

/** Path of the runtime file in a data dir. */
export const runtimeFilePath = (dataDir: string): string => join(dataDir, 'runtime.json')

/** True when a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** How long a claim without an API URL (an emulator still starting) is taken as live. */
const STARTING_GRACE_MS = 60_000

/**
 * Claims the data dir for this process: creates `runtime.json` exclusively (mode 0600: it holds the
 * API key). A file whose process is gone (a kill -9), or is running but is not a junkmail emulator
 * on this data dir (its pid reused, e.g. pid 1 after a container restart), is taken over: the
 * returned notice says so. A live emulator on it raises {@link DataDirBusyError}.
 */
export async function claimDataDir(dataDir: string): Promise<string | null> {
  await makePrivateDir(dataDir)
  const file = runtimeFilePath(dataDir)
  let notice: string | null = null
  for (let tries = 0; tries < 3; tries++) {
    try {
      const handle = await open(file, 'wx', 0o600)
      await handle.writeFile(JSON.stringify({pid: process.pid, startedAt: new Date().toISOString()}) + '\n')
      await handle.close()
      return notice
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const existing = await readRuntimeFile(dataDir)
    if (existing && existing.pid !== process.pid) {
      const stale = isAlive(existing.pid) ? await notAnEmulatorHere(existing, dataDir) : 'which is no longer running'
      if (stale === null) throw new DataDirBusyError(dataDir, existing.pid)
      notice = `took over ${file}: it named pid ${existing.pid}, ${stale}`
    }
    await rm(file, {force: true})
  }
  throw new Error(`could not claim ${file}`)
}

/**
 * Why the live process a runtime file names is not a junkmail emulator serving `dataDir`, or null
 * when it is (or may be: one still starting has not written its API URL yet).
 */
async function notAnEmulatorHere(info: RuntimeInfo, dataDir: string): Promise<string | null> {
  if (!info.apiUrl || !info.apiKey) {
    const age = Date.now() - Date.parse(info.startedAt)
    return age < STARTING_GRACE_MS ? null : `which is running but never finished starting an emulator here (claimed ${Math.round(age / 1000)} s ago)`
  }
  try {
    const response = await fetch(`${info.apiUrl}/_emulator/v1/status`, {headers: {authorization: `Bearer ${info.apiKey}`}, signal: AbortSignal.timeout(2000)})
    const body = (await response.json().catch(() => null)) as {data?: {pid?: unknown; dataDir?: unknown}} | null
    const data = response.ok ? body?.data : undefined
    if (data?.pid === info.pid && typeof data.dataDir === 'string' && resolve(data.dataDir) === resolve(dataDir)) return null
    return `which is running, but its API at ${info.apiUrl} answers as something else`
  } catch {
    return `which is running, but no junkmail emulator answers at ${info.apiUrl}`
  }
}

/** Replaces the runtime file's content atomically. */
export async function writeRuntimeFile(dataDir: string, info: RuntimeInfo): Promise<void> {
  const file = runtimeFilePath(dataDir)
  const temp = `${file}.${process.pid}.tmp`
  await writeFile(temp, JSON.stringify(info, null, 2) + '\n', {mode: 0o600})
  await rename(temp, file)
}

/** The runtime file's content, or null when absent or unreadable. */
export async function readRuntimeFile(dataDir: string): Promise<RuntimeInfo | null> {
  try {
    const info = JSON.parse(await readFile(runtimeFilePath(dataDir), 'utf8')) as RuntimeInfo
    return typeof info?.pid === 'number' ? info : null
  } catch {
    return null
  }
}

/** The runtime info of a live emulator in this data dir, or null. */
export async function findRunningEmulator(dataDir: string): Promise<RuntimeInfo | null> {
  const info = await readRuntimeFile(dataDir)
  return info && info.apiUrl && isAlive(info.pid) ? info : null
}

/** Removes the runtime file if this process owns it. */
export async function releaseDataDir(dataDir: string): Promise<void> {
  const info = await readRuntimeFile(dataDir)
  if (info?.pid === process.pid) await rm(runtimeFilePath(dataDir), {force: true})
}
