import type {IncomingMessage, Server, ServerResponse} from 'node:http'
import type {Socket} from 'node:net'

interface Tracked {
  /** When the connection last started waiting for a client (connected, or its last answer sent). */
  waitingSince: number
  /** The request being handled, if any. */
  request: IncomingMessage | null
  response: ServerResponse | null
}

/**
 * Caps `server` at `max` open connections without letting slow clients lock everyone out: at the
 * cap, a new connection takes the place of the one that has waited longest for its client (no
 * request yet, a request still arriving, or idle between requests), which is closed. Only when every
 * connection has a whole request being answered is the new one closed instead.
 */
export function limitConnections(server: Server, max: number): void {
  const open = new Map<Socket, Tracked>()
  server.on('connection', (socket: Socket) => {
    if (open.size >= max) {
      const victim = longestWaiting(open)
      if (!victim) {
        socket.destroy()
        return
      }
      open.delete(victim)
      victim.destroy()
    }
    open.set(socket, {waitingSince: Date.now(), request: null, response: null})
    socket.once('close', () => open.delete(socket))
  })
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const tracked = open.get(request.socket)
    if (!tracked) return
    tracked.request = request
    tracked.response = response
    response.once('finish', () => {
      tracked.request = null
      tracked.response = null
      tracked.waitingSince = Date.now()
    })
  })
}

/** The connection to give up: waiting on its client the longest; none when all are being answered. */
function longestWaiting(open: Map<Socket, Tracked>): Socket | undefined {
  let victim: Socket | undefined
  let since = Number.POSITIVE_INFINITY
  for (const [socket, tracked] of open) {
    // A whole request being answered is the emulator's work in progress, not a slow client.
    if (tracked.request?.complete && !tracked.response?.writableEnded) continue
    if (tracked.waitingSince < since) {
      since = tracked.waitingSince
      victim = socket
    }
  }
  return victim
}
