import {resolve} from 'node:path'
import {EmulatorClock} from '../clock/emulator-clock.js'
import {Dispatcher} from '../dispatch/dispatcher.js'
import {type ApiLimits, createApiServer} from '../http/api-server.js'
import {parseAllowedHosts} from '../http/host-check.js'
import {junkmail} from '../providers/junkmail/index.js'
import type {Provider} from '../providers/provider.js'
import {claimForProvider} from '../runtime/provider-marker.js'
import {claimDataDir, releaseDataDir, writeRuntimeFile} from '../runtime/runtime-file.js'
import {DEFAULT_PROVIDER, loadProvider} from '../providers/registry.js'
import {Feed, type FeedReader} from '../feed/feed.js'
import {feedEmulator} from '../feed/feed-emulator.js'
import {Store} from '../store/store.js'
import {MailSpool, type MailSpoolOptions, type Relocate} from '../mail/mail-spool.js'
import type {RunningSmtpSink} from '../smtp/smtp-sink.js'
import {DEFAULT_LIFETIME_SECONDS, onAddressDue, resumeExpiries} from './address-operations.js'
import {ExpiryClock} from './expiry-clock.js'
import {
  DEFAULT_API_HEADERS_TIMEOUT_MS,
  DEFAULT_API_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_API_KEY,
  DEFAULT_API_MAX_CONNECTIONS,
  DEFAULT_API_REQUEST_TIMEOUT_MS,
  DEFAULT_HOST,
  DEFAULT_MAX_MESSAGE_SIZE,
  DEFAULT_MAX_RECIPIENTS,
  DEFAULT_STREAM_HEARTBEAT_MS,
  DEFAULT_STREAM_MAX_CLIENTS,
  DEFAULT_TIME_SCALE,
  apiKeyProblem,
  PublicDefaultKeyError,
} from './defaults.js'
import type {EmulatorContext} from './emulator-context.js'
import {type EmulatorClient, emulatorClient} from './emulator-client.js'
import {EmulatorEvents} from './emulator-events.js'
import {type EmulatorFacts, type EmulatorStatusData, emulatorStatus} from './emulator-status.js'
import {isLoopbackHost} from './loopback.js'
import {packageVersion} from './package-version.js'
import {startNotices} from './start-notices.js'

/** Options of {@link startEmulator}; every one has a default. */
export interface EmulatorOptions {
  /** Address the API binds to. @default '127.0.0.1' */
  readonly host?: string
  /**
   * Names or addresses the API answers besides loopback and `host` (as `Host`, and in `Origin`), e.g.
   * `host.docker.internal` for a container; no scheme or port. @default []
   */
  readonly allowedHosts?: readonly string[]
  /** API port; 0 picks a free one. @default 0 (`junkmail dev`: 7380) */
  readonly port?: number
  /** Folder for `db.json` and `runtime.json`; `null` keeps nothing on disk. @default null (`junkmail dev`: '.junkmail') */
  readonly dataDir?: string | null
  /** The API key with every scope. @default 'jm_test_local' */
  readonly apiKey?: string
  /** How many times faster than documented the retry schedule runs. @default 60 */
  readonly timeScale?: number
  /**
   * `real`: emulator time runs with the wall clock (plus what {@link RunningEmulator.clock}'s
   * `advance` adds); `manual`: it moves only by `advance`, and delays are as documented (nothing
   * waits in real time). @default 'real'
   */
  readonly clock?: 'real' | 'manual'
  /** Overall deadline of one attempt, ms. @default the provider's (JunkMail 10000) */
  readonly attemptTimeoutMs?: number
  /** Add a signature header where the provider's contract defines none (Sendook's `X-Sendook-Signature`). @default false */
  readonly sign?: boolean
  /** Deliveries in a row failing every attempt that disable a webhook; null: never. @default the provider's (JunkMail 1) */
  readonly disableAfterFailedDeliveries?: number | null
  /** History cap, in events. @default 50000 */
  readonly maxEvents?: number
  /** The provider contract to emulate: its name (`junkmail`, `sendook`) or the provider itself. @default 'junkmail' */
  readonly provider?: Provider | string
  /** SMTP port; 0 picks a free one; `false` starts no SMTP sink. @default 0 (`junkmail dev`: 7325) */
  readonly smtpPort?: number | false
  /** Refuse mail to unknown local addresses (550) instead of creating them. @default false */
  readonly strictRecipients?: boolean
  /** Largest message accepted, bytes. @default 10 MiB */
  readonly maxMessageSize?: number
  /** Most recipients per message. @default 50 */
  readonly maxRecipients?: number
  /** Lifetime of new addresses when none is asked for, in seconds. @default 3600 */
  readonly addressLifetimeSeconds?: number
  /** Address lifetimes divided by the time scale too (an hour lasts a minute at 60). @default false: as asked */
  readonly scaleAddressLifetimes?: boolean
  /** PEM key and certificate for STARTTLS (off without them). */
  readonly smtpTls?: {key: Buffer; cert: Buffer}
  /** SMTP sessions open at once; one more is greeted with 421 and closed. @default 256 */
  readonly smtpMaxClients?: number
  /** An SMTP session that completes no command for this long (idle, or drip-fed) gets 421 and is closed, ms. @default 60000 */
  readonly smtpCommandTimeoutMs?: number
  /** Time a client has to send a request's line and headers to the API, ms (then 408, closed). @default 10000 */
  readonly apiHeadersTimeoutMs?: number
  /** Time a client has to send a whole request to the API, body included, ms (then 408, closed); at least apiHeadersTimeoutMs. @default 30000 */
  readonly apiRequestTimeoutMs?: number
  /** How long an idle keep-alive connection to the API stays open, ms. @default 5000 */
  readonly apiKeepAliveTimeoutMs?: number
  /** Connections open to the API at once; past it a newcomer replaces the one waiting longest on its client. @default 256 */
  readonly apiMaxConnections?: number
  /** Happenings the feed keeps for viewers that come late or fall behind (see {@link RunningEmulator.feed}). @default 10000 */
  readonly feedCapacity?: number
  /** How often the stream route sends a heartbeat comment, ms. @default 15000 */
  readonly streamHeartbeatMs?: number
  /** Streams (`GET /_emulator/v1/stream`) open at once; one more gets 503. @default 32 */
  readonly streamMaxClients?: number
  /**
   * Leave the pending deliveries and address expiries found in the data dir unscheduled until
   * {@link RunningEmulator.resumeBacklog} is called, so a caller can subscribe to `events` first
   * and see their attempts. @default false (they resume before startEmulator resolves)
   */
  readonly holdBacklog?: boolean
  /**
   * The raw-mail spool's sizes: a segment takes appends up to `segmentBytes` (64 MiB); one with
   * `compactMinDeadBytes` (1 MiB) of deleted mail, at least half of it, is compacted.
   */
  readonly spool?: Pick<MailSpoolOptions, 'segmentBytes' | 'compactMinDeadBytes' | 'onCompactionStep'>
}

/** A running emulator, with a typed client of it (webhooks, trigger, sendMail, mail, history, waitFor, reset). */
export interface RunningEmulator extends EmulatorClient {
  /** Base URL of the HTTP server, e.g. `http://127.0.0.1:7380` (the API is under `/api/v1`). */
  readonly url: string
  readonly host: string
  /** Names or addresses answered besides loopback and `host`, in canonical form. */
  readonly allowedHosts: readonly string[]
  /** Port actually bound. */
  readonly port: number
  readonly apiKey: string
  /** Absolute data dir, or null in memory. */
  readonly dataDir: string | null
  readonly timeScale: number
  /** Port of the SMTP sink, or null when it was not started. */
  readonly smtpPort: number | null
  /** Emulator time: `clock.now()`, and `clock.advance(ms)` to walk schedules (retries, expiries) at once. */
  readonly clock: EmulatorClock
  /** What happens inside, as typed events. */
  readonly events: EmulatorEvents
  /**
   * What happens inside as immutable, presented happenings numbered from 1 (notices and warnings
   * of the start first), the newest kept in a ring; `feed.runId` is new at every start.
   */
  readonly feed: FeedReader
  /** The parts, for in-process callers (tests, benchmarks, the dev command). */
  readonly context: EmulatorContext
  /** Things worth telling the user about the start (a stale runtime file taken over), one line each. */
  readonly notices: readonly string[]
  /** The emulator's facts and counts, as `GET /_emulator/v1/status` answers them. */
  status(): EmulatorStatusData
  /** Schedules the pending deliveries and expiries held by `holdBacklog` (once; a no-op otherwise). */
  resumeBacklog(): void
  /** Stops the API, aborts attempts in flight (they stay pending), flushes the store, frees the data dir. */
  stop(): Promise<void>
}

/** Port already taken. */
export class PortInUseError extends Error {
  /** The same, in the CLI's words (flags instead of options). */
  readonly cliMessage: string
  constructor(readonly host: string, readonly port: number) {
    super(`port ${port} on ${host} is already in use; pick another with the port option (0 for any free port)`)
    this.name = 'PortInUseError'
    this.cliMessage = `port ${port} on ${host} is already in use; pick another with --port (or --port 0 for any free port)`
  }
}

/** Starts an emulator: store, dispatcher and HTTP API. `junkmail dev` and the tests both go through here. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? DEFAULT_HOST
  // As a library (tests, several workers at once): in memory, on free ports, unless told otherwise.
  const dataDir = options.dataDir === null || options.dataDir === undefined ? null : resolve(options.dataDir)
  const apiKey = options.apiKey ?? DEFAULT_API_KEY
  const keyProblem = apiKeyProblem(apiKey)
  if (keyProblem) throw new RangeError(keyProblem)
  if (apiKey === DEFAULT_API_KEY && !isLoopbackHost(host)) throw new PublicDefaultKeyError(host)
  if (options.clock !== undefined && options.clock !== 'real' && options.clock !== 'manual') throw new RangeError(`clock must be 'real' or 'manual', got ${JSON.stringify(options.clock)}`)
  const clock = new EmulatorClock({scale: options.timeScale ?? DEFAULT_TIME_SCALE, manual: options.clock === 'manual'})
  const provider = typeof options.provider === 'string' ? await loadProvider(options.provider) : (options.provider ?? junkmail)
  // The SMTP sink's modules load while the store opens (file reads overlap the parsing).
  const smtpModule = options.smtpPort !== false && provider.mail ? import('../smtp/smtp-sink.js') : null
  smtpModule?.catch(() => {})
  const attemptTimeoutMs = options.attemptTimeoutMs ?? provider.attemptTimeoutMs
  const disableAfter = options.disableAfterFailedDeliveries === undefined ? provider.disableAfterFailedDeliveries : options.disableAfterFailedDeliveries
  if (disableAfter !== null && (!Number.isSafeInteger(disableAfter) || disableAfter < 1)) throw new RangeError(`disableAfterFailedDeliveries must be a whole number above 0 or null, got ${disableAfter}`)
  const limits = apiLimits(options)
  for (const [name, value] of Object.entries({feedCapacity: options.feedCapacity, streamHeartbeatMs: options.streamHeartbeatMs, streamMaxClients: options.streamMaxClients})) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) throw new RangeError(`${name} must be a whole number above 0, got ${value}`)
  }
  const allowedHosts = allowedHostsOf(options)
  const startedAt = new Date().toISOString()

  const notices: string[] = []
  if (dataDir) {
    const tookOver = await claimDataDir(dataDir)
    if (tookOver) notices.push(tookOver)
  }
  if (dataDir) await claimForProvider(dataDir, provider.name, DEFAULT_PROVIDER).catch(async (error) => {
    await releaseDataDir(dataDir)
    throw error
  })
  const cleanups: Array<() => Promise<unknown>> = []
  try {
    const store = await Store.open({dataDir, maxEvents: options.maxEvents})
    cleanups.push(() => store.close())
    const existing = store.getApiKey(apiKey)
    if (!existing || !existing.scopes.includes('*')) store.addApiKey({key: apiKey, scopes: ['*'], createdAt: startedAt})

    const events = new EmulatorEvents()
    const feed = new Feed({capacity: options.feedCapacity})
    feedEmulator(feed, {events, store, maxAttempts: provider.retryDelaysMs.length + 1})
    for (const notice of startNotices({torn: store.tornLine, takenOver: notices, host})) feed.append(notice)
    store.on('failed', (error) => events.emit('store.error', {error}))
    store.on('recovered', ({failedForMs, rolledBackChanges}) => events.emit('store.recovered', {failedForMs, rolledBackChanges}))
    cleanups.unshift(async () => clock.stop())
    const dispatcher = new Dispatcher({store, provider, clock, attemptTimeoutMs, events, disableAfterFailedDeliveries: disableAfter, sign: options.sign ?? false})
    cleanups.unshift(() => dispatcher.stop())
    // Bytes of mail never acknowledged (a kill before its records reached the journal) are cut off.
    const raw = await MailSpool.open(dataDir, {emails: store.listEmails(), relocate: relocateMail(store), ...options.spool})
    cleanups.unshift(() => raw.close())
    let context: EmulatorContext
    const expiry = new ExpiryClock(clock, (id) => onAddressDue(context, id))
    context = {
      store,
      dispatcher,
      provider,
      events,
      feed,
      clock,
      attemptTimeoutMs,
      mail: {
        raw,
        expiry,
        localDomain: provider.localDomain,
        strictRecipients: options.strictRecipients ?? false,
        defaultLifetimeSeconds: options.addressLifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS,
        scaleLifetimes: options.scaleAddressLifetimes ?? false,
      },
    }

    let url = ''
    let smtp: RunningSmtpSink | null = null
    const facts: EmulatorFacts = {
      startedAt,
      apiUrl: () => url,
      dataDir,
      version: packageVersion(),
      smtp: () => (smtp ? {host, port: smtp.port, ...smtp.activity()} : null),
    }
    const stream = {heartbeatMs: options.streamHeartbeatMs ?? DEFAULT_STREAM_HEARTBEAT_MS, maxClients: options.streamMaxClients ?? DEFAULT_STREAM_MAX_CLIENTS}
    const app = createApiServer(context, facts, {...limits, listenHost: host, allowedHosts, stream})
    if (smtpModule && provider.mail) {
      const {startSmtpSink} = await smtpModule
      smtp = await startSmtpSink(context, provider.mail, {
        host,
        port: options.smtpPort || 0,
        maxMessageSize: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
        maxRecipients: options.maxRecipients ?? DEFAULT_MAX_RECIPIENTS,
        tls: options.smtpTls,
        maxClients: options.smtpMaxClients,
        commandTimeoutMs: options.smtpCommandTimeoutMs,
      })
      cleanups.unshift(() => smtp!.close())
    }
    // The API listens last: once it answers, every listener accepts connections (a script that
    // polls the API and then sends mail is never refused by an SMTP sink still starting).
    try {
      await app.listen({host, port: options.port ?? 0})
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(host, options.port ?? 0)
      throw error
    }
    // At stop, mail is refused first (the SMTP sink's close stays first), then requests.
    cleanups.splice(smtp ? 1 : 0, 0, () => app.close())
    const address = app.server.address()
    const port = typeof address === 'object' && address ? address.port : 0
    url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`

    await store.commit()
    let stopping: Promise<void> | null = null
    let backlogResumed = false
    const resumeBacklog = () => {
      if (backlogResumed || stopping) return
      backlogResumed = true
      dispatcher.resume()
      resumeExpiries(context)
      const stopProvider = provider.start?.(context)
      if (stopProvider) cleanups.unshift(async () => stopProvider())
    }
    if (!options.holdBacklog) resumeBacklog()
    if (dataDir) await writeRuntimeFile(dataDir, {pid: process.pid, startedAt, apiUrl: url, apiKey, provider: provider.name, ...(smtp ? {smtpHost: host, smtpPort: smtp.port} : {})})

    const stop = (): Promise<void> =>
      (stopping ??= (async () => {
        for (const cleanup of cleanups) await cleanup().catch(() => {})
        if (dataDir) await releaseDataDir(dataDir)
      })())
    const status = () => emulatorStatus(context, facts)
    const client = emulatorClient(context, smtp ? {host, port: smtp.port} : null)
    return {url, host, allowedHosts, port, smtpPort: smtp?.port ?? null, apiKey, dataDir, timeScale: clock.scale, clock, events, feed, context, notices, status, resumeBacklog, stop, ...client}
  } catch (error) {
    for (const cleanup of cleanups) await cleanup().catch(() => {})
    if (dataDir) await releaseDataDir(dataDir)
    throw error
  }
}

/** Moves emails' records to where a compaction copied their bytes, in one journal line. */
function relocateMail(store: Store): Relocate {
  return async (moves) => {
    for (const {ids, raw} of moves) {
      for (const id of ids) {
        const email = store.getEmail(id)
        if (email) store.updateEmail(email, email.rawFile === undefined ? {raw: {...raw}} : {raw: {...raw}, rawFile: undefined})
      }
    }
    await store.commit()
  }
}

/** `allowedHosts` in canonical form; a RangeError names an item that is not a host name or address. */
function allowedHostsOf(options: EmulatorOptions): string[] {
  try {
    return parseAllowedHosts(options.allowedHosts ?? [])
  } catch (error) {
    throw new RangeError(`allowedHosts: ${(error as Error).message}`)
  }
}

/** The API's bounds from the options, checked: whole numbers above zero, headers no later than the whole request. */
function apiLimits(options: EmulatorOptions): ApiLimits {
  const given = {
    apiHeadersTimeoutMs: options.apiHeadersTimeoutMs ?? DEFAULT_API_HEADERS_TIMEOUT_MS,
    apiRequestTimeoutMs: options.apiRequestTimeoutMs ?? DEFAULT_API_REQUEST_TIMEOUT_MS,
    apiKeepAliveTimeoutMs: options.apiKeepAliveTimeoutMs ?? DEFAULT_API_KEEP_ALIVE_TIMEOUT_MS,
    apiMaxConnections: options.apiMaxConnections ?? DEFAULT_API_MAX_CONNECTIONS,
  }
  for (const [name, value] of Object.entries(given)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number above 0, got ${value}`)
  }
  if (given.apiHeadersTimeoutMs > given.apiRequestTimeoutMs) {
    throw new RangeError(`apiHeadersTimeoutMs (${given.apiHeadersTimeoutMs}) must not exceed apiRequestTimeoutMs (${given.apiRequestTimeoutMs})`)
  }
  return {
    headersTimeoutMs: given.apiHeadersTimeoutMs,
    requestTimeoutMs: given.apiRequestTimeoutMs,
    keepAliveTimeoutMs: given.apiKeepAliveTimeoutMs,
    maxConnections: given.apiMaxConnections,
  }
}
