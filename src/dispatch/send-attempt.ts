import {EventEmitter} from 'node:events'
import type {Dispatcher} from 'undici'
import type {AttemptResponse} from '../store/types.js'

/** Bytes of a response body kept in an attempt record; the rest is read and dropped. */
export const RESPONSE_BODY_LIMIT = 4096

/** Outcome of one POST: a response of any status, or a transport error. */
export interface SendResult {
  response: AttemptResponse | null
  errorClass: string | null
  errorMessage: string | null
  durationMs: number
  /** Settles once undici has let go of the request (at once, or a few ms after a deadline). */
  released: Promise<void>
}

/** Origin and path of each webhook URL, parsed once (the top-level undici `request()` parses the URL on every call). */
const targets = new Map<string, {origin: string; path: string}>()

/** Scheme, host and port of a webhook URL (`http://127.0.0.1:3000`): what the dispatcher shares out fairly. */
export function originOf(url: string): string {
  try {
    return target(url).origin
  } catch {
    return url // not a URL (a hand-edited store): its attempt fails on its own
  }
}

function target(url: string): {origin: string; path: string} {
  let parsed = targets.get(url)
  if (!parsed) {
    const u = new URL(url)
    parsed = {origin: u.origin, path: `${u.pathname}${u.search}`}
    if (targets.size >= 1000) targets.clear()
    targets.set(url, parsed)
  }
  return parsed
}

/**
 * The abort signal of one attempt. undici takes an EventEmitter with `aborted` and `reason` as a
 * signal; it costs far less than an AbortController (EventTarget) per attempt.
 */
class AttemptAbort extends EventEmitter {
  aborted = false
  reason: unknown = undefined

  abort(reason: unknown): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason
    this.emit('abort')
  }
}

/** Stops every attempt in flight at once (the dispatcher's stop). */
export class StopSwitch {
  stopped = false
  readonly #inFlight = new Set<AttemptAbort>()

  stop(): void {
    this.stopped = true
    for (const attempt of this.#inFlight) attempt.abort(new DOMException('emulator stopped', 'AbortError'))
  }

  /** @internal */
  track(attempt: AttemptAbort): () => void {
    if (this.stopped) attempt.abort(new DOMException('emulator stopped', 'AbortError'))
    this.#inFlight.add(attempt)
    return () => this.#inFlight.delete(attempt)
  }
}

/**
 * POSTs `body` once, under one overall deadline covering connect, TLS handshake, headers and body.
 * Redirects are not followed. Never throws; a stop (from `stop`) is reported as `errorClass: 'aborted'`.
 * The result comes at the deadline at the latest, even if undici has not let go of the request yet
 * (it acts on an abort only once the request has a connection): `released` says when it has.
 */
export async function sendAttempt(options: {
  url: string
  headers: Record<string, string>
  body: string
  timeoutMs: number
  dispatcher: Dispatcher
  stop?: StopSwitch
}): Promise<SendResult> {
  const started = performance.now()
  // One signal and one timer per attempt: the deadline covers connect, TLS handshake, headers and body.
  const signal = new AttemptAbort()
  const aborted = new Promise<never>((_, reject) => signal.once('abort', () => reject(signal.reason)))
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    signal.abort(new DOMException(`no complete response within ${options.timeoutMs} ms`, 'TimeoutError'))
  }, options.timeoutMs)
  const untrack = options.stop?.track(signal)
  const exchange = exchangeOnce(options, signal)
  const released = exchange.then(noop, noop)
  try {
    const {statusCode, headers, body, size} = await Promise.race([exchange, aborted])
    const response: AttemptResponse = {
      status: statusCode,
      headers: headers as Record<string, string | string[]>,
      body: body.toString('utf8'),
      bodyTruncated: body.length < size,
      bodyBytesDropped: size - body.length,
    }
    const ok = statusCode >= 200 && statusCode < 300
    return {
      response,
      errorClass: ok ? null : 'http_status',
      errorMessage: ok ? null : describeStatus(statusCode, headers.location),
      durationMs: performance.now() - started,
      released,
    }
  } catch (error) {
    const durationMs = performance.now() - started
    if (options.stop?.stopped) return {response: null, errorClass: 'aborted', errorMessage: 'emulator stopped', durationMs, released}
    if (timedOut) {
      return {response: null, errorClass: 'timeout', errorMessage: `no complete response within ${options.timeoutMs} ms`, durationMs, released}
    }
    return {response: null, ...classifyError(error), durationMs, released}
  } finally {
    clearTimeout(timer)
    untrack?.()
  }
}

const noop = () => {}

/** The request and its whole response body, of which only what an attempt keeps is kept. */
async function exchangeOnce(
  options: {url: string; headers: Record<string, string>; body: string; dispatcher: Dispatcher},
  signal: AttemptAbort,
): Promise<{statusCode: number; headers: Dispatcher.ResponseData['headers']; body: Buffer; size: number}> {
  const {origin, path} = target(options.url)
  const res = await options.dispatcher.request({origin, path, method: 'POST', headers: options.headers, body: options.body, signal})
  // Read to the end so the connection can be reused; keep the chunks holding the first
  // RESPONSE_BODY_LIMIT bytes and the byte after them (to cut on a character boundary).
  const kept: Buffer[] = []
  let size = 0
  await new Promise<void>((resolve, reject) => {
    res.body.on('data', (chunk: Buffer) => {
      if (size <= RESPONSE_BODY_LIMIT) kept.push(chunk)
      size += chunk.length
    })
    let settled = false
    res.body.once('end', () => {
      settled = true
      resolve()
    })
    res.body.once('error', (error: Error) => {
      settled = true
      reject(error)
    })
    // Closed without an end or an error (destroyed): settle anyway, so no attempt hangs. (The
    // Error is only built then: a stack trace on every attempt is not free.)
    res.body.once('close', () => settled || reject(new Error('response body closed before its end')))
  })
  return {statusCode: res.statusCode, headers: res.headers, body: keptBody(Buffer.concat(kept)), size}
}

/**
 * The first RESPONSE_BODY_LIMIT bytes of `body`, or fewer so as not to end inside a UTF-8
 * character: when the first byte left out continues a character (10xxxxxx), that character is left
 * out whole. At most 3 bytes go back, so a body that is not UTF-8 is still cut near the limit.
 */
export function keptBody(body: Buffer): Buffer {
  if (body.length <= RESPONSE_BODY_LIMIT) return body
  let end = RESPONSE_BODY_LIMIT
  while (end > RESPONSE_BODY_LIMIT - 3 && (body[end] & 0xc0) === 0x80) end--
  return body.subarray(0, end)
}

function describeStatus(status: number, location: string | string[] | undefined): string {
  if (status >= 300 && status < 400) return `HTTP ${status}: redirects are not followed${location ? ` (Location: ${location})` : ''}`
  return `HTTP ${status}: not a 2xx response`
}

/** Names the transport failure: `timeout`, `connection_refused`, `connection_reset`, `dns` or `network`. */
export function classifyError(error: unknown): {errorClass: string; errorMessage: string} {
  const err = error as {code?: string; name?: string; message?: string; cause?: {code?: string; message?: string}}
  const code = err?.code ?? err?.cause?.code ?? ''
  const message = err?.message ?? String(error)
  if (err?.name === 'TimeoutError' || /TIMEOUT/.test(code)) return {errorClass: 'timeout', errorMessage: message}
  if (code === 'ECONNREFUSED') return {errorClass: 'connection_refused', errorMessage: message}
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED') {
    return {errorClass: 'connection_reset', errorMessage: message}
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return {errorClass: 'dns', errorMessage: message}
  return {errorClass: 'network', errorMessage: code ? `${code}: ${message}` : message}
}
