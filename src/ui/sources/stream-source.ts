import type {ClientRequest} from 'node:http'
import {ApiClient} from '../../cli/api-client.js'
import type {Happening} from '../../feed/happening.js'
import type {ConnectionState, EmulatorStatus, ViewerSource} from '../viewer-contract.js'
import {type SseMessage, sseParser} from './sse-parser.js'

/** Where an emulator's API is, and the key to use. */
export interface StreamTarget {
  readonly apiUrl: string
  readonly apiKey: string
}

/** Options of {@link streamSource}. */
export interface StreamSourceOptions extends StreamTarget {
  /**
   * At the first connect, resume after this seq of the emulator's current run (0: all of it that
   * its feed still holds). @default none: from the connect on
   */
  readonly since?: number
  /** Finds the emulator again before each reconnect (a restart may move it to another port). @default the same apiUrl and key */
  readonly locate?: () => Promise<StreamTarget>
  /** Waits before the 1st, 2nd… reconnect in a row, ms; the last one repeats. @default [100, 250, 500, 1000, 2000] */
  readonly retryDelaysMs?: readonly number[]
}

/** What the stream route says first (see `StreamHello` in the route). */
interface Hello {
  runId: string
  after: number
  fresh: boolean
  dropped: number
  heartbeatMs: number
}

/** Back-off between reconnects, by default: a local emulator restarts in about a second. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [100, 250, 500, 1000, 2000]

/**
 * A {@link ViewerSource} over a running emulator's stream route (`GET /_emulator/v1/stream`), with
 * `node:http` (see `httpCall` for why not fetch). It reconnects by itself with back-off, resuming
 * after the last happening it delivered (`Last-Event-ID`), so none is missed or repeated; a
 * reconnect that finds another run (a restarted emulator) or a gap (happenings the emulator's
 * ring dropped meanwhile) is `connected` with `fresh: true`, and the new run is delivered from its
 * start. A stream silent for more than twice its heartbeat is taken as dead and reconnected.
 * An answer no retry can change (a bad key, a bad `since`) is final (`retryInMs: null`); 401 and
 * 403 are retried when `locate` may find another key.
 */
export function streamSource(options: StreamSourceOptions): ViewerSource & {readonly target: StreamTarget} {
  let target: StreamTarget = {apiUrl: options.apiUrl, apiKey: options.apiKey}
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS
  return {
    get apiKey() {
      return target.apiKey
    },
    get target() {
      return target
    },
    async status() {
      const {data} = await new ApiClient(target.apiUrl, target.apiKey).get<{data: EmulatorStatus}>('/_emulator/v1/status')
      return data
    },
    subscribe(handlers) {
      let stopped = false
      let lastId: string | null = null
      let failures = 0
      let request: ClientRequest | null = null
      let retryTimer: NodeJS.Timeout | null = null
      let silenceTimer: NodeJS.Timeout | null = null

      const connect = async () => {
        retryTimer = null
        if (stopped) return
        if (options.locate && failures > 0) {
          try {
            target = await options.locate()
          } catch (error) {
            return fail((error as Error).message, true)
          }
          if (stopped) return
        }
        let url: URL
        try {
          url = new URL(`${target.apiUrl}/_emulator/v1/stream`)
        } catch {
          return fail(`${target.apiUrl} is not a URL`, false)
        }
        if (lastId === null && options.since !== undefined) url.searchParams.set('since', String(options.since))
        const headers: Record<string, string> = {authorization: `Bearer ${target.apiKey}`, accept: 'text/event-stream'}
        if (lastId !== null) headers['last-event-id'] = lastId
        const {request: send} = url.protocol === 'https:' ? await import('node:https') : await import('node:http')
        if (stopped) return
        let done = false
        let heartbeatMs = 15_000
        const end = (reason: string, retry: boolean) => {
          if (done) return
          done = true
          if (request === req) request = null
          req.destroy()
          fail(reason, retry)
        }
        const alive = () => {
          if (silenceTimer) clearTimeout(silenceTimer)
          const silenceMs = 2 * heartbeatMs + 1000
          silenceTimer = setTimeout(() => end(`no word from the emulator in ${silenceMs / 1000} s`, true), silenceMs)
        }
        const onMessage = (m: SseMessage) => {
          if (done || stopped) return
          alive()
          if (m.event !== 'hello' && (m.event !== 'message' || m.id === null)) return
          let data: unknown
          try {
            data = JSON.parse(m.data)
          } catch (error) {
            return end(`the emulator sent a message that is not JSON (${(error as Error).message})`, true)
          }
          if (m.event === 'hello') {
            const hello = data as Hello
            heartbeatMs = hello.heartbeatMs
            alive()
            // Fresh: a run this subscription has not seen (its first connect, or a restart), or a gap in this one.
            const fresh = lastId === null || hello.fresh || hello.dropped > 0
            lastId = `${hello.runId}:${hello.after}`
            failures = 0
            handlers.connection({state: 'connected', fresh})
          } else {
            lastId = m.id
            handlers.happening(data as Happening)
          }
        }
        // Its own connection (no agent): no keep-alive socket timeout applies to it.
        const req: ClientRequest = send(url, {headers, agent: false, timeout: 0}, (res) => {
          res.setEncoding('utf8')
          const status = res.statusCode ?? 0
          if (status !== 200) {
            let body = ''
            res.on('data', (chunk: string) => (body += chunk.slice(0, 2000)))
            res.on('end', () => end(`HTTP ${status}: ${errorMessage(body)}`, retryAfter(status, options.locate !== undefined)))
            return
          }
          alive()
          const parse = sseParser({comment: () => !done && alive(), message: onMessage})
          res.on('data', (chunk: string) => !done && !stopped && parse(chunk))
        })
        request = req
        req.on('error', (error) => end(describe(error, target.apiUrl), true))
        req.on('close', () => end('the emulator closed the stream', true))
        req.end()
      }

      const fail = (reason: string, retry: boolean) => {
        if (silenceTimer) clearTimeout(silenceTimer)
        silenceTimer = null
        if (stopped) return
        const retryInMs = retry ? delays[Math.min(failures, delays.length - 1)] : null
        failures++
        const state: ConnectionState = {state: 'disconnected', reason, retryInMs}
        handlers.connection(state)
        if (retryInMs !== null && !stopped) retryTimer = setTimeout(() => void connect(), retryInMs)
      }

      void connect()
      return () => {
        stopped = true
        if (retryTimer) clearTimeout(retryTimer)
        if (silenceTimer) clearTimeout(silenceTimer)
        request?.destroy()
        request = null
      }
    },
  }
}

/** Whether an answer other than 200 is worth trying again: the emulator busy or failing, or a key `locate` may replace. */
function retryAfter(status: number, canRelocate: boolean): boolean {
  if (status === 401 || status === 403) return canRelocate
  return status >= 500 || status === 408 || status === 429
}

/** A socket error as words: `connection refused at http://…` and the like. */
function describe(error: NodeJS.ErrnoException, apiUrl: string): string {
  if (error.code === 'ECONNREFUSED') return `connection refused at ${apiUrl} (is the emulator running?)`
  if (error.code === 'ECONNRESET') return `connection reset by ${apiUrl}`
  return `${error.code ?? error.name}: ${error.message}`
}

/** The `message` of an API error body, or the body's start. */
function errorMessage(body: string): string {
  try {
    const message = JSON.parse(body)?.error?.message
    if (typeof message === 'string') return message
  } catch {
    // not JSON
  }
  return body.slice(0, 200) || 'no answer'
}
