import type {IncomingMessage, RequestOptions} from 'node:http'

/** A whole HTTP answer. */
export interface HttpAnswer {
  readonly status: number
  readonly body: Buffer
}

/**
 * One HTTP request with `node:http` (or `node:https`), the body read to the end. The CLI uses this
 * rather than the global `fetch`: loading fetch (undici, with its WASM HTTP parser) costs a command
 * about 300 ms, `node:http` about 20 ms. Rejects with the socket error (its `code`, e.g.
 * `ECONNREFUSED`) when no answer comes, or a `TimeoutError` after `timeoutMs`.
 */
export async function httpCall(
  url: string,
  options: {method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number; newConnection?: boolean} = {},
): Promise<HttpAnswer> {
  const target = new URL(url)
  const {request} = target.protocol === 'https:' ? await import('node:https') : await import('node:http')
  const body = options.body === undefined ? undefined : Buffer.from(options.body)
  const headers: Record<string, string | number> = {...options.headers}
  if (body) headers['content-length'] = body.length
  // Without timeoutMs, no deadline at all: the default agent's 5 s keep-alive socket timeout would
  // otherwise cut a request the emulator answers later (a trigger waiting for a slow endpoint).
  // newConnection: no reused keep-alive socket, which the server may be closing just then (a reset
  // that would be blamed on the request).
  const requestOptions: RequestOptions = {method: options.method ?? 'GET', headers, timeout: options.timeoutMs ?? 0, ...(options.newConnection ? {agent: false} : {})}
  return new Promise<HttpAnswer>((resolve, reject) => {
    const req = request(target, requestOptions, (res: IncomingMessage) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body: Buffer.concat(chunks)}))
      res.on('error', reject)
    })
    req.on('timeout', () => {
      const error = new Error(`no answer within ${options.timeoutMs} ms`)
      error.name = 'TimeoutError'
      req.destroy(error)
    })
    req.on('error', reject)
    req.end(body)
  })
}
