import {createServer, type Socket} from 'node:net'
import type {AddressInfo} from 'node:net'
import {describe, expect, it, onTestFinished} from 'vitest'
import {startTestEmulator} from './support/emulator.js'

/** A TCP port that accepts connections and reads them without ever answering (a plain-HTTP server waiting for a request line that never comes). */
async function startSilentPort(): Promise<{port: number; received: () => number}> {
  let bytes = 0
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('data', (chunk) => (bytes += chunk.length))
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(() => {
    for (const s of sockets) s.destroy()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return {port: (server.address() as AddressInfo).port, received: () => bytes}
}

describe('the attempt deadline', () => {
  it('covers the TLS handshake: an https:// webhook on a port that never answers the handshake fails as a timeout at the deadline, not later', async () => {
    const silent = await startSilentPort()
    // Over 1 s on purpose: undici times a connect above 1 s on a 500 ms tick.
    const timeoutMs = 1200
    const emulator = await startTestEmulator({timeScale: 1, attemptTimeoutMs: timeoutMs})
    const url = `https://127.0.0.1:${silent.port}/hook`
    await emulator.api('POST', '/api/v1/webhooks', {body: {url, events: ['email.deleted']}})
    const started = Date.now()
    const {body} = await emulator.api('POST', '/_emulator/v1/events', {body: {event: 'email.deleted', wait: true}})
    const elapsed = Date.now() - started
    const attempt = body.data.deliveries[0].firstAttempt
    expect(attempt).toMatchObject({outcome: 'failure', errorClass: 'timeout', errorMessage: `no complete response within ${timeoutMs} ms`, response: null})
    expect(silent.received()).toBeGreaterThan(0) // the ClientHello went out: the time was spent in the handshake
    expect(attempt.durationMs).toBeGreaterThanOrEqual(timeoutMs - 5)
    expect(attempt.durationMs).toBeLessThan(timeoutMs + 100)
    expect(elapsed).toBeLessThan(timeoutMs + 250)
  })
})
