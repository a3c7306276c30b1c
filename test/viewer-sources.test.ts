import {describe, expect, it, onTestFinished} from 'vitest'
import {ApiClient} from '../src/cli/api-client.js'
import type {Happening} from '../src/feed/happening.js'
import {httpActions} from '../src/ui/sources/http-actions.js'
import {inProcessSource} from '../src/ui/sources/in-process-source.js'
import {streamSource} from '../src/ui/sources/stream-source.js'
import type {ConnectionState, ViewerSource} from '../src/ui/viewer-contract.js'
import {startTestEmulator} from './support/emulator.js'
import {startReceiver} from './support/receiver.js'
import {startTcpProxy} from './support/tcp-proxy.js'
import {deliveriesSettled, waitUntil} from './support/wait-until.js'

/** Subscribes to `source` for the test: what it delivered, in order. */
function record(source: ViewerSource) {
  const happenings: Happening[] = []
  const states: ConnectionState[] = []
  let inside = true
  let calledInside = false
  const stop = source.subscribe({
    happening: (h) => ((calledInside ||= inside), happenings.push(h)),
    connection: (s) => ((calledInside ||= inside), states.push(s)),
  })
  inside = false
  onTestFinished(stop)
  const seqs = () => happenings.map((h) => h.seq)
  return {happenings, states, seqs, stop, calledInside: () => calledInside}
}

const trigger = (emulator: Awaited<ReturnType<typeof startTestEmulator>>) => emulator.api('POST', '/_emulator/v1/events', {body: {event: 'address.created'}})
const range = (from: number, to: number) => Array.from({length: to - from + 1}, (_, i) => from + i)

describe('inProcessSource (dev): the feed of an emulator in this process', () => {
  it('connected (fresh), then the whole run from seq 1, then each happening as it comes; never inside subscribe(); stops when asked', async () => {
    const emulator = await startTestEmulator()
    await trigger(emulator)
    const source = inProcessSource(emulator)
    expect(source.apiKey).toBe(emulator.apiKey)
    const seen = record(source)
    expect(seen.calledInside()).toBe(false)
    await waitUntil('the backlog', () => (seen.happenings.length === 1 ? true : undefined))
    expect(seen.states).toEqual([{state: 'connected', fresh: true}])
    await trigger(emulator)
    await trigger(emulator)
    await waitUntil('live happenings', () => (seen.happenings.length === 3 ? true : undefined))
    expect(seen.happenings).toEqual(emulator.feed.since(0).happenings)
    seen.stop()
    await trigger(emulator)
    await new Promise((resolve) => setImmediate(resolve))
    expect(seen.happenings).toHaveLength(3)
    expect(emulator.context.feed.subscribers).toBe(0)
    const status = await source.status()
    const {body} = await emulator.api('GET', '/_emulator/v1/status')
    // (The emulator's time moved on between the two.)
    expect({...status, smtp: null, clock: null}).toEqual({...body.data, smtp: null, clock: null})
    expect(inProcessSource(emulator, {since: 3})).toBeDefined()
  })
})

describe('streamSource (watch): the stream route, reconnecting by itself', () => {
  it('connected (fresh) on the first connect, then live happenings; status() through the API', async () => {
    const emulator = await startTestEmulator()
    await trigger(emulator)
    const seen = record(streamSource({apiUrl: emulator.url, apiKey: emulator.apiKey}))
    await waitUntil('connected', () => (seen.states.length > 0 ? true : undefined))
    expect(seen.states).toEqual([{state: 'connected', fresh: true}])
    await trigger(emulator)
    await waitUntil('the happening', () => (seen.happenings.length === 1 ? true : undefined))
    expect(seen.happenings).toEqual(emulator.feed.since(1).happenings)
    const status = await streamSource({apiUrl: emulator.url, apiKey: emulator.apiKey}).status()
    expect(status).toMatchObject({apiUrl: emulator.url, counts: {events: 2}, provider: 'junkmail'})
  })

  it('a cut connection: disconnected (with its retry delay), then connected not fresh; nothing missed or repeated, even what happened meanwhile', async () => {
    const emulator = await startTestEmulator()
    const proxy = await startTcpProxy(emulator.port)
    const seen = record(streamSource({apiUrl: proxy.url, apiKey: emulator.apiKey, since: 0, retryDelaysMs: [300]}))
    await trigger(emulator)
    await waitUntil('the first happening', () => (seen.happenings.length === 1 ? true : undefined))
    for (let cut = 0; cut < 3; cut++) {
      proxy.cutAll()
      // During the back-off: these happen while no stream is open.
      await trigger(emulator)
      await trigger(emulator)
      await waitUntil(() => `reconnect ${cut + 1} (${JSON.stringify(seen.states)})`, () => (seen.states.filter((s) => s.state === 'connected').length === cut + 2 ? true : undefined))
    }
    await waitUntil('every happening', () => (seen.happenings.length === emulator.feed.latestSeq ? true : undefined))
    expect(seen.seqs()).toEqual(range(1, 7))
    expect(seen.happenings).toEqual(emulator.feed.since(0).happenings)
    expect(seen.states.filter((s) => s.state === 'connected')).toEqual([
      {state: 'connected', fresh: true},
      {state: 'connected', fresh: false},
      {state: 'connected', fresh: false},
      {state: 'connected', fresh: false},
    ])
    expect(seen.states.filter((s) => s.state === 'disconnected')[0]).toEqual({state: 'disconnected', reason: expect.any(String), retryInMs: 300})
  })

  it('a restarted emulator (found again by locate, on another port): connected fresh, and its run from seq 1', async () => {
    const first = await startTestEmulator()
    let current = first
    const seen = record(streamSource({apiUrl: first.url, apiKey: first.apiKey, locate: async () => ({apiUrl: current.url, apiKey: current.apiKey}), retryDelaysMs: [50]}))
    await waitUntil('connected', () => (seen.states.length > 0 ? true : undefined))
    await trigger(first)
    await waitUntil('a happening of the first run', () => (seen.happenings.length === 1 ? true : undefined))
    await first.stop()
    await waitUntil('disconnected', () => (seen.states.at(-1)?.state === 'disconnected' ? true : undefined))
    const second = await startTestEmulator()
    await trigger(second)
    await trigger(second)
    current = second
    await waitUntil(() => `connected again (${JSON.stringify(seen.states)})`, () => (seen.states.at(-1)?.state === 'connected' ? true : undefined))
    expect(seen.states.at(-1)).toEqual({state: 'connected', fresh: true})
    await waitUntil('the second run', () => (seen.happenings.length === 3 ? true : undefined))
    expect(seen.happenings.slice(1)).toEqual(second.feed.since(0).happenings)
    expect(seen.seqs()).toEqual([1, 1, 2])
  })

  it('a stream silent for more than twice its heartbeat is taken as dead: disconnected, and reconnected', async () => {
    const {createServer} = await import('node:http')
    const requests: Array<string | undefined> = []
    // A stand-in that says hello (a 50 ms heartbeat) and then nothing: a connection lost without a word.
    const server = createServer((req, res) => {
      requests.push(req.headers['last-event-id'] as string | undefined)
      res.writeHead(200, {'content-type': 'text/event-stream'})
      res.write(`id: r1:7\nevent: hello\ndata: ${JSON.stringify({runId: 'r1', latestSeq: 7, after: 7, fresh: false, dropped: 0, heartbeatMs: 50})}\n\n`)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    onTestFinished(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))))
    const {port} = server.address() as {port: number}
    const seen = record(streamSource({apiUrl: `http://127.0.0.1:${port}`, apiKey: 'k', retryDelaysMs: [10]}))
    await waitUntil(() => `a reconnect (${JSON.stringify(seen.states)})`, () => (seen.states.length >= 3 ? true : undefined))
    expect(seen.states.slice(0, 3)).toEqual([
      {state: 'connected', fresh: true},
      {state: 'disconnected', reason: 'no word from the emulator in 1.1 s', retryInMs: 10},
      {state: 'connected', fresh: false},
    ])
    expect(requests.slice(0, 2)).toEqual([undefined, 'r1:7'])
  })

  it('a refused key is final: disconnected with retryInMs null, and no retry', async () => {
    const emulator = await startTestEmulator()
    const seen = record(streamSource({apiUrl: emulator.url, apiKey: 'jm_wrong_key', retryDelaysMs: [10]}))
    await waitUntil('refused', () => (seen.states.length > 0 ? true : undefined))
    expect(seen.states).toEqual([{state: 'disconnected', reason: 'HTTP 401: invalid API key', retryInMs: null}])
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(seen.states).toHaveLength(1)
  })
})

describe('httpActions: what the viewer does, through the API', () => {
  it('pages events, reads one with its attempts, triggers, resends, manages webhooks, reads mail', async () => {
    const receiver = await startReceiver()
    const emulator = await startTestEmulator()
    const actions = httpActions(new ApiClient(emulator.url, emulator.apiKey))
    const created = await actions.createWebhook({url: receiver.url, events: ['email.received', 'address.created']})
    expect(created.secret).toMatch(/^whsec_/)
    expect((await actions.webhooks()).map((w) => w.id)).toEqual([created.id])
    expect(await actions.webhooks()).not.toHaveProperty('0.secret')

    const triggered = await actions.trigger('email.received', {subject: 'Hello from the viewer'}, created.id)
    expect(triggered).toMatchObject({type: 'email.received', source: 'trigger', deliveries: [{webhookId: created.id, status: 'pending'}]})
    expect(triggered.deliveries[0]).not.toHaveProperty('firstAttempt')
    await deliveriesSettled(emulator.api)
    const resent = await actions.resend(triggered.id)
    expect(resent).toEqual([expect.objectContaining({eventId: triggered.id, webhookId: created.id})])
    await deliveriesSettled(emulator.api)
    const detail = await actions.event(triggered.id)
    expect(detail.deliveries).toHaveLength(2)
    expect(detail.deliveries.map((d) => d.attempts.map((a) => [a.number, a.outcome]))).toEqual([[[1, 'success']], [[1, 'success']]])
    expect(detail.deliveries[0].attempts[0].request.body).toBe(receiver.requests[0].body.toString('utf8'))

    await actions.trigger('address.created', {})
    const [newest, ...rest] = await actions.events({limit: 10})
    expect(newest.type).toBe('address.created')
    expect(rest.map((e) => e.id)).toEqual([triggered.id])
    expect((await actions.events({before: newest.id, limit: 1})).map((e) => e.id)).toEqual([triggered.id])
    expect(await actions.events({before: triggered.id, limit: 10})).toEqual([])

    const addressId = (triggered.payload as {data: {addressId: string}}).data.addressId
    const addresses = await actions.mailboxes()
    expect(addresses).toHaveLength(2)
    expect(addresses.find((a) => a.id === addressId)).toMatchObject({email: expect.stringMatching(/@junkmail\.local$/), status: 'active', name: null})
    const emails = await actions.mail(addressId)
    expect(emails.map((e) => e.subject)).toContain('Hello from the viewer')
    expect(emails[0]).toMatchObject({mailboxId: addressId, direction: 'received', size: expect.any(Number)})
    expect(await actions.mail()).toHaveLength(emails.length)
    const email = await actions.mailMessage(emails[0].id)
    expect(email).toMatchObject({id: emails[0].id, subject: 'Hello from the viewer', headers: expect.any(Array), text: expect.stringContaining('junkmail trigger'), outcomes: null})
    await expect(actions.mailMessage('nope')).rejects.toThrow('no message with id nope')
    expect((await actions.catalog()).map((c) => c.type)).toContain('email.received')

    await actions.deleteWebhook(created.id)
    expect(await actions.webhooks()).toEqual([])
    await expect(actions.enableWebhook(created.id)).rejects.toThrow(`no webhook with id ${created.id}`)
    await expect(actions.event('nope')).rejects.toThrow('no event with id nope')
    await receiver.close()
  })

  it('enableWebhook after an auto-disable; a client given as a function is asked at every call', async () => {
    const receiver = await startReceiver(() => ({status: 500}))
    const emulator = await startTestEmulator({timeScale: 100_000})
    let calls = 0
    const actions = httpActions(() => (calls++, new ApiClient(emulator.url, emulator.apiKey)))
    const hook = await actions.createWebhook({url: receiver.url, events: ['address.created']})
    await actions.trigger('address.created', {})
    await deliveriesSettled(emulator.api)
    expect((await actions.webhooks())[0]).toMatchObject({enabled: false})
    expect(await actions.enableWebhook(hook.id)).toMatchObject({id: hook.id, enabled: true, failureCount: 0})
    expect(calls).toBe(4)
    await receiver.close()
  })
})
