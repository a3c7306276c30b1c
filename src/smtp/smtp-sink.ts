import type {Socket} from 'node:net'
import type {SMTPServer as SMTPServerType, SMTPServerOptions, SMTPServerSession} from 'smtp-server'
import type {EmulatorContext} from '../emulator/emulator-context.js'
import {preloadHeaderReader} from '../mail/parse-mail.js'
import type {MailHooks} from '../providers/provider.js'

/** Options of the SMTP sink. */
export interface SmtpSinkOptions {
  readonly host: string
  /** 0 picks a free port. */
  readonly port: number
  /** Largest message accepted, bytes; larger ones get 552 (the rest of the stream is drained). */
  readonly maxMessageSize: number
  /** Most recipients per message; more get 452. */
  readonly maxRecipients: number
  /** PEM key and certificate: STARTTLS is offered only when both are given. */
  readonly tls?: {key: Buffer; cert: Buffer}
  /** Sessions open at once; one more is greeted with 421 and closed. @default 256 */
  readonly maxClients?: number
  /**
   * A session that completes no command (or, in DATA, no message) for this long gets 421 and is
   * closed: an idle session, and one drip-fed a byte at a time, alike. @default 60000
   */
  readonly commandTimeoutMs?: number
}

/** Default of {@link SmtpSinkOptions.maxClients}: with the API's cap, well inside a 1,024-file limit. */
export const DEFAULT_SMTP_MAX_CLIENTS = 256
/** Default of {@link SmtpSinkOptions.commandTimeoutMs}. */
export const DEFAULT_SMTP_COMMAND_TIMEOUT_MS = 60_000

/** What the sink is doing right now. */
export interface SmtpActivity {
  /** SMTP sessions open. */
  readonly sessions: number
  /** Messages in DATA or being stored, not yet answered. */
  readonly messagesInProgress: number
}

/** A running SMTP sink. */
export interface RunningSmtpSink {
  readonly host: string
  readonly port: number
  activity(): SmtpActivity
  /** Stops listening; sessions still open get `421 Server shutting down` after a short grace period. */
  close(): Promise<void>
}

/** How long open sessions may go on once the sink is closing, before they get 421 and are cut. */
const CLOSE_GRACE_MS = 200
/** At the session cap, a session with no reply for this long (or longer) may be closed to make room. */
const SILENT_ENOUGH_MS = 100

/** Port already taken. */
export class SmtpPortInUseError extends Error {
  /** The same, in the CLI's words (flags instead of options). */
  readonly cliMessage: string
  constructor(readonly host: string, readonly port: number) {
    super(`SMTP port ${port} on ${host} is already in use; pick another with the smtpPort option (0 for any free port)`)
    this.cliMessage = `SMTP port ${port} on ${host} is already in use; pick another with --smtp-port (or --smtp-port 0 for any free port)`
    this.name = 'SmtpPortInUseError'
  }
}

interface SessionState {
  recipients: Array<{readonly id: string}>
}

/**
 * Starts the SMTP sink: plain SMTP, AUTH optional (any credentials, the username recorded),
 * PIPELINING, 8BITMIME, SMTPUTF8, no reverse DNS, STARTTLS only with a certificate, and no
 * 100 ms pre-greeting delay (see {@link PromptSMTPServer}).
 */
export async function startSmtpSink(ctx: EmulatorContext, mail: MailHooks, options: SmtpSinkOptions): Promise<RunningSmtpSink> {
  const {SMTPServer} = await import('smtp-server')
  const {SMTPConnection} = (await import('smtp-server/lib/smtp-connection.js')) as unknown as {SMTPConnection: new (...args: unknown[]) => any}
  await preloadHeaderReader()
  const PromptSMTPServer = promptServerClass(SMTPServer, SMTPConnection, options.commandTimeoutMs ?? DEFAULT_SMTP_COMMAND_TIMEOUT_MS)
  const states = new WeakMap<SMTPServerSession, SessionState>()
  const state = (session: SMTPServerSession): SessionState => {
    let s = states.get(session)
    if (!s) states.set(session, (s = {recipients: []}))
    return s
  }

  let messagesInProgress = 0
  const serverOptions: SMTPServerOptions = {
    name: 'junkmail.local',
    banner: 'junkmail emulator ready',
    size: options.maxMessageSize,
    authOptional: true,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    disableReverseLookup: true,
    disabledCommands: options.tls ? [] : ['STARTTLS'],
    ...(options.tls ? {key: options.tls.key, cert: options.tls.cert} : {}),
    hideSTARTTLS: !options.tls,
    logger: false,
    maxClients: options.maxClients ?? DEFAULT_SMTP_MAX_CLIENTS,
    // Idle sessions are cut by the command deadline below, which also catches a drip-feeding client
    // (any byte resets smtp-server's own idle timer); this one stays as a backstop.
    socketTimeout: (options.commandTimeoutMs ?? DEFAULT_SMTP_COMMAND_TIMEOUT_MS) * 2,
    closeTimeout: CLOSE_GRACE_MS,
    onAuth(auth, _session, callback) {
      callback(null, {user: auth.username ?? 'anonymous'})
    },
    onMailFrom(_address, session, callback) {
      state(session).recipients = []
      callback()
    },
    onRcptTo(address, session, callback) {
      const s = state(session)
      if (s.recipients.length >= options.maxRecipients) {
        callback(smtpError(452, `4.5.3 Too many recipients (at most ${options.maxRecipients} per message)`))
        return
      }
      mail.recipient(ctx, address.address).then(
        (result) => {
          if ('recipient' in result) {
            if (!s.recipients.some((r) => r.id === result.recipient.id)) s.recipients.push(result.recipient)
            callback()
          } else callback(smtpError(result.code, result.message))
        },
        (error) => callback(smtpError(451, `4.3.0 ${(error as Error).message}`)),
      )
    },
    onData(stream, session, reply) {
      // Counted from DATA until the reply: every path below ends in exactly one reply (a client
      // that goes away mid-DATA makes smtp-server destroy the stream with an error).
      messagesInProgress++
      let replied = false
      const callback: typeof reply = (...args) => {
        if (replied) return
        replied = true
        messagesInProgress--
        reply(...args)
      }
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => {
        if (!stream.sizeExceeded) chunks.push(chunk)
      })
      stream.on('error', (error) => callback(error))
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          callback(smtpError(552, `5.3.4 Message too big: the limit is ${options.maxMessageSize} bytes`))
          return
        }
        const s = state(session)
        const user = session.user as unknown
        mail.receive(ctx, {
          chunks,
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          recipients: s.recipients,
          authUser: typeof user === 'string' ? user : null,
          remoteAddress: session.remoteAddress ?? null,
          source: 'smtp',
        }).then(
          (emails) =>
            emails.length === 0
              ? callback(smtpError(550, '5.1.1 every recipient address was deleted or expired during the transaction; nothing stored'))
              : callback(null, `2.0.0 Ok: queued as ${emails.map((e) => e.id).join(',')}`),
          (error) => callback(smtpError(451, `4.3.0 could not store the message: ${(error as Error).message}`)),
        )
      })
    },
  }
  const server = new PromptSMTPServer(serverOptions)
  server.on('error', () => {})
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new SmtpPortInUseError(options.host, options.port) : error)
    server.server.once('error', onError)
    server.listen(options.port, options.host, () => {
      server.server.off('error', onError)
      resolve()
    })
  })
  const address = server.server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  const connections = (server as unknown as {connections: Set<unknown>}).connections
  return {
    host: options.host,
    port,
    activity: () => ({sessions: connections.size, messagesInProgress}),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** An SMTP error reply with its code. */
function smtpError(code: number, message: string): Error & {responseCode: number} {
  return Object.assign(new Error(message), {responseCode: code})
}

/**
 * smtp-server waits a fixed 100 ms before greeting each connection, to catch clients that talk
 * first ("early talkers", a spam-bot signal). On a local sink that only caps clients that open one
 * connection per mail at ~10 mails/s per session, so this subclass greets at once. It re-creates
 * `connect()` of smtp-server 3.21 (pinned) with the timer removed; a client that talks before the
 * greeting is still refused by smtp-server's own `_ready` check. It also gives each session a
 * command deadline: every reply the server sends restarts it, and when it runs out the session gets
 * `421` and is closed.
 */
function promptServerClass(Base: typeof SMTPServerType, SMTPConnection: new (...args: unknown[]) => any, commandTimeoutMs: number) {
  /** When each session last got a reply: its last sign of progress. */
  const lastReply = new WeakMap<object, number>()
  /** The open session other than `except` that has had no reply the longest, if that is {@link SILENT_ENOUGH_MS} or more. */
  const longestSilent = (connections: Set<unknown>, except: unknown): {name: string; send(code: number, text: string): void; close(): void} | undefined => {
    let victim: any
    let since = Date.now() - SILENT_ENOUGH_MS
    for (const connection of connections as Set<any>) {
      const at = lastReply.get(connection) ?? 0
      if (connection !== except && at <= since) {
        since = at
        victim = connection
      }
    }
    return victim
  }
  return class PromptSMTPServer extends Base {
    connect(socket: Socket, socketOptions: unknown): void {
      const self = this as unknown as {connections: Set<unknown>; options: SMTPServerOptions; _onError(e: Error): void; _onClientConnect(d: unknown): void}
      const connection = new SMTPConnection(this, socket, socketOptions)
      let deadline: NodeJS.Timeout | null = null
      const send = connection.send.bind(connection) as (code: number, ...rest: unknown[]) => unknown
      const arm = () => {
        lastReply.set(connection, Date.now())
        if (deadline) clearTimeout(deadline)
        deadline = setTimeout(() => {
          send(421, `${connection.name} Timeout: no command completed in ${commandTimeoutMs / 1000} s, closing connection`)
          connection.close()
        }, commandTimeoutMs)
        deadline.unref()
      }
      connection.send = (code: number, ...rest: unknown[]) => {
        arm()
        return send(code, ...rest)
      }
      socket.once('close', () => deadline && clearTimeout(deadline))
      self.connections.add(connection)
      connection.on('error', (err: Error) => self._onError(err))
      connection.on('connect', (data: unknown) => self._onClientConnect(data))
      connection._setListeners(() => {
        if (self.options.maxClients && self.connections.size > self.options.maxClients) {
          // At the cap, the session silent the longest (no reply for 100 ms or more: idle, or a
          // client dripping bytes) makes room; only when every session is working is this one refused.
          const silent = longestSilent(self.connections, connection)
          if (!silent) return connection.send(421, `${connection.name} Too many connected clients, try again in a moment`, false)
          silent.send(421, `${silent.name} Too many connected clients: closing the session silent the longest`)
          silent.close()
        }
        connection.connectionReady()
      })
    }
  }
}
