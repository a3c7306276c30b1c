import {chmod, mkdir, readdir, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it, onTestFinished} from 'vitest'
import {Store} from '../src/store/store.js'
import {startTestEmulator} from './support/emulator.js'
import {sendOnce} from './support/smtp-dialogue.js'
import {tempDir} from './support/temp-dir.js'

const mode = async (path: string) => ((await stat(path)).mode & 0o777).toString(8)

/** Runs the test with umask 0, so every mode seen was asked for, not narrowed by the usual 022. */
function noUmask(): void {
  const previous = process.umask(0)
  onTestFinished(() => void process.umask(previous))
}

describe('file modes of the data dir: secrets and mail are for their owner only', () => {
  it('a data dir the store creates is 0700 (its parents keep the usual mode); db.json and db.journal are 0600, db.journal.1 too', async () => {
    noUmask()
    const root = await tempDir()
    const dataDir = join(root, 'new-parent', '.junkmail')
    const store = await Store.open({dataDir, compactMinBytes: 1})
    expect(await mode(dataDir)).toBe('700')
    expect(await mode(join(root, 'new-parent'))).toBe('777')
    expect(await mode(join(dataDir, 'db.json'))).toBe('600')
    expect(await mode(join(dataDir, 'db.journal'))).toBe('600')
    // A compaction renames db.journal to db.journal.1 and opens a fresh db.journal: both private.
    const {existsSync} = await import('node:fs')
    const rotatedModes = new Set<string>()
    for (let i = 0; i < 50 && rotatedModes.size === 0; i++) {
      store.addWebhook({id: `w${i}`, url: 'http://127.0.0.1/', events: [], secret: 'whsec_secret', createdAt: '', enabled: true, failureCount: 0, disabledAt: null, disabledReason: null})
      await store.commit()
      if (existsSync(join(dataDir, 'db.journal.1'))) rotatedModes.add(await mode(join(dataDir, 'db.journal.1')).catch(() => 'gone'))
      rotatedModes.delete('gone')
    }
    expect([...rotatedModes]).toEqual(['600'])
    await store.close()
    for (const name of ['db.json', 'db.journal']) expect(await mode(join(dataDir, name)), name).toBe('600')
  })

  it('an existing data dir keeps its mode (never widened, never changed); files an older version left 0644 become 0600', async () => {
    noUmask()
    const dataDir = await tempDir()
    await chmod(dataDir, 0o750)
    await writeFile(join(dataDir, 'db.journal'), '', {mode: 0o644})
    await writeFile(join(dataDir, '.db.json.tmp'), 'left by a crash', {mode: 0o644})
    const store = await Store.open({dataDir})
    expect(await mode(dataDir)).toBe('750')
    expect(await mode(join(dataDir, 'db.journal'))).toBe('600')
    expect(await mode(join(dataDir, 'db.json'))).toBe('600')
    expect(await readdir(dataDir)).not.toContain('.db.json.tmp')
    await store.close()

    const wide = await tempDir()
    await chmod(wide, 0o777)
    await (await Store.open({dataDir: wide})).close()
    expect(await mode(wide)).toBe('777')
  })

  it('the emulator (what junkmail dev runs) creates its data dir and mail/ 0700, and writes db.json, db.journal and each received mail 0600', async () => {
    noUmask()
    const dataDir = join(await tempDir(), 'project', '.junkmail')
    const emulator = await startTestEmulator({dataDir})
    expect(await mode(dataDir)).toBe('700')
    expect(await mode(join(dataDir, 'mail'))).toBe('700')
    const sent = await sendOnce(emulator.smtpPort!, {from: 'a@example.com', to: ['one@junkmail.local', 'two@junkmail.local'], message: Buffer.from('Subject: private\r\n\r\nhello\r\n')})
    expect(sent.data?.code).toBe(250)
    // (The spool: one segment holding the message, once for both addresses.)
    const files = await readdir(join(dataDir, 'mail'))
    expect(files).toEqual(['spool-1.seg'])
    for (const name of files) expect(await mode(join(dataDir, 'mail', name)), name).toBe('600')
    for (const name of ['db.json', 'db.journal']) expect(await mode(join(dataDir, name)), name).toBe('600')
    await emulator.stop()
    expect(await mode(join(dataDir, 'db.json'))).toBe('600')
  })

  it('an existing mail/ folder keeps its mode', async () => {
    noUmask()
    const dataDir = await tempDir()
    await mkdir(join(dataDir, 'mail'), {mode: 0o755})
    await chmod(join(dataDir, 'mail'), 0o755)
    await startTestEmulator({dataDir})
    expect(await mode(join(dataDir, 'mail'))).toBe('755')
  })
})
