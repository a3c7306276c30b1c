import {createServer, type IncomingHttpHeaders, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'

/** One request the receiver got: raw headers as sent, body as exact bytes. */
export interface ReceivedRequest {
  method: string
  url: string
  headers: IncomingHttpHeaders
  /** Header names in the order and case they were sent. */
  rawHeaderNames: string[]
  body: Buffer
  at: number
}

/** A real HTTP endpoint on 127.0.0.1:0 that records every request and answers with `respond`. */
export interface Receiver {
  readonly url: string
  readonly requests: ReceivedRequest[]
  /** Resolves when `count` requests have arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>
  close(): Promise<void>
}

/** An answer: a status (after `delayMs`, if given), or `hang` (never answer), or `destroy` (drop the connection). */
export type Respond = (request: ReceivedRequest) => {status: number; body?: string | Buffer; headers?: Record<string, string>; delayMs?: number} | 'hang' | 'destroy'

/** Starts a receiver. By default it answers 200 "ok". */
export async function startReceiver(respond: Respond = () => ({status: 200, body: 'ok'})): Promise<Receiver> {
  const requests: ReceivedRequest[] = []
  const waiters: Array<{count: number; resolve: (r: ReceivedRequest[]) => void}> = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const rawHeaderNames = req.rawHeaders.filter((_, i) => i % 2 === 0)
      const received: ReceivedRequest = {method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaderNames, body: Buffer.concat(chunks), at: Date.now()}
      requests.push(received)
      for (const w of [...waiters]) if (requests.length >= w.count) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve(requests.slice())
      }
      const answer = respond(received)
      if (answer === 'hang') return
      if (answer === 'destroy') {
        req.socket.destroy()
        return
      }
      const send = () => {
        res.writeHead(answer.status, answer.headers ?? {'content-type': 'text/plain'})
        res.end(answer.body ?? '')
      }
      if (answer.delayMs) setTimeout(send, answer.delayMs)
      else send()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    waitFor(count, timeoutMs = 10_000) {
      if (requests.length >= count) return Promise.resolve(requests.slice())
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`receiver got ${requests.length} of ${count} requests in ${timeoutMs} ms`)), timeoutMs)
        waiters.push({count, resolve: (r) => (clearTimeout(timer), resolve(r))})
      })
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
