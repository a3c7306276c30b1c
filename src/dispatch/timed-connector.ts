import type {Socket} from 'node:net'
import {buildConnector, errors} from 'undici'

/**
 * An undici connector whose timeout (TCP connect, then the TLS handshake for `https:`) fires on
 * time. undici times a connect above 1 s on a 500 ms tick, and an aborted request that is still
 * connecting waits for that: an `https://` URL on a port that never finishes the handshake held a
 * 2,000 ms attempt for up to 2,500 ms. undici's own timeout stays on as a backstop.
 */
export function timedConnector(timeoutMs: number): buildConnector.connector {
  const connect = buildConnector({timeout: timeoutMs})
  return (options, callback) => {
    let connected = false
    let timer: NodeJS.Timeout | undefined
    // undici's connector returns the socket it opens (not in its types): destroy it at the deadline.
    const socket = connect(options, (...args) => {
      connected = true
      clearTimeout(timer)
      callback(...args)
    }) as unknown as Socket | undefined
    if (connected || typeof socket?.destroy !== 'function') return
    timer = setTimeout(() => {
      if (!connected) socket.destroy(new errors.ConnectTimeoutError(`connect and TLS handshake not done within ${timeoutMs} ms`))
    }, timeoutMs)
  }
}
