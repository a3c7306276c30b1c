import {existsSync} from 'node:fs'
import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it, onTestFinished} from 'vitest'
import {readStoreFiles} from '../src/store/store.js'
import {startDevProcess} from './support/dev-process.js'
import {api} from './support/emulator.js'
import {startReceiver} from './support/receiver.js'
import {sendOnce} from './support/smtp-dialogue.js'
import {tempDir} from './support/temp-dir.js'
import {waitUntil} from './support/wait-until.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Reads db.json and db.journal over and over while a test runs; records any moment db.json was not
 * valid JSON or a journal line other than the last (being appended) was not.
 */
function watchStoreFile(file: string) {
  const problems: string[] = []
  let reads = 0
  let running = true
  onTestFinished(() => void (running = false))
  const loop = (async () => {
    while (running) {
      try {
        const text = await readFile(file, 'utf8')
        JSON.parse(text)
        const journal = (await readFile(file.replace(/db\.json$/, 'db.journal'), 'utf8').catch(() => '')).split('\n')
        journal.slice(0, -2).forEach((line) => line && JSON.parse(line))
        reads++
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') problems.push(String(error))
      }
      await sleep(2)
    }
  })()
  return {
    problems,
    reads: () => reads,
    stop: async () => {
      running = false
      await loop
    },
  }
}

describe('crash recovery', () => {
  it('SIGKILL in the middle of a retry cycle: after a restart on the same data dir the remaining attempts still happen', async () => {
    const dataDir = await tempDir()
    const dbFile = join(dataDir, 'db.json')
    const receiver = await startReceiver(() => ({status: 503}))
    const watch = watchStoreFile(dbFile)

    const first = await startDevProcess(['--data-dir', dataDir, '--time-scale', '1200'])
    const client = api(first.ready.baseUrl, first.ready.apiKey)
    const {body: created} = await client('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['email.received']}})
    const {body: triggered} = await client('POST', '/_emulator/v1/events', {body: {event: 'email.received'}})
    const deliveryId: string = triggered.data.deliveries[0].id

    // Wait until attempt 2 is on disk (db.json or its journal), then kill -9 before attempt 3 (due 250 ms later).
    await waitUntil('attempt 2 on disk', async () => {
      const db = await readStoreFiles(dataDir)
      return [...db.attempts.values()].some((a) => a.deliveryId === deliveryId && a.number === 2) ? true : undefined
    })
    first.child.kill('SIGKILL')
    await first.waitForExit()
    expect(receiver.requests).toHaveLength(2)
    const afterKill = await readStoreFiles(dataDir)
    expect(afterKill.deliveries.get(deliveryId)).toMatchObject({status: 'pending', attemptCount: 2})

    // Restart on the same data dir: the stale runtime file of the dead process is taken over.
    const second = await startDevProcess(['--data-dir', dataDir, '--time-scale', '1200'])
    await receiver.waitFor(5, 20_000)
    await second.waitForLine((l) => l.type === 'webhook.disabled')
    const client2 = api(second.ready.baseUrl, second.ready.apiKey)
    const {body: delivery} = await client2('GET', `/_emulator/v1/deliveries/${deliveryId}`)
    expect(delivery.data.status).toBe('failed')
    expect(delivery.data.attempts.map((a: any) => a.number)).toEqual([1, 2, 3, 4, 5])
    const {body: webhook} = await client2('GET', `/api/v1/webhooks/${created.data.id}`)
    expect(webhook.data).toMatchObject({enabled: false, failureCount: 5})
    // Attempts 4 and 5 kept their compressed spacing after the restart (30 min → 1.5 s, 2 h → 6 s),
    // within the retry tests' tolerance (no earlier than due, at most 150 ms late).
    const at = receiver.requests.map((r) => r.at)
    expect(at[3] - at[2]).toBeGreaterThanOrEqual(1500 - 2)
    expect(at[3] - at[2]).toBeLessThanOrEqual(1500 + 150)
    expect(at[4] - at[3]).toBeGreaterThanOrEqual(6000 - 2)
    expect(at[4] - at[3]).toBeLessThanOrEqual(6000 + 150)
    expect(receiver.requests).toHaveLength(5)

    second.child.kill('SIGTERM')
    expect(await second.waitForExit()).toBe(0)
    await watch.stop()
    expect(watch.problems).toEqual([])
    expect(watch.reads()).toBeGreaterThan(50)
    await receiver.close()
  }, 40_000)

  it('SIGKILL right after a mail is accepted (250): its email.received was written with it, and is delivered after a restart', async () => {
    const dataDir = await tempDir()
    let answer = false
    const receiver = await startReceiver(() => (answer ? {status: 200, body: 'ok'} : 'hang'))
    const first = await startDevProcess(['--data-dir', dataDir])
    const client = api(first.ready.baseUrl, first.ready.apiKey)
    await client('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['email.received']}})
    const message = Buffer.from('From: a@example.com\r\nSubject: kept\r\n\r\nbody\r\n')
    const sent = await sendOnce(first.ready.smtpPort as number, {from: 'a@example.com', to: ['kill@junkmail.local'], message})
    expect(sent.data?.code).toBe(250)
    const [emailId] = sent.emailIds
    // The email and its event share one journal line: there is no moment when one is on disk alone.
    const journal = (await readFile(join(dataDir, 'db.journal'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l))
    const line = journal.find((l) => l.ops.some((op: any) => op.c === 'emails' && op.r?.id === emailId))
    const event = line?.ops.find((op: any) => op.c === 'events' && op.r?.type === 'email.received')
    expect(event && JSON.parse(event.r.body).data.emailId).toBe(emailId)
    expect(line.ops.some((op: any) => op.c === 'deliveries' && op.r.eventId === event.r.id)).toBe(true)
    first.child.kill('SIGKILL')
    await first.waitForExit()

    answer = true
    const second = await startDevProcess(['--data-dir', dataDir])
    // The resumed attempt is printed like any other (the listeners are on before the backlog resumes).
    const delivered = await second.waitForLine((l) => l.type === 'attempt' && l.outcome === 'success')
    expect(delivered.eventId).toBe(event.r.id)
    const bodies = receiver.requests.map((r) => JSON.parse(r.body.toString('utf8')))
    expect(bodies.at(-1)).toMatchObject({event: 'email.received', data: {emailId, subject: 'kept'}})
    second.child.kill('SIGTERM')
    expect(await second.waitForExit()).toBe(0)
    await receiver.close()
  })

  it('SIGTERM stops cleanly: the store is flushed, the runtime file removed, pending retries kept', async () => {
    const dataDir = await tempDir()
    const receiver = await startReceiver(() => ({status: 500}))
    const dev = await startDevProcess(['--data-dir', dataDir, '--time-scale', '1'])
    const client = api(dev.ready.baseUrl, dev.ready.apiKey)
    await client('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['address.deleted']}})
    await client('POST', '/_emulator/v1/events', {body: {event: 'address.deleted', wait: true}})
    dev.child.kill('SIGTERM')
    expect(await dev.waitForExit()).toBe(0)
    expect(dev.lines.at(-1)).toMatchObject({type: 'stopped', pendingDeliveries: 1})
    const db = JSON.parse(await readFile(join(dataDir, 'db.json'), 'utf8'))
    expect(db.deliveries[0]).toMatchObject({status: 'pending', attemptCount: 1})
    expect(db.attempts).toHaveLength(1)
    await expect(readFile(join(dataDir, 'runtime.json'))).rejects.toThrow(/ENOENT/)
    await receiver.close()
  })

  it('SIGHUP (the terminal was closed) stops cleanly like SIGTERM: store flushed, runtime file removed', async () => {
    const dataDir = await tempDir()
    const dev = await startDevProcess(['--data-dir', dataDir])
    await api(dev.ready.baseUrl, dev.ready.apiKey)('POST', '/api/v1/addresses', {body: {localPart: 'hup'}})
    dev.child.kill('SIGHUP')
    expect(await dev.waitForExit()).toBe(0)
    expect(existsSync(join(dataDir, 'runtime.json'))).toBe(false)
    const db = JSON.parse(await readFile(join(dataDir, 'db.json'), 'utf8'))
    expect(db.addresses.map((a: any) => a.email)).toEqual(['hup@junkmail.local'])
  })

  it('its output closed (`junkmail dev --json | head -1`): the next line written stops it cleanly instead of crashing', async () => {
    const dataDir = await tempDir()
    const dev = await startDevProcess(['--data-dir', dataDir])
    dev.child.stdout!.destroy()
    await api(dev.ready.baseUrl, dev.ready.apiKey)('POST', '/_emulator/v1/events', {body: {event: 'address.created'}})
    expect(await dev.waitForExit()).toBe(0)
    expect(dev.stderr()).toBe('')
    expect(existsSync(join(dataDir, 'runtime.json'))).toBe(false)
  })

  it('a corrupt db.json stops the start with a message naming the file, and the file is left as it was', async () => {
    const dataDir = await tempDir()
    const dbFile = join(dataDir, 'db.json')
    await writeFile(dbFile, '{"version":1,"webhooks":[{"id":')
    const {runCli} = await import('./support/cli.js')
    const result = await runCli(['dev', '--port', '0', '--smtp-port', '0', '--data-dir', dataDir])
    expect(result.code).toBe(1)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toContain(dbFile)
    expect(await readFile(dbFile, 'utf8')).toBe('{"version":1,"webhooks":[{"id":')
  })

  it('a runtime.json naming a live process that is not a junkmail emulator here (pid reused) is taken over with a one-line notice; one being started is not', async () => {
    const {runCli} = await import('./support/cli.js')
    const {stat} = await import('node:fs/promises')
    const runtime = (dataDir: string, info: object) => writeFile(join(dataDir, 'runtime.json'), JSON.stringify(info))
    // pid 1 is always running (after a container restart it is the stale file's pid); nothing answers at its old API URL.
    const first = await tempDir()
    await runtime(first, {pid: 1, startedAt: '2026-01-01T00:00:00Z', apiUrl: 'http://127.0.0.1:9', apiKey: 'jm_test_local'})
    const dev = await startDevProcess(['--data-dir', first])
    expect(await dev.waitForLine((l) => l.type === 'notice')).toMatchObject({
      message: `took over ${join(first, 'runtime.json')}: it named pid 1, which is running, but no junkmail emulator answers at http://127.0.0.1:9`,
    })
    expect(JSON.parse(await readFile(join(first, 'runtime.json'), 'utf8')).pid).toBe(dev.child.pid)
    expect((await stat(join(first, 'runtime.json'))).mode & 0o777).toBe(0o600)

    // A live process (this test's) whose URL answers, but not as junkmail.
    const receiver = await startReceiver(() => ({status: 200, body: '{"data":{"pid":1}}', headers: {'content-type': 'application/json'}}))
    const second = await tempDir()
    await runtime(second, {pid: process.pid, startedAt: new Date().toISOString(), apiUrl: receiver.url, apiKey: 'jm_test_local'})
    const other = await startDevProcess(['--data-dir', second])
    expect((await other.waitForLine((l) => l.type === 'notice')).message).toBe(
      `took over ${join(second, 'runtime.json')}: it named pid ${process.pid}, which is running, but its API at ${receiver.url} answers as something else`,
    )

    // A live process that claimed the dir a moment ago and has not written its API URL yet: busy.
    const third = await tempDir()
    await runtime(third, {pid: process.pid, startedAt: new Date().toISOString()})
    const busy = await runCli(['dev', '--port', '0', '--smtp-port', '0', '--data-dir', third])
    expect(busy.code).toBe(1)
    expect(busy.stderr).toContain(`another junkmail emulator (pid ${process.pid}) is already using ${third}`)
    // The same claim, ten minutes old: it never finished starting, so it is taken over.
    await runtime(third, {pid: process.pid, startedAt: new Date(Date.now() - 600_000).toISOString()})
    const late = await startDevProcess(['--data-dir', third])
    expect((await late.waitForLine((l) => l.type === 'notice')).message).toMatch(/it named pid \d+, which is running but never finished starting an emulator here \(claimed 60\d s ago\)$/)
    await receiver.close()
  })

  it('a data dir junkmail creates is 0700, its runtime.json 0600 (they hold the API key and private mail)', async () => {
    const {stat} = await import('node:fs/promises')
    const parent = await tempDir()
    const dataDir = join(parent, 'new', '.junkmail')
    await startDevProcess(['--data-dir', dataDir])
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700)
    expect((await stat(join(dataDir, 'runtime.json'))).mode & 0o777).toBe(0o600)
  })

  it('a second emulator on the same data dir refuses to start and says which process owns it', async () => {
    const dataDir = await tempDir()
    const first = await startDevProcess(['--data-dir', dataDir])
    const {runCli} = await import('./support/cli.js')
    const result = await runCli(['dev', '--port', '0', '--smtp-port', '0', '--data-dir', dataDir])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(new RegExp(`pid ${first.child.pid}`))
    expect(result.stderr).toContain('--in-memory')
    // The first one is untouched.
    const {status} = await api(first.ready.baseUrl, first.ready.apiKey)('GET', '/_emulator/v1/health')
    expect(status).toBe(200)
  })
})
