import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {JournalCorruptError, readStoreFiles, Store} from '../src/store/store.js'
import {runCli} from './support/cli.js'
import {startDevProcess} from './support/dev-process.js'
import {webhookRecord} from './support/records.js'
import {tempDir} from './support/temp-dir.js'

const webhook = webhookRecord
const line = (s: number, ops: object[]) => `${JSON.stringify({s, ops})}\n`
const put = (id: string, changes: object = {}) => ({c: 'webhooks', r: webhook(id, changes)})

/** A data dir whose db.json is empty (batch 0) and whose db.journal is `journal`, as a crash leaves them. */
async function dataDirWith(journal: string, rotated?: string): Promise<{dataDir: string; files: Record<string, string>}> {
  const dataDir = await tempDir()
  await (await Store.open({dataDir})).close()
  await writeFile(join(dataDir, 'db.journal'), journal)
  if (rotated !== undefined) await writeFile(join(dataDir, 'db.journal.1'), rotated)
  const files: Record<string, string> = {}
  for (const name of ['db.json', 'db.journal', ...(rotated === undefined ? [] : ['db.journal.1'])]) files[name] = await readFile(join(dataDir, name), 'utf8')
  return {dataDir, files}
}

/** Store.open and readStoreFiles both refuse the data dir with this message, and leave every file as it was. */
async function expectRefused(dataDir: string, files: Record<string, string>, message: string | RegExp): Promise<void> {
  const opened = await Store.open({dataDir}).then(
    () => null,
    (error: unknown) => error,
  )
  expect(opened).toBeInstanceOf(JournalCorruptError)
  if (typeof message === 'string') expect((opened as Error).message).toBe(message)
  else expect((opened as Error).message).toMatch(message)
  await expect(readStoreFiles(dataDir)).rejects.toThrow(message)
  for (const [name, text] of Object.entries(files)) expect(await readFile(join(dataDir, name), 'utf8'), name).toBe(text)
}

const advice = 'Nothing was changed: fix or remove that line (or move the data dir away), then start again.'

describe('replaying a hand-damaged journal', () => {
  it('a batch without its list of changes ({"s":N}) is refused, naming the file and the line', async () => {
    const {dataDir, files} = await dataDirWith(line(1, [put('w1')]) + '{"s":2}\n' + line(3, [put('w2')]))
    await expectRefused(dataDir, files, `${join(dataDir, 'db.journal')} line 2: "ops" (the list of changes) is missing or not a list. ${advice}`)
  })

  it('an op naming something other than a collection ("__proto__", "constructor") is refused', async () => {
    for (const c of ['__proto__', 'constructor', 'toString']) {
      const {dataDir, files} = await dataDirWith(line(1, [put('w1')]) + line(2, [{c, r: {id: 'x'}}]))
      await expectRefused(
        dataDir,
        files,
        `${join(dataDir, 'db.journal')} line 2: ops[0]: unknown collection "${c}" (known: webhooks, addresses, emails, resources, events, deliveries, attempts, apiKeys). ${advice}`,
      )
    }
  })

  it('a garbage line in the middle is refused instead of skipped (the change it held would be lost silently)', async () => {
    const {dataDir, files} = await dataDirWith(line(1, [put('w1')]) + 'garbage\n' + line(3, [put('w1', {failureCount: 3})]))
    // (The parser's own words differ between Node versions.)
    const start = `${join(dataDir, 'db.journal')} line 2: not valid JSON (`
    await expectRefused(dataDir, files, new RegExp(`^${escape(start)}[^\\n]+\\)\\. ${escape(advice)}$`))
  })

  it('ops without a record id, with both or neither of "r" and "d", and batch numbers that do not increase are refused', async () => {
    const cases: Array<[string, string]> = [
      [line(1, [{c: 'webhooks', r: {url: 'x'}}]), 'line 1: ops[0].r has no "id"'],
      [line(1, [{c: 'apiKeys', r: {id: 'x'}}]), 'line 1: ops[0].r has no "key"'],
      [line(1, [{c: 'webhooks', r: webhook('w1'), d: 'w1'}]), 'line 1: ops[0] must have either "r" (a record) or "d" (the id of one to delete)'],
      [line(1, [{c: 'webhooks'}]), 'line 1: ops[0] must have either "r" (a record) or "d" (the id of one to delete)'],
      [line(1, [{c: 'webhooks', d: 7}]), 'line 1: ops[0].d is not a string'],
      [line(1, [put('w1')]) + line(1, [put('w2')]), 'line 2: batch 1 comes after batch 1: batch numbers must increase'],
      ['[1,2]\n', 'line 1: not a JSON object'],
      ['{"s":0,"ops":[]}\n', 'line 1: "s" (the batch number) is missing or not a positive integer'],
    ]
    for (const [journal, reason] of cases) {
      const {dataDir, files} = await dataDirWith(journal)
      await expectRefused(dataDir, files, `${join(dataDir, 'db.journal')} ${reason}. ${advice}`)
    }
  })

  it('a torn tail in db.journal.1 (which db.journal follows) is refused: only the very last line may be torn', async () => {
    const {dataDir, files} = await dataDirWith(line(2, [put('w2')]), line(1, [put('w1')]) + '{"s":2,"ops":[{"c":"webh')
    await expectRefused(
      dataDir,
      files,
      `${join(dataDir, 'db.journal.1')} line 2: the last line is cut short (no newline at its end), in a journal that later lines follow. ${advice}`,
    )
  })

  it('a torn last line (a crash in the middle of an append) is dropped and reported; every line before it is applied; blank lines change nothing', async () => {
    const torn = '{"s":3,"ops":[{"c":"webhooks","r":{"id":"w3"'
    const {dataDir} = await dataDirWith(line(1, [put('w1')]) + '\n' + line(2, [put('w2')]) + torn)
    expect([...(await readStoreFiles(dataDir)).webhooks.keys()]).toEqual(['w1', 'w2'])
    const store = await Store.open({dataDir})
    expect(store.tornLine).toEqual({file: join(dataDir, 'db.journal'), line: 4, bytes: torn.length})
    expect(store.listWebhooks().map((w) => w.id)).toEqual(['w1', 'w2'])
    await store.close()
    // A whole line without its newline is torn too: the append did not complete, so nobody was told it was written.
    const whole = line(3, [put('w3')]).trimEnd()
    const second = await dataDirWith(line(1, [put('w1')]) + whole)
    const reopened = await Store.open({dataDir: second.dataDir})
    expect(reopened.tornLine).toEqual({file: join(second.dataDir, 'db.journal'), line: 2, bytes: whole.length})
    expect(reopened.listWebhooks().map((w) => w.id)).toEqual(['w1'])
    await reopened.close()
  })

  it('junkmail dev on a damaged journal: one line naming the file and the line, exit 1, the journal left as it was', async () => {
    const journal = line(1, [put('w1')]) + '{"s":2}\n'
    const {dataDir} = await dataDirWith(journal)
    const result = await runCli(['dev', '--port', '0', '--smtp-port', '0', '--data-dir', dataDir])
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(`Error: ${join(dataDir, 'db.journal')} line 2: "ops" (the list of changes) is missing or not a list. ${advice}\n`)
    expect(await readFile(join(dataDir, 'db.journal'), 'utf8')).toBe(journal)
  })

  it('junkmail dev after a crash that tore the last line: a warning line (NDJSON and text) names it, and the store starts with everything before it', async () => {
    const torn = '{"s":2,"ops":[{"c":"webhooks","r":{"id"'
    const {dataDir} = await dataDirWith(line(1, [put('w1')]) + torn)
    const file = join(dataDir, 'db.journal')
    const message = `dropped the torn last line 2 of ${file} (${torn.length} bytes): a write cut short by a crash, never acknowledged; nothing committed was lost`
    const dev = await startDevProcess(['--data-dir', dataDir])
    expect(dev.lines[0].type).toBe('ready')
    const warning = await dev.waitForLine((l) => l.type === 'warning')
    expect(warning).toEqual({type: 'warning', time: expect.any(String), code: 'torn_journal_line', message, file, line: 2, bytes: torn.length})
    expect(dev.lines.indexOf(warning)).toBe(1)
    const {body} = await fetch(`${dev.ready.apiUrl}/webhooks`, {headers: {authorization: `Bearer ${dev.ready.apiKey}`}}).then(async (r) => ({body: await r.json()}))
    expect(body.data.map((w: {id: string}) => w.id)).toEqual(['w1'])
    dev.child.kill('SIGTERM')
    expect(await dev.waitForExit()).toBe(0)

    // In text mode too (the torn line is gone now: cut off at the first start; tear it again).
    const seq: number = JSON.parse(await readFile(join(dataDir, 'db.json'), 'utf8')).journalSeq
    const tornAgain = torn.replace('"s":2', `"s":${seq + 2}`)
    await writeFile(file, line(seq + 1, [put('w2')]) + tornAgain)
    const {PassThrough} = await import('node:stream')
    const {runDevSession} = await import('../src/cli/dev-session.js')
    const out = new PassThrough()
    let text = ''
    out.on('data', (chunk: Buffer) => (text += chunk))
    const controller = new AbortController()
    const session = runDevSession({port: 0, smtpPort: false, dataDir, json: false, out, signal: controller.signal})
    for (let i = 0; i < 200 && !text.includes('warning'); i++) await new Promise((resolve) => setTimeout(resolve, 10))
    controller.abort()
    await session
    const lines = text.split('\n').filter((l) => l.includes('warning'))
    expect(lines).toHaveLength(1)
    expect(lines[0].slice(12)).toBe(`  warning: ${message.replace(`(${torn.length} bytes)`, `(${tornAgain.length} bytes)`)}`)
    expect(lines[0].slice(0, 12)).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/)
  })
})

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
