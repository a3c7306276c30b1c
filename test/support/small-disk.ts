import {execFile} from 'node:child_process'
import {mkdtemp, open, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {onTestFinished} from 'vitest'

const run = promisify(execFile)

/** Why a tmpfs cannot be mounted here (not root, no mount), or null when it can. Checked once. */
export const tmpfsUnavailable: string | null = await (async () => {
  if (process.getuid?.() !== 0) return 'a small disk needs a tmpfs mount, which needs root'
  const dir = await mkdtemp(join(tmpdir(), 'junkmail-tmpfs-probe-'))
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir])
    await run('umount', [dir])
    return null
  } catch (error) {
    return `mount -t tmpfs failed: ${(error as Error).message.split('\n')[0]}`
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
})().catch((error: Error) => `tmpfs probe failed: ${error.message}`)

/** Mounts a tmpfs of `bytes` on a fresh temp dir (a real, small disk), unmounted after the test. */
export async function smallDisk(bytes: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'junkmail-small-disk-'))
  await run('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir])
  onTestFinished(async () => {
    await run('umount', ['-l', dir])
    await rm(dir, {recursive: true, force: true})
  })
  return dir
}

/** Writes zeros to `file` until the disk is full; returns the bytes written. */
export async function fillDisk(file: string): Promise<number> {
  const handle = await open(file, 'w')
  let written = 0
  try {
    for (let chunk = 64 * 1024; chunk >= 1; chunk = Math.floor(chunk / 2)) {
      const zeros = Buffer.alloc(chunk)
      for (;;) {
        try {
          written += (await handle.write(zeros)).bytesWritten
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
          break
        }
      }
    }
  } finally {
    await handle.close()
  }
  return written
}
