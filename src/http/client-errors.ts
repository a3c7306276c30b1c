import {type IncomingMessage, maxHeaderSize, type ServerResponse, STATUS_CODES} from 'node:http'
import type {Socket} from 'node:net'
import {type ErrorBody, errorBody} from './api-error.js'

/** Errors of Node's HTTP layer that are not "malformed request": status, code and message. */
const connectionErrors: Record<string, [number, string, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'request_timeout', 'the request was not received in full in time'],
  HPE_HEADER_OVERFLOW: [431, 'headers_too_large', `the request line and headers are larger than ${maxHeaderSize / 1024} KiB`],
}

/** Answers what Node's HTTP parser refuses (malformed, headers too large, too slow) with junkmail's JSON error, then closes the connection. */
export function answerClientError(error: NodeJS.ErrnoException & {reason?: string}, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const detail = [error.code, error.reason].filter(Boolean).join(': ')
  const [status, code, message] = connectionErrors[error.code ?? ''] ?? [400, 'bad_request', `malformed HTTP request${detail ? ` (${detail})` : ''}`]
  // As Node itself does: write nothing if a response has already started on this connection.
  const current = (socket as Socket & {_httpMessage?: ServerResponse | null})._httpMessage
  if (socket.writable && !current?.headersSent) socket.write(rawResponse(status, errorBody(status, code, message)))
  socket.destroy()
}

/** Answers an `Expect` other than `100-continue` (Node's own 417 has an empty body). */
export function answerExpectationFailed(request: IncomingMessage, response: ServerResponse): void {
  const body = JSON.stringify(errorBody(417, 'expectation_failed', 'only "Expect: 100-continue" is supported', 'Expect'))
  response.writeHead(417, {'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close'})
  response.end(body)
}

/** Answers `CONNECT` (Node would close the connection without a word): 405, then closes it. */
export function answerConnect(_request: IncomingMessage, socket: Socket): void {
  const message = 'CONNECT is not allowed: this is not a proxy'
  if (socket.writable) socket.write(rawResponse(405, errorBody(405, 'method_not_allowed', message)))
  socket.destroy()
}

function rawResponse(status: number, body: ErrorBody): string {
  const json = JSON.stringify(body)
  const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status]}`, 'Content-Type: application/json; charset=utf-8', `Content-Length: ${Buffer.byteLength(json)}`, 'Connection: close']
  return `${head.join('\r\n')}\r\n\r\n${json}`
}
