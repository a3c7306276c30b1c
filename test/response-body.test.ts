import {describe, expect, it} from 'vitest'
import {runCli} from './support/cli.js'
import {startTestEmulator} from './support/emulator.js'
import {startReceiver} from './support/receiver.js'

/** The emulator keeps the first 4,096 bytes of a response body in the attempt. */
const LIMIT = 4096

describe('the response body kept in an attempt', () => {
  const cases: Array<{name: string; body: string; kept: string; dropped: number}> = [
    {name: 'a 2-byte character across the limit', body: 'a'.repeat(LIMIT - 1) + 'é' + 'z'.repeat(100), kept: 'a'.repeat(LIMIT - 1), dropped: 2 + 100},
    {name: 'a 3-byte character across the limit', body: 'a'.repeat(LIMIT - 2) + '€' + 'z', kept: 'a'.repeat(LIMIT - 2), dropped: 3 + 1},
    {name: 'a 4-byte character across the limit', body: 'a'.repeat(LIMIT - 1) + '😀', kept: 'a'.repeat(LIMIT - 1), dropped: 4},
    {name: 'a character starting right at the limit', body: 'a'.repeat(LIMIT) + 'é', kept: 'a'.repeat(LIMIT), dropped: 2},
    {name: 'a character ending right at the limit', body: 'a'.repeat(LIMIT - 4) + '😀' + 'zz', kept: 'a'.repeat(LIMIT - 4) + '😀', dropped: 2},
    {name: 'a body of exactly the limit', body: 'é'.repeat(LIMIT / 2), kept: 'é'.repeat(LIMIT / 2), dropped: 0},
  ]

  it('is cut on a UTF-8 character boundary, and says how many bytes were dropped', async () => {
    const bodies = new Map(cases.map((c, i) => [`/${i}`, c.body]))
    const receiver = await startReceiver((r) => ({status: 500, body: Buffer.from(bodies.get(r.url)!), headers: {'content-type': 'text/plain; charset=utf-8'}}))
    const emulator = await startTestEmulator({timeScale: 1})
    for (let i = 0; i < cases.length; i++) await emulator.api('POST', '/api/v1/webhooks', {body: {url: `${receiver.url}/${i}`, events: ['email.deleted']}})
    const {body} = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.deleted', wait: true}})
    cases.forEach((c, i) => {
      const delivery = body.data.deliveries.find((d: any) => d.url === `${receiver.url}/${i}`)
      const response = delivery.firstAttempt.response
      expect(response.body, c.name).toBe(c.kept)
      expect(response.body, c.name).not.toContain('\uFFFD')
      expect({truncated: response.bodyTruncated, dropped: response.bodyBytesDropped}, c.name).toEqual({truncated: c.dropped > 0, dropped: c.dropped})
      expect(Buffer.byteLength(response.body) + response.bodyBytesDropped, c.name).toBe(Buffer.byteLength(c.body))
    })

    // `junkmail attempts get` says it too.
    const first = body.data.deliveries.find((d: any) => d.url === `${receiver.url}/0`).firstAttempt
    const shown = await runCli(['attempts', 'get', first.id, '--api-url', emulator.url])
    expect(shown.code, shown.stderr).toBe(0)
    expect(shown.stdout).toContain(`${'a'.repeat(LIMIT - 1)}\n(truncated: 102 more bytes not kept)`)
    await receiver.close()
  })
})
