import {createServer} from 'node:net'
import {describe, expect, it, onTestFinished} from 'vitest'
import {PortInUseError, startEmulator, WaitTimeoutError} from '../src/index.js'
import {runCli} from './support/cli.js'
import {startReceiver} from './support/receiver.js'

// The emulator as a library in a test suite (issue 13): startEmulator() with no options, and its
// typed client.

async function start(options: Parameters<typeof startEmulator>[0] = {}) {
  const emulator = await startEmulator(options)
  onTestFinished(() => emulator.stop())
  return emulator
}

describe('startEmulator() as a library', () => {
  it('without options: in memory, on free ports for every listener, so several run at once', async () => {
    const [a, b] = await Promise.all([start(), start()])
    expect(a.dataDir).toBeNull()
    expect(a.port).not.toBe(b.port)
    expect(a.smtpPort).not.toBe(b.smtpPort)
    expect(a.port).not.toBe(7380)
    expect(a.smtpPort).not.toBe(7325)
  })

  it('its errors name its options, not CLI flags', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as {port: number}).port
    onTestFinished(() => blocker.close())
    const error = await startEmulator({port}).then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(PortInUseError)
    expect((error as Error).message).toBe(`port ${port} on 127.0.0.1 is already in use; pick another with the port option (0 for any free port)`)
  })

  it('the typed client: webhooks, trigger, waitFor, sendMail, mail, history, clock.advance, reset', async () => {
    const emulator = await start({clock: 'manual'})
    let calls = 0
    const receiver = await startReceiver(() => ({status: ++calls === 1 ? 500 : 200}))
    onTestFinished(() => receiver.close())
    const hook = await emulator.webhooks.create({url: receiver.url, events: ['email.received']})
    expect(hook.secret).toMatch(/^whsec_/)
    expect(emulator.webhooks.list().map((w) => w.id)).toEqual([hook.id])

    // Real SMTP into the sink: email.received; the first attempt fails, the retry waits for the clock.
    await emulator.sendMail({to: 'signup@junkmail.local', subject: 'Confirm your account', text: 'Code 123456'})
    await emulator.waitFor({event: 'email.received'})
    const [mail] = emulator.mail('signup@junkmail.local')
    expect(mail).toMatchObject({subject: 'Confirm your account', direction: 'received'})
    expect((await emulator.message(mail.id)).text).toContain('Code 123456')
    const [event] = emulator.history.events({type: 'email.received'})
    const [delivery] = emulator.history.deliveries({eventId: event.id})
    await emulator.waitFor({deliveryId: delivery.id, status: 'failed'}, {timeout: 100}).then(
      () => expect.unreachable('the delivery cannot have failed yet'),
      (e: unknown) => expect(e).toBeInstanceOf(WaitTimeoutError),
    )
    await emulator.clock.advance('1m')
    await emulator.waitFor({deliveryId: delivery.id, status: 'succeeded'}, {timeout: '1s'})
    const detail = emulator.history.event(event.id)
    expect(detail.deliveries[0].attempts.map((a) => a.outcome)).toEqual(['failure', 'success'])
    expect(Date.parse(detail.deliveries[0].attempts[1].clockAt) - Date.parse(detail.deliveries[0].attempts[0].clockAt)).toBe(60_000)
    expect(emulator.history.attempts({failed: true})).toHaveLength(1)

    const triggered = await emulator.trigger('email.received', {set: {subject: 'From the test'}})
    expect(triggered.deliveries).toHaveLength(1)
    await emulator.waitFor({deliveryId: triggered.deliveries[0].id, status: 'settled'})

    await emulator.reset()
    expect(emulator.webhooks.list()).toEqual([])
    expect(emulator.history.events()).toEqual([])
    expect(emulator.mailboxes()).toEqual([])
    // Still running: a new webhook and event work at once.
    await emulator.webhooks.create({url: receiver.url, events: ['address.created']})
    await emulator.trigger('address.created')
    await emulator.waitFor({event: 'address.created'})
  })

  it("startEmulator({provider: 'sendook'}): the same client, Sendook's inboxes as mailboxes", async () => {
    const emulator = await start({provider: 'sendook', timeScale: 3600})
    const receiver = await startReceiver()
    onTestFinished(() => receiver.close())
    await emulator.webhooks.create({url: receiver.url, events: ['message.received']})
    await emulator.trigger('inbox.created', {set: {name: 'support'}})
    await emulator.sendMail({to: 'support@sendook.local', from: 'jane@example.com', subject: 'Help', text: 'Hi'})
    await emulator.waitFor({mailbox: 'support@sendook.local', messages: 1})
    expect(emulator.mailboxes()).toMatchObject([{email: 'support@sendook.local', name: 'support'}])
    await emulator.waitFor({event: 'message.received'})
  })
})

describe('junkmail reset and keys create', () => {
  it('reset wipes the state and keeps the emulator; a minted key with a narrow scope gets 403 where it must', async () => {
    const emulator = await start()
    const at = ['--api-url', emulator.url, '--api-key', emulator.apiKey]
    await emulator.webhooks.create({url: 'http://127.0.0.1:9/hook', events: ['address.created']})
    await emulator.trigger('address.created')
    const reset = await runCli(['reset', ...at])
    expect(reset.code, reset.stderr).toBe(0)
    expect(reset.stdout).toMatch(/^Reset: removed 1 webhooks, 1 events, 1 deliveries, .*1 addresses\.\n$/)
    expect(emulator.history.events()).toEqual([])

    const minted = await runCli(['keys', 'create', '--scope', 'emails:read', '--json', ...at])
    expect(minted.code, minted.stderr).toBe(0)
    const {key, scopes} = JSON.parse(minted.stdout)
    expect(scopes).toEqual(['emails:read'])
    const read = await fetch(`${emulator.url}/api/v1/emails`, {headers: {authorization: `Bearer ${key}`}})
    expect(read.status).toBe(200)
    const write = await fetch(`${emulator.url}/api/v1/webhooks`, {headers: {authorization: `Bearer ${key}`}})
    expect(write.status).toBe(403)
    const bad = await runCli(['keys', 'create', '--scope', 'everything', ...at])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('unknown scope "everything"; known scopes: webhooks:manage, addresses:manage, emails:read, emails:manage')
  })
})
