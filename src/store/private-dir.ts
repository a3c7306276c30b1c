import {mkdir} from 'node:fs/promises'
import {dirname} from 'node:path'

/**
 * Creates `dir` readable by its owner only (0700), its missing parents with the usual mode. A folder
 * that already exists keeps the mode it has: it is never widened, nor changed behind its owner's back.
 */
export async function makePrivateDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, {mode: 0o700})
    return
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return
    if (code !== 'ENOENT') throw error
  }
  await mkdir(dirname(dir), {recursive: true})
  await mkdir(dir, {mode: 0o700}).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error
  })
}
