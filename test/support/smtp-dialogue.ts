import {connect, type Socket} from 'node:net'
import {onTestFinished} from 'vitest'

/** One SMTP reply: its code and the text of each line (without `250-` / `250 `). */
export interface SmtpReply {
  code: number
  lines: string[]
  /** The reply as received, CRLFs included. */
  raw: string
}

/** A raw SMTP session over a real socket: every byte written and read is ours to choose and inspect. */
export interface SmtpDialogue {
  readonly socket: Socket
  /** The 220 greeting. */
  readonly greeting: SmtpReply
  /** Milliseconds from the TCP connection to the first byte of the greeting. */
  readonly greetingMs: number
  /** Sends one command line (CRLF added) and resolves with its reply. */
  command(line: string): Promise<SmtpReply>
  /** Writes bytes as they are, expecting no reply. */
  write(bytes: Buffer | string): void
  /** Resolves with the next reply (for bytes sent with `write`). */
  reply(): Promise<SmtpReply>
  /** DATA, then the message dot-stuffed and terminated: resolves with the final reply (or the DATA refusal). */
  data(message: Buffer): Promise<SmtpReply>
  /** QUIT and close. */
  quit(): Promise<void>
}

/** Escapes every `.` that starts a line, as the SMTP client must (RFC 5321 §4.5.2). */
export function dotStuff(message: Buffer): Buffer {
  const out: number[] = []
  for (let i = 0; i < message.length; i++) {
    if (message[i] === 0x2e && (i === 0 || message[i - 1] === 0x0a)) out.push(0x2e)
    out.push(message[i])
  }
  return Buffer.from(out)
}

/** Opens a session to 127.0.0.1:`port` and reads the greeting; destroyed after the test. */
export async function openSmtp(port: number, timeoutMs = 10_000): Promise<SmtpDialogue> {
  const socket = connect(port, '127.0.0.1')
  onTestFinished(() => {
    socket.destroy()
  })
  let buffer = ''
  const replies: SmtpReply[] = []
  const waiters: Array<{resolve: (r: SmtpReply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout}> = []
  let connectedAt = 0
  let firstByteAt = 0
  let failure: Error | null = null

  const flush = () => {
    while (replies.length > 0 && waiters.length > 0) {
      const w = waiters.shift()!
      clearTimeout(w.timer)
      w.resolve(replies.shift()!)
    }
    if (failure) for (const w of waiters.splice(0)) (clearTimeout(w.timer), w.reject(failure))
  }
  socket.on('connect', () => (connectedAt = performance.now()))
  socket.on('data', (chunk: Buffer) => {
    if (!firstByteAt) firstByteAt = performance.now()
    buffer += chunk.toString('utf8')
    let lines: string[] = []
    let start = 0
    for (;;) {
      const end = buffer.indexOf('\r\n', start)
      if (end < 0) break
      const line = buffer.slice(start, end)
      lines.push(line)
      start = end + 2
      if (/^\d{3}(?: |$)/.test(line)) {
        replies.push({code: Number(line.slice(0, 3)), lines: lines.map((l) => l.slice(4)), raw: lines.map((l) => l + '\r\n').join('')})
        lines = []
        buffer = buffer.slice(start)
        start = 0
      }
    }
    flush()
  })
  const fail = (error: Error) => {
    failure ??= error
    flush()
  }
  socket.on('error', fail)
  socket.on('close', () => fail(new Error(`connection closed; unread: ${JSON.stringify(buffer)}`)))

  const reply = () =>
    new Promise<SmtpReply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no SMTP reply in ${timeoutMs} ms`)), timeoutMs)
      waiters.push({resolve, reject, timer})
      flush()
    })
  const greeting = await reply()
  const write = (bytes: Buffer | string) => void socket.write(bytes)
  const command = (line: string) => {
    const next = reply()
    write(`${line}\r\n`)
    return next
  }
  return {
    socket,
    greeting,
    greetingMs: firstByteAt - connectedAt,
    command,
    write,
    reply,
    async data(message) {
      const go = await command('DATA')
      if (go.code !== 354) return go
      const done = reply()
      const stuffed = dotStuff(message)
      const ending = stuffed.length === 0 || stuffed.subarray(-2).toString() === '\r\n' ? '.\r\n' : '\r\n.\r\n'
      write(Buffer.concat([stuffed, Buffer.from(ending)]))
      return done
    },
    async quit() {
      await command('QUIT').catch(() => undefined)
      socket.destroy()
    },
  }
}

/** Opens a session and says EHLO; resolves with the session and the EHLO reply. */
export async function ehlo(port: number, name = 'client.test'): Promise<{smtp: SmtpDialogue; ehlo: SmtpReply}> {
  const smtp = await openSmtp(port)
  return {smtp, ehlo: await smtp.command(`EHLO ${name}`)}
}

/** One whole transaction on a fresh session: the reply of each step. */
export async function sendOnce(port: number, input: {from: string; to: string[]; message: Buffer}) {
  const {smtp} = await ehlo(port)
  const mail = await smtp.command(`MAIL FROM:<${input.from}>`)
  const rcpt: SmtpReply[] = []
  for (const to of input.to) rcpt.push(await smtp.command(`RCPT TO:<${to}>`))
  const data = rcpt.some((r) => r.code === 250) ? await smtp.data(input.message) : null
  await smtp.quit()
  const emailIds = data ? queuedIds(data) : []
  // A 250 always names what was stored.
  if (data?.code === 250 && emailIds.length === 0) throw new Error(`250 without the ids of what was stored: ${data.raw}`)
  return {mail, rcpt, data, emailIds}
}

/** Email ids in a `250 2.0.0 Ok: queued as <id>,<id>` reply. */
export function queuedIds(reply: SmtpReply | string): string[] {
  const text = typeof reply === 'string' ? reply : reply.lines.join(' ')
  return /queued as ([0-9a-f,-]+)/.exec(text)?.[1].split(',') ?? []
}
