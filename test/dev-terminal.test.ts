import {connect} from 'node:net'
import {describe, expect, it} from 'vitest'
import {BIN, runCli} from './support/cli.js'
import {startDevProcess} from './support/dev-process.js'
import {api} from './support/emulator.js'
import {startReceiver} from './support/receiver.js'
import {skipBecause} from './support/skip.js'
import {tempDir} from './support/temp-dir.js'
import {openTerminal, type Terminal, tmuxUnavailable} from './support/tmux.js'
import {waitUntil} from './support/wait-until.js'

// `junkmail dev` and `junkmail watch` in a real terminal (tmux), driven as a person would: keys in,
// the screen read back, a second shell (the CLI, real SMTP) firing events meanwhile.

const node = process.execPath
/** Resolves whether something accepts connections on 127.0.0.1:port. */
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
  })

/** The ports `dev` bound, read back from its runtime file through `status --json`. */
async function ports(cwd: string) {
  const status = await waitUntil('the runtime file', async () => {
    const result = await runCli(['status', '--json'], {cwd})
    return result.code === 0 ? JSON.parse(result.stdout) : undefined
  })
  return {api: Number(new URL(status.apiUrl).port), smtp: status.smtp.port as number, apiUrl: status.apiUrl as string}
}

/** Quits with q and checks the exit code and that the ports are free. */
async function quitCleanly(term: Terminal, freed: number[]) {
  await term.keys(['q'])
  expect(await term.exited(15_000)).toBe(0)
  for (const port of freed) expect(await listening(port), `port ${port} still open`).toBe(false)
}

describe('junkmail dev in a terminal: the event viewer', () => {
  it('100×30: events from the CLI, real SMTP and the keyboard appear with their delivery states and countdowns; the detail shows the timeline; r resends; e re-enables; q exits 0 and frees the ports', async (context) => {
    if (tmuxUnavailable) skipBecause(context, tmuxUnavailable)
    const cwd = await tempDir()
    const ok = await startReceiver()
    let failing = true
    const flaky = await startReceiver(() => (failing ? {status: 500} : {status: 200}))
    // Time scale 3000: 1 min → 20 ms, 2 h → 2.4 s: retries count down, and a webhook gets disabled.
    const term = await openTerminal(`${node} ${BIN} dev --port 0 --smtp-port 0 --time-scale 3000 --address-lifetime 2592000`, {cols: 100, rows: 30, cwd})
    await term.waitFor('the viewer', (s) => s.includes('junkmail dev') && s.includes('No events yet'))
    const {api: apiPort, smtp: smtpPort} = await ports(cwd)
    const cli = (...args: string[]) => runCli(args, {cwd})

    expect((await cli('webhooks', 'create', '--url', `${ok.url}/ok`, '--events', 'email.received,address.created')).code).toBe(0)
    // From a second shell: a trigger, and real mail over SMTP.
    expect((await cli('trigger', 'address.created', '--no-wait')).code).toBe(0)
    expect((await cli('send', '--to', 'signup', '--subject', 'Welcome from SMTP')).code).toBe(0)
    let screen = await term.waitFor('both events with ✓ 200', (s) => s.includes('Welcome from SMTP') && (s.match(/✓ 200/g) ?? []).length >= 3)
    expect(screen).toMatch(/address\.created +signup@junkmail\.local/)

    // From the keyboard: t, pick email.received, send it with its sample values.
    await term.keys(['t'])
    await term.waitFor('the trigger form', (s) => s.includes('Trigger an event'))
    await term.keys(['Enter'])
    await term.waitFor('the fields', (s) => s.includes('Trigger email.received'))
    await term.keys(['Enter'])
    screen = await term.waitFor('the triggered event', (s) => /Triggered email\.received/.test(s) && (s.match(/email\.received/g) ?? []).length >= 3)

    // A failing webhook: ✗ 500 with the next attempt counting down, then disabled after 5 attempts.
    const created = await cli('webhooks', 'create', '--url', `${flaky.url}/flaky`, '--events', 'email.received', '--json')
    const flakyId = JSON.parse(created.stdout).id
    expect((await cli('trigger', 'email.received', '--set', 'subject=Retry', '--set', 'from=r@x.io', '--no-wait')).code).toBe(0)
    // Attempt 5 comes 2 h / 3000 = 2.4 s after attempt 4: the countdown shows meanwhile.
    await term.waitFor('a failed attempt with its countdown', (s) => /r@x\.io · Retry.*✗ 500 4\/5 next 0:0\d/.test(s), 20_000)
    await term.waitFor('the delivery failed and the webhook disabled', (s) => /✗ 500 5\/5 failed/.test(s) && s.includes(`Webhook disabled: ${flaky.url}/flaky`), 20_000)

    // The detail of the failed event: its attempt timeline.
    await term.keys(['g', 'Enter'])
    screen = await term.waitFor('the detail', (s) => s.includes('Event detail') && s.includes('Deliveries (2)'))
    expect(screen).toMatch(/1\/5 +\d\d:\d\d:\d\d +200/)
    // The failing webhook's five attempts, further down: scroll until they are on screen.
    for (let i = 0; i < 40 && !/5\/5 +\d\d:\d\d:\d\d +500/.test((await term.screen()).join('\n')); i++) await term.keys(['j'])
    screen = await term.waitFor('the failing webhook\'s timeline', (s) => /flaky/.test(s) && /5\/5 +\d\d:\d\d:\d\d +500/.test(s))
    for (const n of [2, 3, 4]) expect(screen).toMatch(new RegExp(`${n}/5 +\\d\\d:\\d\\d:\\d\\d +500`))
    await term.keys(['Escape'])
    await term.waitFor('the list', (s) => s.includes('TIME     EVENT'))

    // e re-enables it; r resends the selected event (to the subscriber chosen: all of them).
    failing = false
    await term.keys(['e'])
    await term.waitFor('enabled', (s) => s.includes(`Webhook enabled: ${flaky.url}/flaky`))
    expect((await cli('webhooks', 'get', flakyId, '--json')).stdout).toContain('"enabled": true')
    const before = flaky.requests.length
    await term.keys(['r'])
    await term.waitFor('the resend chooser', (s) => s.includes('every enabled subscribed webhook'))
    await term.keys(['1'])
    await term.waitFor('resent', (s) => /Resent \w{8} to 2 webhooks/.test(s))
    await waitUntil('the resend to reach the re-enabled webhook', () => (flaky.requests.length > before ? true : undefined))

    await quitCleanly(term, [apiPort, smtpPort])
    await Promise.all([ok.close(), flaky.close()])
  }, 90_000)

  it('60×20 without colour: legible, markers instead of colour, nothing wider than the terminal; q exits 0', async (context) => {
    if (tmuxUnavailable) skipBecause(context, tmuxUnavailable)
    const cwd = await tempDir()
    const receiver = await startReceiver(() => ({status: 503}))
    const term = await openTerminal(`${node} ${BIN} dev --port 0 --smtp-port 0 --time-scale 60`, {cols: 60, rows: 20, cwd, env: {NO_COLOR: '1'}})
    await term.waitFor('the viewer', (s) => s.includes('junkmail dev'))
    const {api: apiPort, smtp: smtpPort} = await ports(cwd)
    await runCli(['webhooks', 'create', '--url', receiver.url, '--events', 'email.received'], {cwd})
    await runCli(['trigger', 'email.received', '--set', 'from=a@b.io', '--set', 'subject=A subject far too long to fit in sixty columns of terminal', '--no-wait'], {cwd})
    const screen = await term.waitFor('the event with [ERR]', (s) => s.includes('[ERR]'))
    for (const line of screen.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(60)
    expect(screen).toMatch(/email\.received +a@b\.io · A s/)
    await quitCleanly(term, [apiPort, smtpPort])
    await receiver.close()
  }, 60_000)

  it('--no-tui (or a terminal it cannot drive) keeps the plain log lines; Ctrl+C stops cleanly (exit 0)', async (context) => {
    if (tmuxUnavailable) skipBecause(context, tmuxUnavailable)
    const cwd = await tempDir()
    const term = await openTerminal(`${node} ${BIN} dev --port 0 --smtp-port 0 --no-tui`, {cols: 100, rows: 30, cwd, env: {NO_COLOR: '1'}})
    const ready = await term.waitFor('the ready text', (s) => s.includes('Press Ctrl+C to stop.'))
    expect(ready).toMatch(/API\s+http:\/\/127\.0\.0\.1:\d+\/api\/v1/)
    await term.keys(['C-c'])
    await term.waitFor('the clean stop', (s) => s.includes('Stopped.'))
    expect(await term.exited()).toBe(0)
  })
})

describe('junkmail watch in a terminal', () => {
  it('attaches the viewer to a headless dev, shows what happens, survives a restart of that emulator, q exits 0', async (context) => {
    if (tmuxUnavailable) skipBecause(context, tmuxUnavailable)
    const cwd = await tempDir()
    const receiver = await startReceiver()
    const dev = await startDevProcess([], {cwd})
    const client = api(dev.ready.baseUrl, dev.ready.apiKey)
    await client('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['email.received']}})
    const term = await openTerminal(`${node} ${BIN} watch`, {cols: 100, rows: 30, cwd})
    await term.waitFor('the viewer connected', (s) => s.includes('junkmail watch') && s.includes('● connected'))
    expect((await runCli(['trigger', 'email.received', '--set', 'subject=Seen by watch', '--no-wait'], {cwd})).code).toBe(0)
    await term.waitFor('the event with ✓ 200', (s) => /Seen by watch.*✓ 200/.test(s))

    // The emulator restarts (on other ports: watch finds it again through the runtime file).
    dev.child.kill('SIGTERM')
    expect(await dev.waitForExit()).toBe(0)
    await term.waitFor('the viewer disconnected', (s) => /disconnected|reconnecting/i.test(s))
    const again = await startDevProcess([], {cwd})
    await term.waitFor('connected again', (s) => s.includes('● connected'), 20_000)
    expect((await runCli(['trigger', 'email.received', '--set', 'subject=After the restart', '--no-wait'], {cwd})).code).toBe(0)
    await term.waitFor('the new event', (s) => /After the restart.*✓ 200/.test(s), 15_000)

    await term.keys(['q'])
    expect(await term.exited()).toBe(0)
    // watch only watched: the emulator is still there.
    expect((await api(again.ready.baseUrl, again.ready.apiKey)('GET', '/_emulator/v1/health')).status).toBe(200)
    await receiver.close()
  }, 90_000)
})
