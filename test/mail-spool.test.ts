import {spawn} from 'node:child_process'
import {mkdir, readdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {Store} from '../src/store/store.js'
import {startTestEmulator} from './support/emulator.js'
import {sendOnce} from './support/smtp-dialogue.js'
import {spoolOnDisk} from './support/spool.js'
import {seededMail} from './support/seeded-mail.mjs'
import {tempDir} from './support/temp-dir.js'

const writer = fileURLToPath(new URL('./support/spool-writer.mjs', import.meta.url))
/** The writer's spool: 32 KiB segments, compacted from 8 KiB of deleted mail that is at least half of one. */
const spool = {segmentBytes: 32 * 1024, compactMinDeadBytes: 8 * 1024}

/** The policy's promise once compaction is idle: no segment is both 8 KiB dead and at least half dead. */
async function expectCompacted(dataDir: string) {
  const mailDir = join(dataDir, 'mail')
  const {unnamedBySegment} = await segmentUse(dataDir)
  for (const [name, {size, unnamed}] of unnamedBySegment) {
    expect(unnamed >= spool.compactMinDeadBytes && unnamed * 2 >= size, `${name}: ${unnamed} of ${size} bytes dead, in ${mailDir}`).toBe(false)
  }
}

/** Per segment file: its size and the bytes no record names. */
async function segmentUse(dataDir: string) {
  const {readStoreFiles} = await import('../src/store/store.js')
  const state = await readStoreFiles(dataDir)
  const files = (await readdir(join(dataDir, 'mail'))).filter((n) => n.endsWith('.seg'))
  const unnamedBySegment = new Map<string, {size: number; unnamed: number}>()
  const {stat} = await import('node:fs/promises')
  for (const name of files) {
    const size = (await stat(join(dataDir, 'mail', name))).size
    const n = Number(/\d+/.exec(name)![0])
    const seen = new Set<number>()
    let named = 0
    for (const e of state.emails.values()) {
      if (e.raw?.segment !== n || seen.has(e.raw.offset) || e.raw.length === 0) continue
      seen.add(e.raw.offset)
      named += e.raw.length
    }
    unnamedBySegment.set(name, {size, unnamed: size - named})
  }
  return {unnamedBySegment}
}

describe('the raw-mail spool', () => {
  it('compaction after deletes: mostly-dead segments are rewritten, empty ones dropped, every kept mail reads back byte for byte, before and after a restart', async () => {
    const dataDir = await tempDir()
    let emulator = await startTestEmulator({dataDir, spool})
    // 120 mails of 0.3–2.3 KB over real SMTP, every fifth to two addresses (one range, two emails).
    const sent: Array<{subject: string; ids: string[]; bytes: Buffer}> = []
    for (let i = 0; i < 120; i++) {
      const subject = `compact-${i}`
      const to = i % 5 === 0 ? ['one@junkmail.local', 'two@junkmail.local'] : ['one@junkmail.local']
      const bytes = Buffer.from(seededMail(subject))
      const result = await sendOnce(emulator.smtpPort!, {from: 'writer@example.com', to, message: bytes})
      expect(result.data?.code).toBe(250)
      sent.push({subject, ids: result.emailIds, bytes})
    }
    const before = await spoolOnDisk(dataDir)
    expect(before.unnamedBytes).toBe(0)
    expect(before.files.length, 'several segments').toBeGreaterThan(4)
    expect(before.shared).toHaveLength(24)

    // Two of every three emails deleted (of a shared message, one of its two emails only).
    const kept = new Map<string, Buffer>()
    for (const [i, mail] of sent.entries()) {
      for (const [k, id] of mail.ids.entries()) {
        if ((i + k) % 3 === 0) kept.set(id, mail.bytes)
        else expect((await emulator.api('DELETE', `/api/v1/emails/${id}`)).status).toBe(200)
      }
    }
    await emulator.context.mail.raw.idle()
    const after = await spoolOnDisk(dataDir)
    expect(new Set(after.named.keys())).toEqual(new Set(kept.keys()))
    for (const [id, bytes] of kept) expect(after.named.get(id)?.equals(bytes), id).toBe(true)
    // The space came back: what is left is the kept mail and less dead mail than the policy acts on.
    const keptBytes = new Set(sent.filter((m) => m.ids.some((id) => kept.has(id))).map((m) => m.subject))
    const liveBytes = sent.filter((m) => keptBytes.has(m.subject)).reduce((sum, m) => sum + m.bytes.length, 0)
    expect(after.bytes - after.unnamedBytes).toBe(liveBytes)
    expect(after.bytes).toBeLessThan(before.bytes / 2)
    await expectCompacted(dataDir)
    expect(emulator.status().spool).toMatchObject({bytes: after.bytes, liveBytes})
    for (const [id, bytes] of kept) {
      const raw = await fetch(`${emulator.url}/api/v1/emails/${id}/raw`, {headers: {authorization: `Bearer ${emulator.apiKey}`}})
      expect(Buffer.from(await raw.arrayBuffer()).equals(bytes), id).toBe(true)
    }

    // A restart reads the same bytes where the journal says they moved.
    await emulator.stop()
    emulator = await startTestEmulator({dataDir, spool})
    for (const [id, bytes] of kept) {
      const raw = await fetch(`${emulator.url}/api/v1/emails/${id}/raw`, {headers: {authorization: `Bearer ${emulator.apiKey}`}})
      expect(Buffer.from(await raw.arrayBuffer()).equals(bytes), id).toBe(true)
    }
    // Everything deleted: no byte left.
    for (const id of kept.keys()) expect((await emulator.api('DELETE', `/api/v1/emails/${id}`)).status).toBe(200)
    await emulator.context.mail.raw.idle()
    const empty = await spoolOnDisk(dataDir)
    expect(empty.bytes).toBe(0)
    expect(empty.files.length).toBeLessThanOrEqual(1)
  })

  for (const step of ['copied', 'relocated'] as const) {
    it(`SIGKILL during a compaction (${step === 'copied' ? 'messages copied, records not yet moved' : 'records moved, old segment not yet deleted'}): no acknowledged mail lost, no deleted mail back, and the next start leaves no byte no record names`, async () => {
      const dataDir = await tempDir()
      const run = await runWriter(dataDir, `kill-at-${step}`)
      expect(run.killedAt, `the writer was killed in a compaction (exit ${run.code}, ${run.signal})`).toBe(step)
      expect(run.signal).toBe('SIGKILL')
      // What the kill left: bytes no record names (the copies, or the old segment).
      const left = await spoolOnDisk(dataDir)
      expect(left.unnamedBytes).toBeGreaterThan(0)
      expect([...left.named.values()].filter((bytes) => bytes === null)).toEqual([])

      const emulator = await startTestEmulator({dataDir, spool})
      await emulator.context.mail.raw.idle()
      const emails: Array<{id: string; subject: string}> = (await emulator.api('GET', '/api/v1/emails?limit=1000')).body.data
      const subjects = new Set(emails.map((e) => e.subject))
      // Never asked to be deleted: all there, byte for byte.
      const neverDeleted = run.acknowledged.filter((subject) => Number(subject.split('-').at(-1)) % 3 === 0)
      expect(neverDeleted.filter((subject) => !subjects.has(subject))).toEqual([])
      for (const subject of run.deleted) expect(subjects.has(subject), `${subject} was deleted`).toBe(false)
      for (const email of emails) {
        const raw = await fetch(`${emulator.url}/api/v1/emails/${email.id}/raw`, {headers: {authorization: `Bearer ${emulator.apiKey}`}})
        expect(await raw.text(), email.subject).toBe(seededMail(email.subject))
      }
      // No garbage of the kill survived the start, and what deleted mail is left is within the policy.
      const after = await spoolOnDisk(dataDir)
      expect([...after.named.keys()].length).toBe(emails.length)
      await expectCompacted(dataDir)
      for (const [name, {size, unnamed}] of (await segmentUse(dataDir)).unnamedBySegment) expect(size === 0 || unnamed < size, `${name} is named by some record`).toBe(true)
    })
  }

  it('SIGKILL at chosen moments while 8 senders deliver mail: every acknowledged mail is there after a restart, byte for byte, and not one unacknowledged byte is left', async () => {
    const dataDir = await tempDir()
    const acknowledged: string[] = []
    for (const killAfterMs of [150, 500, 310]) {
      const run = await runWriter(dataDir, 'load', killAfterMs)
      expect(run.signal).toBe('SIGKILL')
      expect(run.acknowledged.length, 'mail was acknowledged before the kill').toBeGreaterThan(0)
      acknowledged.push(...run.acknowledged)
    }
    const emulator = await startTestEmulator({dataDir, spool})
    await emulator.context.mail.raw.idle()
    const emails: Array<{id: string; subject: string}> = (await emulator.api('GET', '/api/v1/emails?limit=5000')).body.data
    const subjects = new Set(emails.map((e) => e.subject))
    expect(acknowledged.filter((subject) => !subjects.has(subject))).toEqual([])
    // (Mail can be stored and not yet acknowledged when the kill comes: more, never fewer.)
    const onDisk = await spoolOnDisk(dataDir)
    expect(onDisk.named.size).toBe(emails.length)
    for (const email of emails) expect(onDisk.named.get(email.id)?.toString(), email.subject).toBe(seededMail(email.subject))
    // Nothing was deleted: every byte is some email's.
    expect(onDisk.unnamedBytes).toBe(0)
  })

  it('a data dir of an older version (one .eml per email): read as it is, then taken into the spool; stray .eml and .part files go', async () => {
    const dataDir = await tempDir()
    // The layout of earlier versions, written through the store: records with rawFile, files beside.
    const store = await Store.open({dataDir})
    const expiresAtMs = Date.now() + 3_600_000
    store.addAddress({id: 'addr-1', email: 'old@junkmail.local', createdAt: new Date().toISOString(), expiresAt: new Date(expiresAtMs).toISOString(), expiresAtMs, status: 'active', expiredAt: null, lifetimeSeconds: 3600, source: 'api'})
    await mkdir(join(dataDir, 'mail'), {mode: 0o700})
    const old = new Map<string, string>()
    for (let i = 0; i < 30; i++) {
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`
      const bytes = seededMail(`old-${i}`)
      old.set(id, bytes)
      await writeFile(join(dataDir, 'mail', `${id}.eml`), bytes, {mode: 0o600})
      store.addEmail({id, addressId: 'addr-1', to: 'old@junkmail.local', messageId: null, from: 'writer@example.com', subject: `old-${i}`, receivedAt: new Date().toISOString(), size: bytes.length, rawFile: `mail/${id}.eml`, envelope: {mailFrom: 'writer@example.com', rcptTo: ['old@junkmail.local'], authUser: null, remoteAddress: null}, parseError: null})
    }
    await store.commit()
    await store.close()
    await writeFile(join(dataDir, 'mail', 'never-acknowledged.eml'), 'x')
    await writeFile(join(dataDir, 'mail', 'half-written.eml.part'), 'x')

    const emulator = await startTestEmulator({dataDir, spool})
    // Read at once (from the .eml, or from the spool if it was taken in already).
    for (const [id, bytes] of old) expect((await emulator.api('GET', `/api/v1/emails/${id}/raw`)).text).toBe(bytes)
    await emulator.context.mail.raw.idle()
    const after = await spoolOnDisk(dataDir)
    expect(after.files.every((name) => name.endsWith('.seg')), after.files.join(', ')).toBe(true)
    expect(after.unnamedBytes).toBe(0)
    for (const [id, bytes] of old) expect(after.named.get(id)?.toString()).toBe(bytes)
    expect(emulator.status().spool.legacyFiles).toBe(0)
    for (const [id, bytes] of old) expect((await emulator.api('GET', `/api/v1/emails/${id}/raw`)).text).toBe(bytes)
    // New mail goes on beside it.
    const sent = await sendOnce(emulator.smtpPort!, {from: 'writer@example.com', to: ['old@junkmail.local'], message: Buffer.from(seededMail('new'))})
    expect((await emulator.api('GET', `/api/v1/emails/${sent.emailIds[0]}/raw`)).text).toBe(seededMail('new'))
  })
})

interface WriterRun {
  acknowledged: string[]
  deleted: string[]
  killedAt: string | null
  code: number | null
  signal: NodeJS.Signals | null
}

/**
 * Runs spool-writer.mjs in `mode`; `killAfterMs`: SIGKILL it that long after its first mail was
 * acknowledged (not after it started: on a loaded machine the first mail can take that long).
 */
async function runWriter(dataDir: string, mode: string, killAfterMs?: number): Promise<WriterRun> {
  const child = spawn(process.execPath, [writer, dataDir, mode], {stdio: ['ignore', 'pipe', 'inherit']})
  const run: WriterRun = {acknowledged: [], deleted: [], killedAt: null, code: null, signal: null}
  const exited = new Promise<void>((resolve) => child.once('exit', (code, signal) => ((run.code = code), (run.signal = signal), resolve())))
  const closed = new Promise<void>((resolve) => child.stdout.once('close', resolve))
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  createInterface({input: child.stdout}).on('line', (line) => {
    if (line.startsWith('killed-at ')) run.killedAt = line.slice('killed-at '.length)
    else if (line.startsWith('+')) {
      if (run.acknowledged.length === 0 && killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs)
      run.acknowledged.push(line.slice(1))
    }
    else if (line.startsWith('-')) run.deleted.push(line.slice(1))
  })
  await Promise.all([exited, closed])
  clearTimeout(timer)
  return run
}
