import {describe, expect, it} from 'vitest'
import {startTestEmulator} from './support/emulator.js'
import {startReceiver} from './support/receiver.js'
import {deliveriesSettled} from './support/wait-until.js'

describe('events for the viewer: pages of the whole history, and an event with every attempt', () => {
  it('GET /_emulator/v1/events?before=<id>&limit=N: newest first, older than that event, each with its deliveries', async () => {
    const receiver = await startReceiver()
    const emulator = await startTestEmulator()
    const hook = (await emulator.api('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['address.created']}})).body.data.id
    const ids: string[] = []
    for (let i = 0; i < 7; i++) ids.push((await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'address.created', wait: true}})).body.data.event.id)
    const newestFirst = [...ids].reverse()
    const page = async (query: string) => {
      const answer = await emulator.api('GET', `/_emulator/v1/events${query}`)
      expect(answer.status, answer.text).toBe(200)
      return answer.body.data as Array<{id: string; deliveries: Array<{webhookId: string; status: string}>}>
    }
    const first = await page('?limit=3')
    expect(first.map((e) => e.id)).toEqual(newestFirst.slice(0, 3))
    const second = await page(`?limit=3&before=${first[2].id}`)
    expect(second.map((e) => e.id)).toEqual(newestFirst.slice(3, 6))
    const last = await page(`?limit=3&before=${second[2].id}`)
    expect(last.map((e) => e.id)).toEqual(newestFirst.slice(6))
    expect(await page(`?before=${ids[0]}`)).toEqual([])
    expect((await page(`?type=email.received&before=${ids[3]}`))).toEqual([])
    expect(first[0].deliveries).toEqual([expect.objectContaining({webhookId: hook, status: 'succeeded', attemptCount: 1, maxAttempts: 5})])
    const unknown = await emulator.api('GET', '/_emulator/v1/events?before=00000000-0000-0000-0000-000000000000')
    expect(unknown.status).toBe(404)
    expect(unknown.body.error).toMatchObject({code: 'not_found', field: 'before'})
    await receiver.close()
  })

  it('GET /_emulator/v1/events/:id: each delivery with its attempts, oldest first, each with its request body', async () => {
    let calls = 0
    const receiver = await startReceiver(() => (++calls === 1 ? {status: 500, body: 'nope'} : {status: 200, body: 'ok'}))
    const emulator = await startTestEmulator({timeScale: 100_000})
    const hook = (await emulator.api('POST', '/api/v1/webhooks', {body: {url: receiver.url, events: ['address.created']}})).body.data.id
    const triggered = (await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'address.created'}})).body.data
    await deliveriesSettled(emulator.api)
    const {status, body} = await emulator.api('GET', `/_emulator/v1/events/${triggered.event.id}`)
    expect(status).toBe(200)
    expect(body.data).toMatchObject({id: triggered.event.id, type: 'address.created', source: 'trigger', payload: triggered.event.payload})
    const [delivery] = body.data.deliveries
    expect(delivery).toMatchObject({id: triggered.deliveries[0].id, webhookId: hook, status: 'succeeded', attemptCount: 2, maxAttempts: 5})
    expect(delivery.attempts.map((a: {number: number; outcome: string}) => [a.number, a.outcome])).toEqual([[1, 'failure'], [2, 'success']])
    expect(delivery.attempts[0]).toMatchObject({response: {status: 500, body: 'nope'}, errorClass: 'http_status', request: {method: 'POST', body: receiver.requests[0].body.toString('utf8')}})
    await receiver.close()
  })
})
