import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runCli} from './support/cli.js'
import {startDevProcess} from './support/dev-process.js'
import {api} from './support/emulator.js'
import {seededBytes} from './support/seeded-bytes.js'
import {tempDir} from './support/temp-dir.js'

const json = (text: string) => JSON.parse(text)
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

// The mail commands, run as a user would (child processes finding the emulator through its
// runtime file), checked against what the emulator's API says.
describe('mail commands: send, addresses *, emails *', () => {
  it('addresses create/list/get/expire/delete, with --json and as text', async () => {
    const cwd = await tempDir()
    const dev = await startDevProcess([], {cwd}) // default time scale 60
    const client = api(dev.ready.baseUrl, dev.ready.apiKey)
    const cli = (...args: string[]) => runCli(args, {cwd})

    const created = await cli('addresses', 'create', '--local-part', 'signup-test', '--lifetime', '600', '--json')
    expect(created.code, created.stderr).toBe(0)
    const address = json(created.stdout)
    expect(Object.keys(address)).toEqual(['id', 'email', 'createdAt', 'expiresAt', 'status', 'expiredAt'])
    expect(address).toMatchObject({id: expect.stringMatching(UUID), email: 'signup-test@junkmail.local', status: 'active', expiredAt: null})
    // 600 s of emulator time, as asked (the time scale compresses retries, not lifetimes, by default).
    expect(Date.parse(address.expiresAt) - Date.parse(address.createdAt)).toBe(600_000)
    expect((await client('GET', `/api/v1/addresses/${address.id}`)).body.data).toEqual(address)

    const random = await cli('addresses', 'create')
    expect(random.code, random.stderr).toBe(0)
    expect(random.stdout).toMatch(/^Created [a-z]+-[a-z]+-\d{4}@junkmail\.local \([0-9a-f-]{36}\), expires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/)
    const randomId = /\(([0-9a-f-]{36})\)/.exec(random.stdout)![1]

    const listed = await cli('addresses', 'list', '--json')
    expect(json(listed.stdout)).toMatchObject({total: 2, next: null})
    expect(json(listed.stdout).data.map((a: {id: string}) => a.id)).toEqual([randomId, address.id])
    const table = (await cli('addresses', 'list')).stdout
    expect(table.split('\n')[0]).toMatch(/^ID\s+EMAIL\s+STATUS\s+CREATED\s+EXPIRES$/)
    expect(table).toMatch(new RegExp(`${address.id}\\s+signup-test@junkmail\\.local\\s+active\\s`))
    const one = await cli('addresses', 'list', '--limit', '1', '--json')
    // The JSON carries the total and where the next page starts (the API's before=).
    expect(json(one.stdout)).toEqual({data: [expect.objectContaining({id: randomId})], total: 2, next: randomId})
    expect((await client('GET', `/api/v1/addresses?limit=1&before=${randomId}`)).body).toEqual({data: [expect.objectContaining({id: address.id})], total: 2, next: null})
    // Cut short: said (on stderr under --json, after the table otherwise), never silently.
    expect(one.stderr).toBe('1 of 2 (use --limit or --all)\n')
    expect((await cli('addresses', 'list', '--limit', '1')).stdout).toMatch(/\n1 of 2 \(use --limit or --all\)\n$/)
    expect(json((await cli('addresses', 'list', '--all', '--json')).stdout).data).toHaveLength(2)
    expect((await cli('addresses', 'list', '--limit', '2')).stdout).not.toContain('use --limit')

    const got = await cli('addresses', 'get', address.id)
    expect(got.code).toBe(0)
    expect(got.stdout).toBe(
      `Address ${address.id}\n  email    signup-test@junkmail.local\n  status   active\n  created  ${address.createdAt}\n  expires  ${address.expiresAt}\n`,
    )

    const expired = await cli('addresses', 'expire', address.id, '--json')
    expect(expired.code, expired.stderr).toBe(0)
    expect(json(expired.stdout)).toMatchObject({id: address.id, status: 'expired', expiredAt: expect.stringMatching(/Z$/)})
    expect((await client('GET', `/api/v1/addresses/${address.id}`)).body.data.status).toBe('expired')
    const again = await cli('addresses', 'expire', address.id)
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/^Error: .*already expired/)
    expect((await cli('addresses', 'get', address.id)).stdout).toContain(`status   expired (expired ${json(expired.stdout).expiredAt})`)
    const events = (await client('GET', '/_emulator/v1/events')).body.data
    expect(events.map((e: {type: string}) => e.type)).toEqual(['address.expired', 'address.created', 'address.created'])

    const deleted = await cli('addresses', 'delete', randomId)
    expect(deleted.code, deleted.stderr).toBe(0)
    expect(deleted.stdout).toBe('Address deleted successfully\n')
    expect((await client('GET', `/api/v1/addresses/${randomId}`)).status).toBe(404)
    const gone = await cli('addresses', 'get', randomId, '--json')
    expect(gone.code).toBe(1)
    expect(json(gone.stdout).error).toMatchObject({status: 404, field: 'id', message: `no address with id ${randomId}`})

    // Bad input: exit 2 and one line naming the problem.
    for (const args of [['addresses', 'create', '--lifetime', '59'], ['addresses', 'create', '--local-part', 'Not Valid!'], ['addresses', 'get']]) {
      const bad = await cli(...args)
      expect(bad.code, args.join(' ')).toBe(2)
      expect(bad.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1)
    }
    const duplicate = await cli('addresses', 'create', '--local-part', 'signup-test')
    expect(duplicate.code).toBe(1)
    expect(duplicate.stderr).toContain('signup-test@junkmail.local already exists')
  })

  it('send (text, html + attachment, raw .eml), then emails list/get/raw/delete', async () => {
    const cwd = await tempDir()
    const dev = await startDevProcess([], {cwd})
    const client = api(dev.ready.baseUrl, dev.ready.apiKey)
    const cli = (...args: string[]) => runCli(args, {cwd})

    const plain = await cli('send', '--to', 'signup', '--subject', 'Confirm your account', '--text', 'Your code is 123456', '--json')
    expect(plain.code, plain.stderr).toBe(0)
    const sent = json(plain.stdout)
    expect(sent).toMatchObject({accepted: ['signup@junkmail.local'], rejected: [], emailIds: [expect.stringMatching(UUID)]})
    expect(sent.response).toMatch(/^250 2\.0\.0 Ok: queued as [0-9a-f-]{36}$/)
    const [plainId] = sent.emailIds

    const attachment = seededBytes(1, 3000)
    const file = join(cwd, 'invoice.pdf')
    await writeFile(file, attachment)
    const html = await cli('send', '--to', 'alice', '--html', '<p>Hi <b>Alice</b></p>', '--attach', file)
    expect(html.code, html.stderr).toBe(0)
    expect(html.stdout).toMatch(/^Sent to alice@junkmail\.local via 127\.0\.0\.1:\d+: 250 2\.0\.0 Ok: queued as [0-9a-f-]{36}\n$/)
    const htmlId = /queued as ([0-9a-f-]{36})/.exec(html.stdout)![1]

    const eml = Buffer.concat([Buffer.from('From: Raw Sender <raw@example.com>\r\nSubject: raw bytes\r\n\r\n'), seededBytes(2, 500).toString('base64').match(/.{1,76}/g)!.map((l) => Buffer.from(`${l}\r\n`))].flat())
    const emlFile = join(cwd, 'message.eml')
    await writeFile(emlFile, eml)
    const raw = await cli('send', '--to', 'bob@junkmail.local,carol', '--eml', emlFile, '--from', 'raw@example.com', '--json')
    expect(raw.code, raw.stderr).toBe(0)
    expect(json(raw.stdout).accepted).toEqual(['bob@junkmail.local', 'carol@junkmail.local'])
    const rawIds: string[] = json(raw.stdout).emailIds
    expect(rawIds).toHaveLength(2)

    // emails list: all of them, newest first; --address filters; as a table.
    const all = json((await cli('emails', 'list', '--json')).stdout).data
    expect(all.map((e: {id: string}) => e.id)).toEqual([...[...rawIds].reverse(), htmlId, plainId])
    expect(all.find((e: {id: string}) => e.id === plainId)).toMatchObject({to: 'signup@junkmail.local', from: 'sender@example.com', subject: 'Confirm your account'})
    const alice = (await client('GET', `/api/v1/emails/${htmlId}`)).body.data
    expect(json((await cli('emails', 'list', '--address', alice.addressId, '--json')).stdout)).toEqual({data: [expect.objectContaining({id: htmlId})], total: 1, next: null})
    // Page by page, through --all (1,000 at a time) or by hand with before=.
    const firstPage = json((await cli('emails', 'list', '--limit', '2', '--json')).stdout)
    expect(firstPage).toMatchObject({total: all.length, next: all[1].id})
    expect((await client('GET', `/api/v1/emails?limit=2&before=${firstPage.next}`)).body.data.map((e: {id: string}) => e.id)).toEqual(all.slice(2, 4).map((e: {id: string}) => e.id))
    expect((await client('GET', '/api/v1/emails?before=nope')).status).toBe(404)
    const table = (await cli('emails', 'list')).stdout
    expect(table.split('\n')[0]).toMatch(/^ID\s+TO\s+FROM\s+SUBJECT\s+RECEIVED\s+SIZE$/)
    expect(table).toMatch(new RegExp(`${plainId}\\s+signup@junkmail\\.local\\s+sender@example\\.com\\s+Confirm your account\\s`))

    // emails get: the parsed mail, as text and JSON.
    const got = await cli('emails', 'get', plainId)
    expect(got.code).toBe(0)
    expect(got.stdout).toMatch(/^From: {5}sender@example\.com\nTo: {7}signup@junkmail\.local\nSubject: {2}Confirm your account\nReceived: \S+ \(\d+ bytes, email [0-9a-f-]{36}\)\n\nYour code is 123456\n\n$/)
    const withAttachment = await cli('emails', 'get', htmlId)
    expect(withAttachment.stdout).toContain(`Attached: [0] invoice.pdf application/pdf ${attachment.length} bytes`)
    expect(withAttachment.stdout).toMatch(/\n\n\(HTML only: see --json or the raw message\)\n$/)
    expect(json((await cli('emails', 'get', htmlId, '--json')).stdout)).toMatchObject({id: htmlId, html: '<p>Hi <b>Alice</b></p>', attachments: [{index: 0, filename: 'invoice.pdf', size: attachment.length}]})
    const bytes = await fetch(`${dev.ready.baseUrl}/api/v1/emails/${htmlId}/attachments/0`, {headers: {authorization: `Bearer ${dev.ready.apiKey}`}})
    expect(Buffer.from(await bytes.arrayBuffer()).equals(attachment)).toBe(true)

    // emails raw: the exact bytes on stdout; --json has them base64.
    for (const id of rawIds) {
      const out = await cli('emails', 'raw', id)
      expect(out.code).toBe(0)
      expect(out.stdoutBytes.equals(eml)).toBe(true)
    }
    const rawJson = json((await cli('emails', 'raw', rawIds[0], '--json')).stdout)
    expect(rawJson).toEqual({id: rawIds[0], size: eml.length, raw: eml.toString('base64')})

    // emails delete: gone from the API and the CLI; the other recipient's copy stays.
    const deleted = await cli('emails', 'delete', rawIds[0])
    expect(deleted.code, deleted.stderr).toBe(0)
    expect(deleted.stdout).toBe('Email deleted successfully\n')
    expect((await client('GET', `/api/v1/emails/${rawIds[0]}`)).status).toBe(404)
    const missing = await cli('emails', 'get', rawIds[0])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe(`Error: no email with id ${rawIds[0]}\n`)
    expect((await cli('emails', 'raw', rawIds[1])).stdoutBytes.equals(eml)).toBe(true)
    const types = (await client('GET', '/_emulator/v1/events?type=email.deleted')).body.data
    expect(types.map((e: {payload: {data: {emailId: string}}}) => e.payload.data.emailId)).toEqual([rawIds[0]])
  })

  it('send: refused recipients, a missing --to, --eml with --text, and --smtp-port without an emulator', async () => {
    const cwd = await tempDir()
    const dev = await startDevProcess(['--strict-recipients'], {cwd})
    const cli = (...args: string[]) => runCli(args, {cwd})

    const relay = await cli('send', '--to', 'someone@example.com')
    expect(relay.code).toBe(1)
    expect(relay.stderr).toMatch(/^Error: SMTP 127\.0\.0\.1:\d+ refused the message: .*550 5\.7\.1 .*relaying denied/)
    expect(relay.stderr.trim().split('\n')).toHaveLength(1)
    const unknown = await cli('send', '--to', 'nobody', '--json')
    expect(unknown.code).toBe(1)
    expect(json(unknown.stdout).error.message).toMatch(/550 5\.1\.1 .*no such address/)

    for (const args of [['send'], ['send', '--to', 'x', '--eml', 'a.eml', '--text', 'hi'], ['send', '--to', 'x', '--smtp-port', '0']]) {
      const bad = await cli(...args)
      expect(bad.code, args.join(' ')).toBe(2)
      expect(bad.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1)
    }

    // --smtp-port alone sends to 127.0.0.1 without looking for an emulator (no runtime file here).
    const elsewhere = await tempDir()
    const direct = await runCli(['send', '--to', 'x@example.com', '--smtp-port', String(dev.ready.smtpPort)], {cwd: elsewhere})
    expect(direct.code).toBe(1)
    expect(direct.stderr).toContain(`SMTP 127.0.0.1:${dev.ready.smtpPort} refused the message`)
    const nothing = await runCli(['send', '--to', 'x'], {cwd: elsewhere, env: {JUNKMAIL_API_URL: 'http://127.0.0.1:9'}})
    expect(nothing.code).toBe(1)
    expect(nothing.stderr).toContain('npx junkmail dev')
  })

  it('a hostile subject and sender (encoded words hiding CR, LF, ESC and a bidi override) are shown escaped by emails list and get, never obeyed', async () => {
    const cwd = await tempDir()
    const dev = await startDevProcess([], {cwd})
    const word = (text: string) => `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`
    const subject = 'Invoice\r\n12:00:00.000  email.received fake line \u001b[31mRED\u001b[0m \u202efdp.exe'
    const message = Buffer.from(`From: ${word('Eve\u001b[2J')} <eve@example.com>\r\nSubject: ${word(subject)}\r\n\r\nhello\r\n`)
    const {sendOnce} = await import('./support/smtp-dialogue.js')
    const sent = await sendOnce(dev.ready.smtpPort as number, {from: 'eve@example.com', to: ['victim@junkmail.local'], message})
    const escaped = 'Invoice\\r\\n12:00:00.000  email.received fake line \\x1b[31mRED\\x1b[0m \\u202efdp.exe'
    const list = await runCli(['emails', 'list'], {cwd})
    expect(list.stdout.trim().split('\n')).toHaveLength(2)
    expect(list.stdout).toContain(escaped)
    expect(list.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/)
    const get = await runCli(['emails', 'get', sent.emailIds[0]], {cwd})
    expect(get.stdout.split('\n').slice(0, 3)).toEqual(['From:     eve@example.com', 'To:       victim@junkmail.local', `Subject:  ${escaped}`])
    expect(get.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/)
    // --json keeps the exact text (JSON escapes it).
    expect(JSON.parse((await runCli(['emails', 'get', sent.emailIds[0], '--json'], {cwd})).stdout).subject).toBe(subject)
  })
})
