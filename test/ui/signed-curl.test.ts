import {execFile} from 'node:child_process'
import {createHmac} from 'node:crypto'
import {promisify} from 'node:util'
import {describe, expect, it, onTestFinished} from 'vitest'
import {shellQuote, signedCurl} from '../../src/ui/signed-curl.js'
import {startReceiver} from '../support/receiver.js'
import {skipBecause} from '../support/skip.js'
import {FakeEmulator} from './support/fake-emulator.js'

const run = promisify(execFile)

describe('c: a signed curl command that replays an attempt exactly', () => {
  it('quotes for a POSIX shell: quotes, dollars, backticks and newlines stay literal', async () => {
    const nasty = `it's $HOME \`id\` "q" \\ \n end`
    const {stdout} = await run('sh', ['-c', `printf %s ${shellQuote(nasty)}`])
    expect(stdout).toBe(nasty)
  })

  it('run by sh, it sends the same body byte for byte and the same headers, and the signature verifies with the secret', async (context) => {
    const curl = await run('curl', ['--version']).catch(() => null)
    if (!curl) skipBecause(context, 'curl is not installed')
    const receiver = await startReceiver()
    onTestFinished(() => receiver.close())
    const fake = new FakeEmulator()
    fake.addWebhook(`${receiver.url}/hooks/junkmail?x=1&y='2'`, undefined, true)
    const event = fake.fire('email.received', {from: "o'brien@example.com", subject: 'Ünïcødé $(rm -rf) `x` \\ "q" 🙂'})
    const attempt = fake.attempt(event.id, {status: 200})
    const script = signedCurl(attempt)
    expect(script).toContain(`# attempt 1 of event ${event.id}`)

    const {stdout} = await run('sh', ['-c', script])
    expect(stdout).toMatch(/^HTTP\/1\.1 200/)
    const [got] = await receiver.waitFor(1)
    expect(got.url).toBe(`/hooks/junkmail?x=1&y='2'`)
    expect(got.body.toString('utf8')).toBe(attempt.request.body)
    expect(got.headers['x-junkmail-signature']).toBe(attempt.request.headers['X-JunkMail-Signature'])
    expect(got.headers['x-junkmail-timestamp']).toBe(attempt.request.headers['X-JunkMail-Timestamp'])
    expect(got.headers['content-type']).toBe('application/json')
    const secret = fake.webhookList[0].secret
    expect(`sha256=${createHmac('sha256', secret).update(got.body).digest('hex')}`).toBe(got.headers['x-junkmail-signature'])
  })

  it('says so when the body is no longer kept', () => {
    const fake = new FakeEmulator()
    fake.addWebhook('http://localhost:3000/hook', undefined, true)
    const e = fake.fire('email.received')
    const a = fake.attempt(e.id)
    const script = signedCurl({...a, request: {...a.request, body: null}})
    expect(script).toContain('no longer kept')
    expect(script).not.toContain('--data-binary')
  })
})
