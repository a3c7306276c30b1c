import {describe, expect, it} from 'vitest'
import {sendook} from '../src/providers/sendook/index.js'
import {runCli} from './support/cli.js'
import {startTestEmulator} from './support/emulator.js'
import {startReceiver} from './support/receiver.js'

// Waiting on outcomes (issue 13): trigger --wait and junkmail wait, with their exit codes.

describe('junkmail trigger --wait', () => {
  it('exit 0 when every delivery succeeded (at once, or after retries), 1 when one failed every attempt, 1 with no webhook unless --allow-no-webhooks', async () => {
    // Sendook at time scale 1000: retries after 5, 25 and 125 ms.
    const emulator = await startTestEmulator({provider: sendook, timeScale: 1000, smtpPort: false})
    const at = ['--api-url', emulator.url, '--api-key', emulator.apiKey]
    const none = await runCli(['trigger', 'inbox.created', '--wait', ...at])
    expect(none.code).toBe(1)
    expect(none.stderr).toBe('Error: no webhook received inbox.created, so nothing was tested (pass --allow-no-webhooks if that is fine)\n')
    expect((await runCli(['trigger', 'inbox.created', '--wait', '--allow-no-webhooks', ...at])).code).toBe(0)
    expect((await runCli(['trigger', 'inbox.created', '--fail-on-error', ...at])).code).toBe(1)

    let calls = 0
    const flaky = await startReceiver(() => ({status: ++calls <= 2 ? 500 : 200}))
    await emulator.api('POST', '/v1/webhooks', {body: {url: flaky.url, events: ['message.received']}})
    const ok = await runCli(['trigger', 'message.received', '--wait', ...at])
    expect(ok.code, ok.stderr).toBe(0)
    expect(ok.stdout).toMatch(/succeeded after 3 attempts/)
    expect(calls).toBe(3)

    const down = await startReceiver(() => ({status: 503}))
    await emulator.api('POST', '/v1/webhooks', {body: {url: down.url, events: ['message.bounced']}})
    const failed = await runCli(['trigger', 'message.bounced', '--wait', '--json', ...at])
    expect(failed.code).toBe(1)
    const result = JSON.parse(failed.stdout)
    expect(result).toMatchObject({settled: true, deliveries: [{status: 'failed', attemptCount: 4, lastAttempt: {number: 4, outcome: 'failure'}}]})
    await flaky.close()
    await down.close()
  })

  it('exit 124 when the deliveries do not settle in --timeout (a manual clock: the retry never comes by itself)', async () => {
    const emulator = await startTestEmulator({clock: 'manual', smtpPort: false})
    const down = await startReceiver(() => ({status: 500}))
    await emulator.api('POST', '/_emulator/v1/webhooks', {body: {url: down.url, events: ['email.received']}})
    const started = Date.now()
    const r = await runCli(['trigger', 'email.received', '--wait', '--timeout', '300ms', '--api-url', emulator.url, '--api-key', emulator.apiKey])
    expect(r.code).toBe(124)
    expect(Date.now() - started).toBeGreaterThanOrEqual(300)
    expect(r.stderr).toBe('Error: timed out after 300ms waiting for every delivery to settle: 0 of 1 deliveries settled\n')
    await down.close()
  })
})

describe('junkmail wait', () => {
  it('returns as soon as the condition holds; 124 with what was seen on timeout; a usage error for an unknown event or no condition', async () => {
    const emulator = await startTestEmulator({smtpPort: 0, timeScale: 3600})
    const at = ['--api-url', emulator.url, '--api-key', emulator.apiKey]
    const waiting = runCli(['wait', '--event', 'email.received', '--count', '2', '--timeout', '10s', ...at])
    await new Promise((r) => setTimeout(r, 300))
    await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.received'}})
    await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.received'}})
    const done = await waiting
    expect(done.code, done.stderr).toBe(0)
    expect(done.stdout).toBe('Done: 2 email.received events (waiting for 2)\n')

    const timeout = await runCli(['wait', '--event', 'address.deleted', '--timeout', '200ms', ...at])
    expect(timeout).toMatchObject({code: 124, stderr: 'Error: timed out after 200ms: 0 address.deleted events (waiting for 1)\n'})
    const json = await runCli(['wait', '--event', 'address.deleted', '--timeout', '200ms', '--json', ...at])
    expect(json.code).toBe(124)
    expect(JSON.parse(json.stdout)).toEqual({met: false, seen: '0 address.deleted events (waiting for 1)'})
    // Under --json, stdout carries only JSON; the words go to stderr.
    expect(json.stderr).toBe('Error: timed out after 200ms: 0 address.deleted events (waiting for 1)\n')

    // Mail at an address: the triggers above made their own; send one more over SMTP to a new one.
    const mail = runCli(['wait', '--mailbox', 'waiter@junkmail.local', '--timeout', '10s', ...at])
    await new Promise((r) => setTimeout(r, 300))
    expect((await runCli(['send', '--to', 'waiter', ...at])).code).toBe(0)
    expect((await mail).stdout).toBe('Done: 1 message at waiter@junkmail.local (waiting for 1)\n')

    const unknown = await runCli(['wait', '--event', 'email.sent', ...at])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('unknown event "email.sent"; known events: email.received, email.deleted, address.created, address.expired, address.deleted')
    expect((await runCli(['wait', ...at])).code).toBe(2)
  })

  it('a webhook disabled, a delivery failed', async () => {
    const emulator = await startTestEmulator({provider: sendook, timeScale: 1000, disableAfterFailedDeliveries: 1, smtpPort: false})
    const at = ['--api-url', emulator.url, '--api-key', emulator.apiKey]
    const down = await startReceiver(() => ({status: 500}))
    const {body: hook} = await emulator.api('POST', '/v1/webhooks', {body: {url: down.url, events: ['message.sent']}})
    const {body: triggered} = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'message.sent', set: {subject: 'x'}}})
    const delivery = triggered.data.deliveries[0].id
    const [disabled, failed] = await Promise.all([
      runCli(['wait', '--webhook', hook._id, '--disabled', ...at]),
      runCli(['wait', '--delivery', delivery, '--status', 'failed', ...at]),
    ])
    expect(disabled.stdout).toBe(`Done: webhook ${hook._id} is disabled (waiting for it to be disabled)\n`)
    expect(failed.stdout).toBe(`Done: delivery ${delivery} is failed after 4 attempts (waiting for failed)\n`)
    await down.close()
  })
})
