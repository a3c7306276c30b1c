import type {ServerResponse} from 'node:http'
import type {FastifyInstance, FastifyRequest} from 'fastify'
import {type EmulatorContext, OperationError} from '../../emulator/emulator-context.js'
import type {FeedReader} from '../../feed/feed.js'
import type {Happening} from '../../feed/happening.js'
import {errorBody} from '../api-error.js'
import {FULL_ACCESS} from '../auth.js'
import {defineResource} from '../define-resource.js'

/** Bounds of the stream route. */
export interface StreamLimits {
  /** A comment line is sent this often, so that proxies and clients see the stream is alive, ms. */
  readonly heartbeatMs: number
  /** Streams open at once; one more gets 503 (they never count as slow clients, see `limitConnections`). */
  readonly maxClients: number
}

/** What a stream says first: where it stands, and where it resumes. */
export interface StreamHello {
  readonly runId: string
  /** Seq of the newest happening of this run when the stream opened. */
  readonly latestSeq: number
  /** The stream goes on after this seq (the same as the hello's `id`). */
  readonly after: number
  /** No resume point of this run was given (none, or one of another run: the emulator restarted). */
  readonly fresh: boolean
  /** Happenings after the resume point that the ring no longer holds: the client missed them. */
  readonly dropped: number
  readonly heartbeatMs: number
}

/** Past this many bytes waiting for a client, the stream stops writing until it drains. */
const HIGH_WATER_BYTES = 256 * 1024

/**
 * `GET /_emulator/v1/stream`: the feed as Server-Sent Events. Each happening is one message, `id:
 * <runId>:<seq>`, its JSON as `data`; first comes `event: hello` ({@link StreamHello}). Resumes
 * after `Last-Event-ID` or `?since=` (`<seq>` or `<runId>:<seq>`): a resume point of another run
 * replays this run from its start; none streams from now on. A client that falls so far behind
 * that the ring has dropped what it has not read yet is disconnected (it can resume, and learns
 * how many it missed).
 */
export function streamRoute(app: FastifyInstance, ctx: EmulatorContext, url: string, limits: StreamLimits): void {
  const feed = ctx.feed
  const open = new Set<ServerResponse>()
  defineResource(app, ctx.store, url, {
    GET: {
      scope: FULL_ACCESS,
      handler: async (request, reply) => {
        const hello = resumePoint(request, feed, limits.heartbeatMs)
        const headers = {'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no'}
        if (request.method === 'HEAD') return reply.headers(headers).send()
        if (open.size >= limits.maxClients) {
          const message = `${open.size} streams are open, the most at once; close one (or try again later)`
          return reply.status(503).header('retry-after', '5').send(errorBody(503, 'too_many_streams', message))
        }
        reply.hijack()
        const res = reply.raw
        open.add(res)
        res.once('close', () => open.delete(res))
        res.writeHead(200, headers)
        serve(res, feed, hello, limits.heartbeatMs)
      },
    },
  })
}

/** Writes the hello, then every happening after `hello.after` as it comes, until the client goes. */
function serve(res: ServerResponse, feed: FeedReader, hello: StreamHello, heartbeatMs: number): void {
  let cursor = hello.after
  let scheduled: NodeJS.Immediate | null = null
  let closed = false
  res.write(`retry: 1000\nid: ${feed.runId}:${cursor}\nevent: hello\ndata: ${JSON.stringify(hello)}\n\n`)
  const pump = () => {
    scheduled = null
    if (closed) return
    // Fell behind the ring: what it would read next is gone. Cut, not buffered without bound.
    if (cursor + 1 < feed.oldestSeq) {
      res.destroy()
      return
    }
    res.cork()
    while (cursor < feed.latestSeq && res.writableLength < HIGH_WATER_BYTES) {
      const happening = feed.at(cursor + 1)!
      res.write(message(feed.runId, happening))
      cursor = happening.seq
    }
    process.nextTick(() => res.uncork())
  }
  const schedule = () => {
    if (!closed) scheduled ??= setImmediate(pump)
  }
  const unsubscribe = feed.subscribe(schedule)
  res.on('drain', schedule)
  const heartbeat = setInterval(() => {
    if (res.writableLength === 0) res.write(': heartbeat\n\n')
  }, heartbeatMs)
  res.once('close', () => {
    closed = true
    unsubscribe()
    clearInterval(heartbeat)
    if (scheduled) clearImmediate(scheduled)
    scheduled = null
  })
  schedule()
}

/** The last happening serialised, for the other streams that send it next. */
let last: {happening: Happening; text: string} | null = null

function message(runId: string, happening: Happening): string {
  if (last?.happening !== happening) last = {happening, text: `id: ${runId}:${happening.seq}\ndata: ${JSON.stringify(happening)}\n\n`}
  return last.text
}

/** Where a new stream starts, from `Last-Event-ID` (a reconnect) or else `?since=`; a 400 names a malformed one. */
function resumePoint(request: FastifyRequest, feed: FeedReader, heartbeatMs: number): StreamHello {
  const header = request.headers['last-event-id']
  const since = (request.query as {since?: unknown}).since
  const [field, text] = typeof header === 'string' && header !== '' ? ['Last-Event-ID', header] : ['since', since]
  const start = (after: number, fresh: boolean): StreamHello => {
    const dropped = Math.max(0, feed.oldestSeq - after - 1)
    return {runId: feed.runId, latestSeq: feed.latestSeq, after: after + dropped, fresh, dropped, heartbeatMs}
  }
  if (text === undefined) return start(feed.latestSeq, true)
  const match = typeof text === 'string' ? /^(?:([0-9a-f]{1,64}):)?(\d{1,15})$/.exec(text) : null
  if (!match) throw new OperationError(400, 'validation_error', `${field} must be <seq> or <runId>:<seq>, e.g. ${feed.runId}:${feed.latestSeq}`, field)
  const [, runId, seqText] = match
  if (runId !== undefined && runId !== feed.runId) return start(0, true)
  const seq = Number(seqText)
  if (seq > feed.latestSeq) throw new OperationError(400, 'validation_error', `${field}: seq ${seq} is past the newest happening of this run (${feed.latestSeq})`, field)
  return start(seq, false)
}
