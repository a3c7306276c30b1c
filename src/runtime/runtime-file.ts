import {mkdir, open, readFile, rename, rm, writeFile} from 'node:fs/promises'
import {join} from 'node:path'

/** What a running emulator tells other processes about itself, in `<data dir>/runtime.json`. */
export interface RuntimeInfo {
  pid: number
  startedAt: string
  apiUrl?: string
  apiKey?: string
  smtpHost?: string
  smtpPort?: number
}

/** Another live emulator owns this data dir. */
export class DataDirBusyError extends Error {
  constructor(readonly dataDir: string, readonly pid: number) {
    super(
      `another junkmail emulator (pid ${pid}) is already using ${dataDir}; stop it, or start this one with --data-dir <other dir> or --in-memory`,
    )
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

/**
 * Claims the data dir for this process: creates `runtime.json` exclusively. A file left by a dead
 * process (a kill -9) is taken over; one of a live process raises {@link DataDirBusyError}.
 */
export async function claimDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, {recursive: true})
  const file = runtimeFilePath(dataDir)
  for (let tries = 0; tries < 3; tries++) {
    try {
      const handle = await open(file, 'wx')
      await handle.writeFile(JSON.stringify({pid: process.pid, startedAt: new Date().toISOString()}) + '\n')
      await handle.close()
      return
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const existing = await readRuntimeFile(dataDir)
    if (existing && existing.pid !== process.pid && isAlive(existing.pid)) throw new DataDirBusyError(dataDir, existing.pid)
    await rm(file, {force: true})
  }
  throw new Error(`could not claim ${file}`)
}

/** Replaces the runtime file's content atomically. */
export async function writeRuntimeFile(dataDir: string, info: RuntimeInfo): Promise<void> {
  const file = runtimeFilePath(dataDir)
  const temp = `${file}.${process.pid}.tmp`
  await writeFile(temp, JSON.stringify(info, null, 2) + '\n')
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
