import {describe, expect, it} from 'vitest'
import {EmulatorClock} from '../src/clock/emulator-clock.js'
import {formatDuration, parseDuration} from '../src/clock/duration.js'
import {sendook} from '../src/providers/sendook/index.js'
import {runCli} from './support/cli.js'
import {startTestEmulator} from './support/emulator.js'
import {startReceiver} from './support/receiver.js'
import {waitUntil} from './support/wait-until.js'

// The emulator's clock (issue 13): `clock advance` walks whole schedules at once, in order, each
// attempt at its own emulator time.

describe('EmulatorClock', () => {
  it('manual: nothing fires by itself; advance runs timers in time order, each at its own time, waiting for the work each starts', async () => {
    const clock = new EmulatorClock({manual: true, startAt: 1_000_000})
    const seen: string[] = []
    clock.setTimer(1_000_000 + 300, () => void seen.push(`c@${clock.now() - 1_000_000}`))
    clock.setTimer(1_000_000 + 100, async () => {
      seen.push(`a@${clock.now() - 1_000_000}`)
      await new Promise((r) => setTimeout(r, 20))
      // Work that sets a timer due before the next one: it runs in its place.
      clock.setTimer(clock.now() + 50, () => void seen.push(`b@${clock.now() - 1_000_000}`))
    })
    const cancelled = clock.setTimer(1_000_000 + 200, () => void seen.push('cancelled'))
    cancelled()
    clock.setTimer(1_000_000 + 10_000, () => void seen.push('later'))
    await new Promise((r) => setTimeout(r, 30))
    expect(seen).toEqual([])
    await clock.advance(1000)
    expect(seen).toEqual(['a@100', 'b@150', 'c@300'])
    expect(clock.now()).toBe(1_001_000)
    expect(clock.scaled(60_000)).toBe(60_000)
    await expect(clock.advance(-1)).rejects.toThrow('advance needs a duration of 0 ms or more')
  })

  it('real: timers fire by themselves; advance moves time ahead of the wall clock', async () => {
    const clock = new EmulatorClock({scale: 60})
    expect(clock.scaled(60_000)).toBe(1000)
    const fired = new Promise<number>((resolve) => clock.setTimer(clock.now() + 30, () => resolve(Date.now())))
    const at = Date.now()
    expect((await fired) - at).toBeGreaterThanOrEqual(20)
    let hourLater = false
    clock.setTimer(clock.now() + 3_600_000, () => void (hourLater = true))
    await clock.advance(3_600_000)
    expect(hourLater).toBe(true)
    expect(clock.offsetMs).toBeGreaterThanOrEqual(3_599_000)
    clock.stop()
  })

  it('parseDuration and formatDuration', () => {
    expect(parseDuration('90s')).toBe(90_000)
    expect(parseDuration('30m')).toBe(1_800_000)
    expect(parseDuration('2h')).toBe(7_200_000)
    expect(parseDuration('1h30m')).toBe(5_400_000)
    expect(parseDuration('1.5h')).toBe(5_400_000)
    expect(parseDuration('500ms')).toBe(500)
    expect(parseDuration('2d')).toBe(172_800_000)
    expect(parseDuration('250')).toBe(250)
    expect(() => parseDuration('soon')).toThrow('"soon" is not a duration; write it as 90s, 30m, 2h, 1h30m, 500ms or 2d')
    expect(() => parseDuration('2h and 3m')).toThrow('is not a duration')
    expect(formatDuration(5_400_000)).toBe('1h 30m')
    expect(formatDuration(250)).toBe('250 ms')
  })
})

const minutes = (ms: number) => ms / 60_000

describe('clock advance on a running emulator', () => {
  it('JunkMail, --clock manual: advance 3h walks the whole retry schedule to the disabled webhook, attempts 1, 5, 30, 120 min apart in emulator time, in well under a second', async () => {
    const emulator = await startTestEmulator({clock: 'manual', smtpPort: false})
    const receiver = await startReceiver(() => ({status: 500}))
    const hook = await emulator.api('POST', '/_emulator/v1/webhooks', {body: {url: receiver.url, events: ['email.received']}})
    await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.received', wait: true}})
    expect(receiver.requests).toHaveLength(1)
    // Nothing more happens by itself.
    await new Promise((r) => setTimeout(r, 100))
    expect(receiver.requests).toHaveLength(1)

    const started = Date.now()
    const advanced = await emulator.api('POST', '/_emulator/v1/clock/advance', {body: {duration: '3h'}})
    const took = Date.now() - started
    expect(advanced.status).toBe(200)
    expect(advanced.body.data).toMatchObject({mode: 'manual', advancedMs: 10_800_000})
    expect(took).toBeLessThan(1000)
    expect(receiver.requests).toHaveLength(5)
    const {body: attempts} = await emulator.api('GET', `/_emulator/v1/attempts?webhookId=${hook.body.data.id}`)
    const times = attempts.data.map((a: {clockAt: string}) => Date.parse(a.clockAt)).reverse()
    expect(times.slice(1).map((t: number, i: number) => minutes(t - times[i]))).toEqual([1, 5, 30, 120])
    const {body: webhook} = await emulator.api('GET', `/_emulator/v1/webhooks/${hook.body.data.id}`)
    expect(webhook.data).toMatchObject({enabled: false})
    const {body: clock} = await emulator.api('GET', '/_emulator/v1/clock')
    expect(clock.data.offsetMs).toBeGreaterThanOrEqual(10_800_000 - 1000)
    await receiver.close()
  })

  it('Sendook: advance walks 5 s, 25 s, 125 s to the failed delivery (the CLI, on a real clock at time scale 1)', async () => {
    const emulator = await startTestEmulator({provider: sendook, timeScale: 1, smtpPort: false})
    const receiver = await startReceiver(() => ({status: 503}))
    await emulator.api('POST', '/v1/webhooks', {body: {url: receiver.url, events: ['message.bounced']}})
    const triggered = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'message.bounced', wait: true}})
    const deliveryId = triggered.body.data.deliveries[0].id
    const result = await runCli(['clock', 'advance', '3m', '--api-url', emulator.url, '--api-key', emulator.apiKey])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/^Advanced 3m: emulator time is \S+ \(3m ahead of real time; took \d+ ms\)\n$/)
    const {body} = await emulator.api('GET', `/_emulator/v1/deliveries/${deliveryId}`)
    expect(body.data).toMatchObject({status: 'failed', attemptCount: 4})
    const {body: attempts} = await emulator.api('GET', `/_emulator/v1/attempts?eventId=${triggered.body.data.event.id}`)
    const times = attempts.data.map((a: {clockAt: string}) => Date.parse(a.clockAt)).reverse()
    const gaps = times.slice(1).map((t: number, i: number) => (t - times[i]) / 1000)
    // On a real clock the attempts themselves take a few ms of real time between the due times.
    for (const [gap, due] of gaps.map((g: number, i: number) => [g, [5, 25, 125][i]])) expect(gap).toBeGreaterThanOrEqual(due), expect(gap).toBeLessThan(due + 1)
    await receiver.close()
  })

  it("an address's lifetime: advance 1h expires it (address.expired), with its emulator time in the payload", async () => {
    const emulator = await startTestEmulator({clock: 'manual', smtpPort: false})
    const receiver = await startReceiver()
    await emulator.api('POST', '/_emulator/v1/webhooks', {body: {url: receiver.url, events: ['address.expired']}})
    const {body: created} = await emulator.api('POST', '/api/v1/addresses', {body: {}})
    const expiresAt = Date.parse(created.data.expiresAt)
    expect(expiresAt - Date.parse(created.data.createdAt)).toBe(3_600_000)
    await emulator.api('POST', '/_emulator/v1/clock/advance', {body: {duration: '59m'}})
    expect(receiver.requests).toHaveLength(0)
    await emulator.api('POST', '/_emulator/v1/clock/advance', {body: {duration: '1m'}})
    const [request] = await waitUntil('address.expired', () => (receiver.requests.length > 0 ? receiver.requests : undefined))
    expect(JSON.parse(request.body.toString())).toMatchObject({event: 'address.expired', data: {addressId: created.data.id, expiredAt: created.data.expiresAt}})
    await receiver.close()
  })

  it('a bad duration names the field', async () => {
    const emulator = await startTestEmulator({clock: 'manual', smtpPort: false})
    const r = await emulator.api('POST', '/_emulator/v1/clock/advance', {body: {duration: 'soon'}})
    expect(r.status).toBe(400)
    expect(r.body.error).toMatchObject({field: 'duration'})
    const cli = await runCli(['clock', 'advance', 'soon', '--api-url', emulator.url, '--api-key', emulator.apiKey])
    expect(cli.code).toBe(2)
  })
})
