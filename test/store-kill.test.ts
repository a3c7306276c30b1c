import {spawn} from 'node:child_process'
import {readdir} from 'node:fs/promises'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {readStoreFiles, Store} from '../src/store/store.js'
import {tempDir} from './support/temp-dir.js'

const writer = fileURLToPath(new URL('./support/store-writer.mjs', import.meta.url))

interface Written {
  added: Set<string>
  updated: Map<string, number>
  /** The writer reported that it killed itself while a compaction was under way. */
  killedInCompaction: boolean
  code: number | null
  signal: NodeJS.Signals | null
}

/**
 * Runs the writer and returns what it reported durable: the deliveries added and the latest
 * attemptCount committed for each one updated. `killAfterMs`: SIGKILL it that long after it is
 * ready; `'in-compaction'`: it kills itself in the middle of a compaction.
 */
async function writeThenKill(dataDir: string, kill: number | 'in-compaction'): Promise<Written> {
  const args = kill === 'in-compaction' ? [writer, dataDir, '--kill-in-compaction'] : [writer, dataDir]
  const child = spawn(process.execPath, args, {stdio: ['ignore', 'pipe', 'inherit']})
  const written: Written = {added: new Set(), updated: new Map(), killedInCompaction: false, code: null, signal: null}
  const exited = new Promise<void>((resolve) => child.once('exit', (code, signal) => ((written.code = code), (written.signal = signal), resolve())))
  const closed = new Promise<void>((resolve) => child.stdout.once('close', resolve))
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  createInterface({input: child.stdout}).on('line', (line) => {
    if (line === 'ready') {
      if (typeof kill === 'number') setTimeout(() => child.kill('SIGKILL'), kill)
    } else if (line === 'killed-in-compaction') written.killedInCompaction = true
    else if (line.startsWith('+')) written.added.add(line.slice(1))
    else if (line.startsWith('=')) {
      const [id, count] = line.slice(1).split(' ')
      written.updated.set(id, Number(count))
    }
  })
  await Promise.all([exited, closed])
  clearTimeout(timer)
  return written
}

describe('store under SIGKILL while compacting in the background', () => {
  it('every change reported committed is there after each kill, across repeated kills (at chosen moments, and in the middle of compactions) and restarts', async () => {
    const dataDir = await tempDir()
    const expectAdded = new Set<string>()
    const expectUpdated = new Map<string, number>()
    // Ids are <pid>-<n>, unique across runs. Timed kills spread over the compaction cycle (one runs
    // every few hundred ms here); the others land in a compaction for sure.
    for (const kill of [150, 'in-compaction', 420, 700, 'in-compaction', 260, 910] as const) {
      const written = await writeThenKill(dataDir, kill)
      expect(written.signal, `writer (${kill}) ended by SIGKILL, not exit code ${written.code}`).toBe('SIGKILL')
      expect(written.added.size, 'the writer committed something before the kill').toBeGreaterThan(0)
      for (const id of written.added) expectAdded.add(id)
      for (const [id, count] of written.updated) expectUpdated.set(id, count)
      if (kill === 'in-compaction') {
        expect(written.killedInCompaction).toBe(true)
        // The kill really left a compaction half done: the journal set aside is still there.
        expect(await readdir(dataDir)).toContain('db.journal.1')
      }
      // What a restart reads: db.json, then db.journal.1 (if a kill hit mid-compaction), then db.journal.
      const state = await readStoreFiles(dataDir)
      const missing = [...expectAdded].filter((id) => !state.deliveries.has(id))
      expect(missing.slice(0, 5), `${missing.length} committed deliveries missing after a kill at ${kill}`).toEqual([])
      const rolledBack = [...expectUpdated].filter(([id, count]) => (state.deliveries.get(id)?.attemptCount ?? -1) < count)
      expect(rolledBack.slice(0, 5), `${rolledBack.length} committed updates lost or rolled back after a kill at ${kill}`).toEqual([])
    }
    // The real store opens what the kills left, with the same content, and folds it into one snapshot.
    const store = await Store.open({dataDir})
    // Every reported delivery is there (checked above); a kill may also land between a batch's
    // append and its report, so there can be more, never fewer.
    expect(store.counts().deliveries).toBeGreaterThanOrEqual(expectAdded.size)
    expect(store.counts().deliveries - expectAdded.size).toBeLessThanOrEqual(7 * 40)
    const rolledBack = [...expectUpdated].filter(([id, count]) => (store.getDelivery(id)?.attemptCount ?? -1) < count)
    expect(rolledBack.slice(0, 5), `${rolledBack.length} committed updates rolled back by Store.open`).toEqual([])
    await store.close()
    expect((await readdir(dataDir)).sort()).toEqual(['db.journal', 'db.json'])
  }, 90_000)
})
