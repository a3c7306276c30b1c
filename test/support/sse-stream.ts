import {request} from 'node:http'
import {onTestFinished} from 'vitest'
import {type SseMessage, sseParser} from '../../src/ui/sources/sse-parser.js'

/** A Server-Sent Events connection to an emulator's stream route, as a test sees it. */
export interface SseStream {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  /** The body, when the answer was not a stream (an error). */
  readonly body: () => string
  readonly messages: SseMessage[]
  readonly comments: string[]
  /** Resolves with the first message (already received or future) that matches. */
  waitFor(match: (m: SseMessage) => boolean, timeoutMs?: number): Promise<SseMessage>
  /** Resolves once the connection has closed (either side). */
  readonly closed: Promise<void>
  isClosed(): boolean
  close(): void
  /** Stops reading (the socket's buffers fill, then the server's) / reads again. */
  pause(): void
  resume(): void
}

/** Opens `GET /_emulator/v1/stream` (plus `query`) with node:http; closed after the test. */
export function openStream(
  baseUrl: string,
  options: {key?: string | null; query?: string; headers?: Record<string, string>; method?: string} = {},
): Promise<SseStream> {
  const headers: Record<string, string> = {accept: 'text/event-stream', ...options.headers}
  if (options.key !== null) headers.authorization ??= `Bearer ${options.key ?? 'jm_test_local'}`
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}/_emulator/v1/stream${options.query ?? ''}`, {method: options.method ?? 'GET', headers, agent: false}, (res) => {
      const messages: SseMessage[] = []
      const comments: string[] = []
      const watchers: Array<{match: (m: SseMessage) => boolean; resolve: (m: SseMessage) => void}> = []
      let body = ''
      let closed = false
      const closedPromise = new Promise<void>((done) => res.socket.once('close', () => ((closed = true), done())))
      const parse = sseParser({
        message(m) {
          messages.push(m)
          for (const w of [...watchers]) if (w.match(m)) {
            watchers.splice(watchers.indexOf(w), 1)
            w.resolve(m)
          }
        },
        comment: (text) => comments.push(text),
      })
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        if (res.statusCode === 200) parse(chunk)
        else body += chunk
      })
      res.on('error', () => {})
      onTestFinished(() => void req.destroy())
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: () => body,
        messages,
        comments,
        waitFor(match, timeoutMs = 5000) {
          const seen = messages.find(match)
          if (seen) return Promise.resolve(seen)
          return new Promise((ok, fail) => {
            const timer = setTimeout(() => fail(new Error(`no matching message in ${timeoutMs} ms; got ${messages.map((m) => `${m.event} ${m.id}`).join(', ')}`)), timeoutMs)
            watchers.push({match, resolve: (m) => (clearTimeout(timer), ok(m))})
          })
        },
        closed: closedPromise,
        isClosed: () => closed,
        close: () => req.destroy(),
        pause: () => res.pause(),
        resume: () => res.resume(),
      })
    })
    req.on('error', reject)
    req.end()
  })
}
