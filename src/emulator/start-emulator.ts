import {resolve} from 'node:path'
import {TimeScale} from '../clock/time-scale.js'
import {Dispatcher} from '../dispatch/dispatcher.js'
import {createApiServer} from '../http/api-server.js'
import {junkmail} from '../providers/junkmail/index.js'
import type {ProviderProfile} from '../providers/provider-profile.js'
import {claimDataDir, releaseDataDir, writeRuntimeFile} from '../runtime/runtime-file.js'
import {makePrivateDir} from '../store/private-dir.js'
import {Store} from '../store/store.js'
import {RawMailStore} from '../mail/raw-mail-store.js'
import type {RunningSmtpSink} from '../smtp/smtp-sink.js'
import {DEFAULT_LIFETIME_SECONDS, onAddressDue, resumeExpiries} from './address-operations.js'
import {ExpiryClock} from './expiry-clock.js'
import {
  DEFAULT_API_KEY,
  DEFAULT_API_PORT,
  DEFAULT_ATTEMPT_TIMEOUT_MS,
  DEFAULT_DATA_DIR,
  DEFAULT_HOST,
  DEFAULT_MAX_MESSAGE_SIZE,
  DEFAULT_MAX_RECIPIENTS,
  DEFAULT_SMTP_PORT,
  DEFAULT_TIME_SCALE,
} from './defaults.js'
import type {EmulatorContext} from './emulator-context.js'
import {EmulatorEvents} from './emulator-events.js'
import {packageVersion} from './package-version.js'

/** Options of {@link startEmulator}; every one has a default. */
export interface EmulatorOptions {
  /** Address the API binds to. @default '127.0.0.1' */
  readonly host?: string
  /** API port; 0 picks a free one. @default 7380 */
  readonly port?: number
  /** Folder for `db.json` and `runtime.json`; `null` keeps nothing on disk. @default '.junkmail' */
  readonly dataDir?: string | null
  /** The API key with every scope. @default 'jm_test_local' */
  readonly apiKey?: string
  /** How many times faster than documented the retry schedule runs. @default 60 */
  readonly timeScale?: number
  /** Overall deadline of one attempt, ms. @default 10000 */
  readonly attemptTimeoutMs?: number
  /** History cap, in events. @default 50000 */
  readonly maxEvents?: number
  /** The provider contract to emulate. @default junkmail */
  readonly profile?: ProviderProfile
  /** SMTP port; 0 picks a free one; `false` starts no SMTP sink. @default 7325 */
  readonly smtpPort?: number | false
  /** Refuse mail to unknown local addresses (550) instead of creating them. @default false */
  readonly strictRecipients?: boolean
  /** Largest message accepted, bytes. @default 10 MiB */
  readonly maxMessageSize?: number
  /** Most recipients per message. @default 50 */
  readonly maxRecipients?: number
  /** Lifetime of new addresses when none is asked for, in (uncompressed) seconds. @default 3600 */
  readonly addressLifetimeSeconds?: number
  /** PEM key and certificate for STARTTLS (off without them). */
  readonly smtpTls?: {key: Buffer; cert: Buffer}
  /** SMTP sessions open at once; one more is greeted with 421 and closed. @default 1000 */
  readonly smtpMaxClients?: number
  /**
   * Leave the pending deliveries and address expiries found in the data dir unscheduled until
   * {@link RunningEmulator.resumeBacklog} is called, so a caller can subscribe to `events` first
   * and see their attempts. @default false (they resume before startEmulator resolves)
   */
  readonly holdBacklog?: boolean
}

/** A running emulator. */
export interface RunningEmulator {
  /** Base URL of the HTTP server, e.g. `http://127.0.0.1:7380` (the API is under `/api/v1`). */
  readonly url: string
  readonly host: string
  /** Port actually bound. */
  readonly port: number
  readonly apiKey: string
  /** Absolute data dir, or null in memory. */
  readonly dataDir: string | null
  readonly timeScale: number
  /** Port of the SMTP sink, or null when it was not started. */
  readonly smtpPort: number | null
  /** What happens inside, as typed events. */
  readonly events: EmulatorEvents
  /** The parts, for in-process callers (tests, benchmarks, the dev command). */
  readonly context: EmulatorContext
  /** Schedules the pending deliveries and expiries held by `holdBacklog` (once; a no-op otherwise). */
  resumeBacklog(): void
  /** Stops the API, aborts attempts in flight (they stay pending), flushes the store, frees the data dir. */
  stop(): Promise<void>
}

/** Port already taken. */
export class PortInUseError extends Error {
  constructor(readonly host: string, readonly port: number) {
    super(`port ${port} on ${host} is already in use; pick another with --port (or --port 0 for any free port)`)
    this.name = 'PortInUseError'
  }
}

/** Starts an emulator: store, dispatcher and HTTP API. `junkmail dev` and the tests both go through here. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? DEFAULT_HOST
  const dataDir = options.dataDir === null ? null : resolve(options.dataDir ?? DEFAULT_DATA_DIR)
  const apiKey = options.apiKey ?? DEFAULT_API_KEY
  const timeScale = new TimeScale(options.timeScale ?? DEFAULT_TIME_SCALE)
  const attemptTimeoutMs = options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS
  const profile = options.profile ?? junkmail
  const startedAt = new Date().toISOString()

  // Private (0700) when created here: it holds webhook secrets, API keys and mail.
  if (dataDir) await makePrivateDir(dataDir)
  if (dataDir) await claimDataDir(dataDir)
  const cleanups: Array<() => Promise<unknown>> = []
  try {
    const store = await Store.open({dataDir, maxEvents: options.maxEvents})
    cleanups.push(() => store.close())
    const existing = store.getApiKey(apiKey)
    if (!existing || !existing.scopes.includes('*')) store.addApiKey({key: apiKey, scopes: ['*'], createdAt: startedAt})

    const events = new EmulatorEvents()
    store.on('failed', (error) => events.emit('store.error', {error}))
    store.on('recovered', ({failedForMs, rolledBackChanges}) => events.emit('store.recovered', {failedForMs, rolledBackChanges}))
    const dispatcher = new Dispatcher({store, profile, timeScale, attemptTimeoutMs, events})
    cleanups.unshift(() => dispatcher.stop())
    const raw = await RawMailStore.open(dataDir)
    // A message written but never acknowledged (killed before its records reached the journal) is removed.
    for (const id of await raw.list()) if (!store.getEmail(id)) await raw.delete(id)
    let context: EmulatorContext
    const expiry = new ExpiryClock((id) => onAddressDue(context, id))
    cleanups.unshift(async () => expiry.stop())
    context = {
      store,
      dispatcher,
      profile,
      events,
      timeScale,
      attemptTimeoutMs,
      mail: {
        raw,
        expiry,
        localDomain: profile.localDomain,
        strictRecipients: options.strictRecipients ?? false,
        defaultLifetimeSeconds: options.addressLifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS,
      },
    }

    let url = ''
    let smtp: RunningSmtpSink | null = null
    const app = createApiServer(context, {
      startedAt,
      apiUrl: () => url,
      dataDir,
      version: packageVersion(),
      smtp: () => (smtp ? {host, port: smtp.port, ...smtp.activity()} : null),
    })
    try {
      await app.listen({host, port: options.port ?? DEFAULT_API_PORT})
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(host, options.port ?? DEFAULT_API_PORT)
      throw error
    }
    cleanups.unshift(() => app.close())
    const address = app.server.address()
    const port = typeof address === 'object' && address ? address.port : 0
    url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`

    if (options.smtpPort !== false) {
      const {startSmtpSink} = await import('../smtp/smtp-sink.js')
      smtp = await startSmtpSink(context, {
        host,
        port: options.smtpPort ?? DEFAULT_SMTP_PORT,
        maxMessageSize: options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
        maxRecipients: options.maxRecipients ?? DEFAULT_MAX_RECIPIENTS,
        tls: options.smtpTls,
        maxClients: options.smtpMaxClients,
      })
      // Stop taking mail first, so nothing arrives once the rest is shutting down.
      cleanups.unshift(() => smtp!.close())
    }

    await store.commit()
    let stopping: Promise<void> | null = null
    let backlogResumed = false
    const resumeBacklog = () => {
      if (backlogResumed || stopping) return
      backlogResumed = true
      dispatcher.resume()
      resumeExpiries(context)
    }
    if (!options.holdBacklog) resumeBacklog()
    if (dataDir) await writeRuntimeFile(dataDir, {pid: process.pid, startedAt, apiUrl: url, apiKey, ...(smtp ? {smtpHost: host, smtpPort: smtp.port} : {})})

    const stop = (): Promise<void> =>
      (stopping ??= (async () => {
        for (const cleanup of cleanups) await cleanup().catch(() => {})
        if (dataDir) await releaseDataDir(dataDir)
      })())
    return {url, host, port, smtpPort: smtp?.port ?? null, apiKey, dataDir, timeScale: timeScale.scale, events, context, resumeBacklog, stop}
  } catch (error) {
    for (const cleanup of cleanups) await cleanup().catch(() => {})
    if (dataDir) await releaseDataDir(dataDir)
    throw error
  }
}
