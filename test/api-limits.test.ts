import {createServer} from 'node:net'
import {describe, expect, it, onTestFinished} from 'vitest'
import {startEmulator} from '../src/emulator/start-emulator.js'
import {startTestEmulator} from './support/emulator.js'

const port = (emulator: {port: number}) => emulator.port
import {openRaw, type RawAnswer, type RawConnection, rawExchange} from './support/raw-http.js'

// Slow and idle clients are reaped: real sockets, the limits shortened, and every wait is a wait
// for the server to close the socket, with a deadline well past the limit.

const HOST = 'Host: 127.0.0.1\r\n'
const AUTH = 'Authorization: Bearer jm_test_local\r\n'
/** A POST whose headers are complete but whose body (1000 bytes announced) is not. */
const SLOW_BODY = `POST /api/v1/webhooks HTTP/1.1\r\n${HOST}${AUTH}Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"url":`

/** Opens a connection and sends `bytes`, then `drip` every 50 ms until the connection closes. */
async function slowClient(port: number, bytes: string, drip?: string): Promise<RawConnection> {
  const connection = openRaw(port)
  await connection.connected
  connection.write(bytes)
  if (drip) {
    const timer = setInterval(() => connection.write(drip), 50)
    void connection.closed(60_000).finally(() => clearInterval(timer))
  }
  return connection
}

function expectTimedOut(answer: RawAnswer) {
  expect(answer.closedByServer, answer.text).toBe(true)
  expect(answer.status, answer.text).toBe(408)
  expect(answer.json?.error, answer.text).toMatchObject({status: 408, code: 'request_timeout'})
}

describe('API timeouts and connection cap', () => {
  it('a body that never completes (even one dripping a byte every 50 ms) gets 408 and is closed after the request timeout; nothing is created', async () => {
    const emulator = await startTestEmulator({smtpPort: false, apiHeadersTimeoutMs: 300, apiRequestTimeoutMs: 700})
    const stalled = await slowClient(emulator.port, SLOW_BODY)
    const dripping = await slowClient(emulator.port, SLOW_BODY, ' ')
    for (const answer of await Promise.all([stalled.closed(10_000), dripping.closed(10_000)])) {
      expectTimedOut(answer)
      expect(answer.elapsedMs).toBeGreaterThanOrEqual(650)
    }
    expect((await emulator.api('GET', '/api/v1/webhooks')).body.data).toEqual([])
  })

  it('headers that never complete (or never start) get 408 and are closed after the headers timeout, before the request timeout', async () => {
    const emulator = await startTestEmulator({smtpPort: false, apiHeadersTimeoutMs: 300, apiRequestTimeoutMs: 5000})
    const clients = await Promise.all([
      slowClient(emulator.port, `GET /api/v1/webhooks HTTP/1.1\r\n${HOST}`),
      slowClient(emulator.port, `GET /api/v1/webhooks HTTP/1.1\r\n${HOST}`, 'X-Drip: 1\r\n'),
      slowClient(emulator.port, ''),
    ])
    for (const answer of await Promise.all(clients.map((c) => c.closed(10_000)))) {
      expectTimedOut(answer)
      expect(answer.elapsedMs).toBeGreaterThanOrEqual(250)
      expect(answer.elapsedMs).toBeLessThan(4000)
    }
  })

  it('an idle keep-alive connection is closed after the keep-alive timeout (plus Node\'s one second of grace)', async () => {
    const emulator = await startTestEmulator({smtpPort: false, apiKeepAliveTimeoutMs: 200})
    const connection = await slowClient(emulator.port, `GET /_emulator/v1/health HTTP/1.1\r\n${HOST}\r\n`)
    const answer = await connection.closed(10_000)
    expect(answer.closedByServer, answer.text).toBe(true)
    expect(answer.status).toBe(200)
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(200)
    expect(answer.elapsedMs).toBeLessThan(5000)
  })

  it('a request that is slow to answer (trigger waiting for its first attempt) is not cut by the request timeout', async () => {
    const emulator = await startTestEmulator({smtpPort: false, apiHeadersTimeoutMs: 200, apiRequestTimeoutMs: 300, attemptTimeoutMs: 800})
    // An endpoint that accepts and never answers: the trigger waits for the attempt's 800 ms deadline.
    const silent = createServer(() => {}).listen(0, '127.0.0.1')
    onTestFinished(() => void silent.close())
    await new Promise((resolve) => silent.once('listening', resolve))
    const url = `http://127.0.0.1:${(silent.address() as {port: number}).port}/hook`
    expect((await emulator.api('POST', '/api/v1/webhooks', {body: {url, events: ['address.created']}})).status).toBe(201)
    const started = Date.now()
    const triggered = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'address.created', wait: true}})
    expect(triggered.status, triggered.text).toBe(201)
    expect(Date.now() - started).toBeGreaterThanOrEqual(700)
    expect(triggered.body.data.deliveries[0].firstAttempt).toMatchObject({errorClass: 'timeout'})
  })

  it('at the connection cap, slow clients cannot lock others out: a new connection replaces the one waiting longest on its client, and is answered', async () => {
    const emulator = await startTestEmulator({smtpPort: false, apiMaxConnections: 4, apiHeadersTimeoutMs: 5000, apiRequestTimeoutMs: 10_000, apiKeepAliveTimeoutMs: 30_000})
    const port = emulator.port
    // Four clients hold every place: two hang on their body, two on their headers.
    const slow: RawConnection[] = []
    for (const bytes of [SLOW_BODY, SLOW_BODY, `GET /api/v1/webhooks HTTP/1.1\r\n${HOST}`, '']) {
      slow.push(await slowClient(port, bytes))
      await new Promise((r) => setTimeout(r, 20)) // each waits a little longer than the next
    }
    // Each normal request gets in and is answered, well before any timeout; each time the client
    // that has waited longest is the one let go (closed, with no answer). The normal connections
    // stay open (keep-alive), so every new one finds the cap reached.
    for (let i = 0; i < 4; i++) {
      const normal = await slowClient(port, `GET /_emulator/v1/health HTTP/1.1\r\n${HOST}\r\n`)
      onTestFinished(() => normal.destroy())
      const answer = await normal.answered(2000)
      expect(answer.status, answer.text).toBe(200)
      const gone = await slow[i].closed(2000)
      expect(gone.closedByServer).toBe(true)
      expect(gone.elapsedMs).toBeLessThan(2000)
      for (const other of slow.slice(i + 1)) expect(other.isClosed()).toBe(false)
    }
  })

  it('at the connection cap with every connection being answered, one more is closed at once with no answer', async () => {
    const receiver = createServer((socket) => socket.on('data', () => {})) // an endpoint that never answers
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    onTestFinished(() => void receiver.close())
    const emulator = await startTestEmulator({smtpPort: false, apiMaxConnections: 2, attemptTimeoutMs: 1500})
    const url = `http://127.0.0.1:${(receiver.address() as {port: number}).port}/hook`
    await emulator.api('POST', '/api/v1/webhooks', {body: {url, events: ['address.created']}})
    // Two triggers that wait for their first attempt (1.5 s): both connections are busy answering.
    const busy = [0, 1].map(() => emulator.api('POST', '/_emulator/v1/events', {body: {event: 'address.created', wait: true}}))
    await new Promise((r) => setTimeout(r, 300))
    const extra = await rawExchange(port(emulator), `GET /_emulator/v1/health HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`, 1000)
    expect(extra.closedByServer).toBe(true)
    expect(extra.status, extra.text).toBeNull()
    for (const answer of await Promise.all(busy)) expect(answer.status).toBe(201)
    expect(await healthWithin(port(emulator), 2000)).toBe(200)
  })

  it('limits that cannot work are refused at start: zero, a fraction, a headers timeout longer than the request timeout', async () => {
    const base = {port: 0, smtpPort: false as const, dataDir: null}
    await expect(startEmulator({...base, apiMaxConnections: 0})).rejects.toThrow(/apiMaxConnections must be a whole number above 0/)
    await expect(startEmulator({...base, apiKeepAliveTimeoutMs: 1.5})).rejects.toThrow(/apiKeepAliveTimeoutMs/)
    await expect(startEmulator({...base, apiHeadersTimeoutMs: 5000, apiRequestTimeoutMs: 1000})).rejects.toThrow(/must not exceed apiRequestTimeoutMs/)
  })
})

/** GET health on fresh connections until one is answered (200) or the deadline passes. */
async function healthWithin(port: number, deadlineMs: number): Promise<number | null> {
  const until = Date.now() + deadlineMs
  for (;;) {
    const answer = await rawExchange(port, `GET /_emulator/v1/health HTTP/1.1\r\n${HOST}Connection: close\r\n\r\n`, 2000)
    if (answer.status !== null || Date.now() > until) return answer.status
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
