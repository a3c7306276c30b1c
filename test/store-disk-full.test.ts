import {readFile, rm} from 'node:fs/promises'
import {join} from 'node:path'
import {PassThrough} from 'node:stream'
import {describe, expect, it} from 'vitest'
import {runDevSession} from '../src/cli/dev-session.js'
import {readStoreFiles} from '../src/store/store.js'
import {api, type Api, startTestEmulator} from './support/emulator.js'
import {startDevProcess} from './support/dev-process.js'
import {startReceiver} from './support/receiver.js'
import {skipBecause} from './support/skip.js'
import {fillDisk, smallDisk, tmpfsUnavailable} from './support/small-disk.js'
import {ehlo, sendOnce} from './support/smtp-dialogue.js'
import {deliveriesSettled, waitUntil} from './support/wait-until.js'

const mail = (to: string, subject: string) => Buffer.from(`From: sender@example.com\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\nbody\r\n`)

/**
 * Fills the disk, then creates API keys (the shortest journal line there is) until the store refuses
 * three in a row: what room is left in the journal's last page is then too small for any change.
 * Returns the keys answered 201: each is durable and must survive.
 */
async function fillUntilRefused(api: Api, disk: string): Promise<string[]> {
  await fillDisk(join(disk, 'filler'))
  const created: string[] = []
  for (let i = 0, refusals = 0; i < 500 && refusals < 3; i++) {
    const {status, body} = await api('POST', '/_emulator/v1/api-keys', {body: {scopes: ['emails:read']}})
    if (status === 201) {
      created.push(body.data.key)
      refusals = 0
    } else {
      expect({status, code: body?.error?.code}).toEqual({status: 503, code: 'store_unavailable'})
      refusals++
    }
  }
  return created
}

/** Each key works: answered with success, it was kept. */
async function expectKeysWork(baseUrl: string, keys: string[]): Promise<void> {
  for (const key of keys) expect((await api(baseUrl, key)('GET', '/api/v1/emails')).status, key).toBe(200)
}

/** CPU time (user + system) a process has used, in ms, from /proc (Linux clock ticks of 10 ms). */
async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

describe('a full disk (a real tmpfs)', () => {
  it('a change the store cannot write is answered 503 and leaves no trace, in memory or after a restart; reads go on; every change answered with success survives', async (context) => {
    if (tmpfsUnavailable) skipBecause(context, tmpfsUnavailable)
    const disk = await smallDisk(512 * 1024)
    const dataDir = join(disk, 'data')
    let emulator = await startTestEmulator({dataDir})
    const reported: string[] = []
    emulator.events.on('store.error', ({error}) => reported.push(`error ${(error as NodeJS.ErrnoException).code}`))
    emulator.events.on('store.recovered', () => reported.push('recovered'))
    const hook = (await emulator.api('POST', '/api/v1/webhooks', {body: {url: 'http://127.0.0.1:1/hook', events: ['email.deleted']}})).body.data
    const kept = (await emulator.api('POST', '/api/v1/addresses', {body: {localPart: 'kept'}})).body.data
    const stored = await sendOnce(emulator.smtpPort!, {from: 'sender@example.com', to: ['kept@junkmail.local'], message: mail('kept@junkmail.local', 'kept')})
    expect(stored.data?.code).toBe(250)

    const keys = await fillUntilRefused(emulator.api, disk)
    // A webhook: 503, and it does not exist (it used to be there, enabled, with a secret nobody saw).
    const refused = await emulator.api('POST', '/api/v1/webhooks', {body: {url: 'http://127.0.0.1:2/hook', events: ['email.received']}})
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('2')
    expect(refused.body.error).toEqual({status: 503, code: 'store_unavailable', message: 'the store could not be written, so nothing was changed: ENOSPC: no space left on device, write'})
    expect((await emulator.api('GET', '/api/v1/webhooks')).body.data.map((w: any) => w.id)).toEqual([hook.id])
    // An address: the same, and so is deleting one (it keeps its mail).
    expect((await emulator.api('POST', '/api/v1/addresses', {body: {localPart: 'refused'}})).status).toBe(503)
    expect((await emulator.api('DELETE', `/api/v1/addresses/${kept.id}`)).status).toBe(503)
    expect((await emulator.api('GET', `/api/v1/addresses/${kept.id}/emails`)).body.data.map((e: any) => e.subject)).toEqual(['kept'])
    // A trigger, expiring an address: the same.
    expect((await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'address.created'}})).status).toBe(503)
    expect((await emulator.api('POST', `/_emulator/v1/addresses/${kept.id}/expire`)).status).toBe(503)
    // SMTP: RCPT to an address that must be created gets 451 and creates nothing; DATA to a known one 451, nothing stored.
    const {smtp} = await ehlo(emulator.smtpPort!)
    expect((await smtp.command('MAIL FROM:<sender@example.com>')).code).toBe(250)
    expect((await smtp.command('RCPT TO:<new-address@junkmail.local>')).code).toBe(451)
    expect((await smtp.command('RCPT TO:<kept@junkmail.local>')).code).toBe(250)
    expect((await smtp.data(mail('kept@junkmail.local', 'refused'))).code).toBe(451)
    await smtp.quit()
    // What a client reads is what the store holds, and what a restart would read.
    const listed = (await emulator.api('GET', '/api/v1/addresses?limit=1000')).body.data
    expect(listed.map((a: any) => [a.id, a.status])).toEqual([[kept.id, 'active']])
    expect((await emulator.api('GET', '/api/v1/emails')).body.data.map((e: any) => e.subject)).toEqual(['kept'])
    const eventTypes = async () => (await emulator.api('GET', '/_emulator/v1/events?limit=1000')).body.data.map((e: any) => e.type).reverse()
    // Only what was answered with success: kept's address.created and email.received.
    const events = ['address.created', 'email.received']
    expect(await eventTypes()).toEqual(events)
    const files = await readStoreFiles(dataDir)
    expect([...files.webhooks.keys()]).toEqual([hook.id])
    expect([...files.addresses.keys()]).toEqual([kept.id])
    expect(keys.filter((key) => !files.apiKeys.has(key))).toEqual([])
    expect([...files.emails.values()].map((e) => e.subject)).toEqual(['kept'])
    // Reads went on meanwhile, and the failure was reported once.
    expect(reported).toEqual(['error ENOSPC'])
    expect((await emulator.api('GET', '/_emulator/v1/status')).body.data.storeError).toBe('ENOSPC: no space left on device, write')

    // Room again: the store notices by itself (no write needed), and changes are taken again.
    await rm(join(disk, 'filler'))
    await waitUntil('store.recovered', () => (reported.includes('recovered') ? true : undefined), 5000)
    expect(reported).toEqual(['error ENOSPC', 'recovered'])
    const after = (await emulator.api('POST', '/api/v1/webhooks', {body: {url: 'http://127.0.0.1:3/hook', events: ['email.received']}})).body.data
    await emulator.stop()

    emulator = await startTestEmulator({dataDir})
    expect((await emulator.api('GET', '/api/v1/webhooks')).body.data.map((w: any) => w.id)).toEqual([hook.id, after.id])
    expect((await emulator.api('GET', '/api/v1/addresses?limit=1000')).body.data.map((a: any) => [a.id, a.status])).toEqual([[kept.id, 'active']])
    await expectKeysWork(emulator.url, keys)
    expect((await emulator.api('GET', '/api/v1/emails')).body.data.map((e: any) => e.subject)).toEqual(['kept'])
    expect(await eventTypes()).toEqual(events)
  })

  it('a mail refused with 451 never has its email.received sent, even after a restart; a retry due while the store cannot write waits for it, then goes once', async (context) => {
    if (tmpfsUnavailable) skipBecause(context, tmpfsUnavailable)
    const disk = await smallDisk(512 * 1024)
    const dataDir = join(disk, 'data')
    const receiver = await startReceiver((r) => (receiver.requests.indexOf(r) === 0 ? {status: 500} : {status: 200}))
    // The first retry comes 60 s / 15 = 4 s after the first attempt.
    let emulator = await startTestEmulator({dataDir, timeScale: 15, scaleAddressLifetimes: true})
    const recovered = new Promise<void>((resolve) => emulator.events.once('store.recovered', () => resolve()))
    await emulator.api('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['email.received']}})
    await emulator.api('POST', '/api/v1/addresses', {body: {localPart: 'inbox'}})
    const first = await sendOnce(emulator.smtpPort!, {from: 'sender@example.com', to: ['inbox@junkmail.local'], message: mail('inbox@junkmail.local', 'first')})
    expect(first.data?.code).toBe(250)
    await receiver.waitFor(1)
    const delivery = await waitUntil('attempt 1 recorded', () => emulator.context.store.listDeliveries()[0]?.attemptCount === 1 ? emulator.context.store.listDeliveries()[0] : undefined)
    await emulator.context.store.commit()

    const keys = await fillUntilRefused(emulator.api, disk)
    expect(Date.now(), 'the store failed before the retry was due').toBeLessThan(delivery.nextAttemptAt!)
    const second = await sendOnce(emulator.smtpPort!, {from: 'sender@example.com', to: ['inbox@junkmail.local'], message: mail('inbox@junkmail.local', 'second')})
    expect(second.data?.code).toBe(451)
    // The retry's time comes and goes: held, since its result could not be recorded.
    await new Promise((resolve) => setTimeout(resolve, delivery.nextAttemptAt! - Date.now() + 500))
    expect(receiver.requests).toHaveLength(1)

    await rm(join(disk, 'filler'))
    await recovered
    await receiver.waitFor(2)
    await deliveriesSettled(emulator.api)
    await emulator.stop()
    emulator = await startTestEmulator({dataDir, timeScale: 15, scaleAddressLifetimes: true})
    await deliveriesSettled(emulator.api)
    expect((await emulator.api('GET', '/api/v1/emails')).body.data.map((e: any) => e.subject)).toEqual(['first'])
    const received = (await emulator.api('GET', '/_emulator/v1/events?type=email.received')).body.data
    expect(received.map((e: any) => e.payload.data.subject)).toEqual(['first'])
    // Attempt 1 (500) and its retry (200), of the first mail's event; nothing of the second.
    expect(receiver.requests.map((r) => JSON.parse(r.body.toString()).data.subject)).toEqual(['first', 'first'])
    await expectKeysWork(emulator.url, keys)
    await receiver.close()
  }, 30_000)

  it('an address whose expiry comes while the store cannot write stays active, then expires once it can (address.expired sent once); one created on the full disk never expires', async (context) => {
    if (tmpfsUnavailable) skipBecause(context, tmpfsUnavailable)
    const disk = await smallDisk(512 * 1024)
    const dataDir = join(disk, 'data')
    const receiver = await startReceiver()
    // Lifetimes of 180 s and 60 s take 3 s and 1 s at time scale 60.
    let emulator = await startTestEmulator({dataDir, timeScale: 60, scaleAddressLifetimes: true})
    const recovered = new Promise<void>((resolve) => emulator.events.once('store.recovered', () => resolve()))
    await emulator.api('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['address.expired']}})
    const soon = (await emulator.api('POST', '/api/v1/addresses', {body: {localPart: 'soon', lifetime: 180}})).body.data
    await fillUntilRefused(emulator.api, disk)
    expect(Date.now(), 'the store failed before the expiry was due').toBeLessThan(Date.parse(soon.expiresAt))
    expect((await emulator.api('POST', '/api/v1/addresses', {body: {localPart: 'ghost', lifetime: 60}})).status).toBe(503)
    // Its time comes and goes: the expiry could not be written, so it did not happen.
    await new Promise((resolve) => setTimeout(resolve, Date.parse(soon.expiresAt) - Date.now() + 500))
    expect((await emulator.api('GET', `/api/v1/addresses/${soon.id}`)).body.data.status).toBe('active')
    expect((await emulator.api('GET', '/_emulator/v1/events?type=address.expired')).body.data).toEqual([])

    await rm(join(disk, 'filler'))
    await recovered
    await receiver.waitFor(1)
    await deliveriesSettled(emulator.api)
    expect((await emulator.api('GET', `/api/v1/addresses/${soon.id}`)).body.data.status).toBe('expired')
    await emulator.stop()
    emulator = await startTestEmulator({dataDir, timeScale: 60, scaleAddressLifetimes: true})
    await deliveriesSettled(emulator.api)
    expect((await emulator.api('GET', '/api/v1/addresses')).body.data.map((a: any) => [a.email, a.status])).toEqual([['soon@junkmail.local', 'expired']])
    expect((await emulator.api('GET', '/_emulator/v1/events?type=address.expired')).body.data.map((e: any) => e.payload.data.email)).toEqual(['soon@junkmail.local'])
    expect(receiver.requests.map((r) => JSON.parse(r.body.toString()).data.email)).toEqual(['soon@junkmail.local'])
    await receiver.close()
  }, 30_000)

  it('junkmail dev: one store.error line when writing starts failing, one store.recovered line when it works again, and an idle CPU in between', async (context) => {
    if (tmpfsUnavailable) skipBecause(context, tmpfsUnavailable)
    const disk = await smallDisk(512 * 1024)
    const dataDir = join(disk, 'data')
    const dev = await startDevProcess(['--data-dir', dataDir, '--no-smtp'])
    const client = api(dev.ready.baseUrl, dev.ready.apiKey)
    const keys = await fillUntilRefused(client, disk)
    const cpuBefore = await cpuMs(dev.child.pid!)
    const started = Date.now()
    for (let i = 0; i < 10; i++) expect((await client('POST', '/api/v1/webhooks', {body: {url: 'http://127.0.0.1:1/', events: ['email.received']}})).status).toBe(503)
    await new Promise((resolve) => setTimeout(resolve, 2000))
    const cpuShare = (await cpuMs(dev.child.pid!)) - cpuBefore
    const elapsed = Date.now() - started
    // It used to retry at once, forever: a whole core for as long as the disk was full.
    expect(cpuShare / elapsed, `${cpuShare} ms of CPU in ${elapsed} ms`).toBeLessThan(0.2)
    expect(dev.lines.filter((l) => l.type === 'store.error')).toEqual([
      {type: 'store.error', time: expect.any(String), message: 'ENOSPC: no space left on device, write', code: 'ENOSPC', file: join(dataDir, 'db.journal')},
    ])
    // Reads are served meanwhile.
    expect((await client('GET', '/api/v1/webhooks')).status).toBe(200)

    await rm(join(disk, 'filler'))
    const recovered = await dev.waitForLine((l) => l.type === 'store.recovered')
    expect(recovered).toEqual({type: 'store.recovered', time: expect.any(String), failedForMs: expect.any(Number), rolledBackChanges: expect.any(Number)})
    expect(recovered.rolledBackChanges).toBeGreaterThanOrEqual(11)
    expect((await client('POST', '/api/v1/webhooks', {body: {url: 'http://127.0.0.1:1/', events: ['email.received']}})).status).toBe(201)
    expect(dev.lines.filter((l) => l.type.startsWith('store.')).map((l) => l.type)).toEqual(['store.error', 'store.recovered'])
    await expectKeysWork(dev.ready.baseUrl, keys)
  })

  it('junkmail dev in text mode: one "store error" line and one "store recovered" line', async (context) => {
    if (tmpfsUnavailable) skipBecause(context, tmpfsUnavailable)
    const disk = await smallDisk(512 * 1024)
    const dataDir = join(disk, 'data')
    const out = new PassThrough()
    let text = ''
    out.on('data', (chunk: Buffer) => (text += chunk))
    const controller = new AbortController()
    const session = runDevSession({port: 0, smtpPort: false, dataDir, json: false, out, signal: controller.signal})
    const ready = await waitUntil('the ready text', () => /API +(http\S+)\/api\/v1\n +API key +(\S+)/.exec(text) ?? undefined)
    const client = api(ready[1], ready[2])
    await fillUntilRefused(client, disk)
    for (let i = 0; i < 5; i++) expect((await client('POST', '/api/v1/addresses', {body: {}})).status).toBe(503)
    await rm(join(disk, 'filler'))
    await waitUntil('the recovered line', () => (text.includes('store recovered') ? true : undefined), 5000)
    controller.abort()
    await session
    const lines = text.split('\n').filter((l) => /^\S+ {2}store (error|recovered)/.test(l))
    expect(lines).toHaveLength(2)
    expect(lines[0].slice(12)).toBe(
      `  store error: cannot write ${join(dataDir, 'db.journal')}: ENOSPC: no space left on device, write. Until it can, changes are refused and undone (the API answers 503, SMTP 451); reads go on`,
    )
    expect(lines[1].slice(12)).toMatch(/^ {2}store recovered: writing works again after [\d.]+ m?s; \d+ changes were refused meanwhile$/)
  })
})
