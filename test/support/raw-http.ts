import {connect} from 'node:net'

/** What came back on a raw connection: the parsed answer (if any) and how the connection ended. */
export interface RawAnswer {
  /** Status of the first response, or null if none came. */
  status: number | null
  /** Headers of the first response, lower-cased names. */
  headers: Record<string, string>
  /** Body of the first response (de-chunked), and its JSON if it parses. */
  body: string
  json: any
  /** Everything received, as text. */
  text: string
  /** Whether the server closed the connection before the deadline (false: the test closed it). */
  closedByServer: boolean
  /** Milliseconds from connecting to the close. */
  elapsedMs: number
}

/** A connection that sends exactly the bytes a test gives it, nothing more: to talk HTTP badly or slowly. */
export interface RawConnection {
  /** Resolves once connected. */
  readonly connected: Promise<void>
  write(bytes: string | Buffer): void
  /** Waits (at most `deadlineMs`) for a complete first answer, leaving the connection open. */
  answered(deadlineMs: number): Promise<RawAnswer>
  /** Waits until the server closes the connection, or closes it at the deadline; then parses what came back. */
  closed(deadlineMs: number): Promise<RawAnswer>
  destroy(): void
  /** True once the connection has closed (either side). */
  isClosed(): boolean
}

/** Opens a plain TCP connection to 127.0.0.1:port. */
export function openRaw(port: number): RawConnection {
  const started = Date.now()
  const socket = connect(port, '127.0.0.1')
  const chunks: Buffer[] = []
  let closedByServer = true
  const waiters = new Set<() => void>()
  socket.on('data', (chunk) => {
    chunks.push(chunk)
    for (const wake of waiters) wake()
  })
  socket.on('close', () => {
    for (const wake of waiters) wake()
  })
  socket.on('error', () => {})
  const connected = new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  const ended = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)))
  return {
    connected,
    write: (bytes) => socket.write(bytes),
    destroy: () => socket.destroy(),
    isClosed: () => socket.closed,
    answered(deadlineMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`no complete answer within ${deadlineMs} ms`))
        }, deadlineMs)
        function check() {
          const answer = parseAnswer(Buffer.concat(chunks).toString('latin1'))
          if (!answer.complete && !socket.destroyed) return
          clearTimeout(timer)
          waiters.delete(check)
          resolve({...answer, closedByServer: socket.destroyed, elapsedMs: Date.now() - started})
        }
        waiters.add(check)
        check()
      })
    },
    async closed(deadlineMs) {
      const timer = setTimeout(() => {
        closedByServer = false
        socket.destroy()
      }, deadlineMs)
      const elapsedMs = await ended
      clearTimeout(timer)
      const {complete: _complete, ...answer} = parseAnswer(Buffer.concat(chunks).toString('latin1'))
      return {...answer, closedByServer, elapsedMs}
    },
  }
}

/** Sends `bytes` on a new connection and waits (at most `deadlineMs`) for the server to close it. */
export async function rawExchange(port: number, bytes: string | Buffer, deadlineMs = 5000): Promise<RawAnswer> {
  const connection = openRaw(port)
  await connection.connected
  connection.write(bytes)
  return connection.closed(deadlineMs)
}

function parseAnswer(text: string): Pick<RawAnswer, 'status' | 'headers' | 'body' | 'json' | 'text'> & {complete: boolean} {
  const end = text.indexOf('\r\n\r\n')
  if (!text.startsWith('HTTP/') || end < 0) return {status: null, headers: {}, body: '', json: undefined, text, complete: false}
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n')
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  let body = text.slice(end + 4)
  let complete = true
  if (headers['content-length'] !== undefined) {
    complete = body.length >= Number(headers['content-length'])
    body = body.slice(0, Number(headers['content-length']))
  } else if (headers['transfer-encoding'] === 'chunked') {
    complete = /(^|\r\n)0\r\n\r\n/.test(body)
    body = dechunk(body)
  }
  let json: any
  try {
    json = JSON.parse(body)
  } catch {
    json = undefined
  }
  return {status: Number(statusLine.split(' ')[1]), headers, body, json, text, complete}
}

function dechunk(text: string): string {
  let out = ''
  let rest = text
  for (;;) {
    const lineEnd = rest.indexOf('\r\n')
    const size = parseInt(rest.slice(0, lineEnd), 16)
    if (!(size > 0)) return out
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size)
    rest = rest.slice(lineEnd + 4 + size)
  }
}
