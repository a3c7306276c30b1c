import type {PresentedAttempt} from '../emulator/present.js'
import type {EmulatorOptions, RunningEmulator} from '../emulator/start-emulator.js'
import {isLoopbackHost} from '../emulator/loopback.js'
import {StoreWriteError} from '../store/store-errors.js'
import {describeAttempt} from './describe-attempt.js'
import {oneLine} from './terminal-text.js'

/** Options of one `junkmail dev` session. */
export interface DevSessionOptions extends EmulatorOptions {
  /** Register (or reuse) a webhook to this URL at start. */
  readonly forwardTo?: string
  /** Events for `forwardTo`. @default every catalog event */
  readonly forwardEvents?: readonly string[]
  /** NDJSON on stdout instead of log lines. */
  readonly json: boolean
  /** Where lines go. @default process.stdout */
  readonly out?: NodeJS.WritableStream
  /** Aborting it stops the session. */
  readonly signal: AbortSignal
}

/** The webhook `--forward-to` registered or reused. */
export interface ForwardTarget {
  webhookId: string
  url: string
  events: string[]
  secret: string
  reused: boolean
}

/**
 * Runs the emulator until `signal` aborts: starts it, registers the `--forward-to` webhook, prints
 * a ready line and one line per happening (text or NDJSON), then stops it and flushes the store.
 */
export async function runDevSession(options: DevSessionOptions): Promise<void> {
  const out = options.out ?? process.stdout
  // Lines are gathered and written once per turn of the event loop: under load that is one write
  // (one syscall: stdout to a pipe or a file is synchronous) for many lines instead of one each.
  let pending: string[] = []
  let scheduled: NodeJS.Immediate | null = null
  const flush = () => {
    if (scheduled) clearImmediate(scheduled)
    scheduled = null
    if (pending.length === 0) return
    const text = pending.join('')
    pending = []
    out.write(text)
  }
  // Every text line is one line: a URL or an error message from outside cannot start another.
  const write = (line: string) => {
    pending.push((options.json ? line : oneLine(line)) + '\n')
    scheduled ??= setImmediate(flush)
  }
  const json = (type: string, fields: Record<string, unknown>) => write(JSON.stringify({type, time: new Date().toISOString(), ...fields}))

  const {startEmulator} = await import('../emulator/start-emulator.js')
  const {packageVersion} = await import('../emulator/package-version.js')
  // Deliveries and expiries left pending by the last run wait until the listeners below are on,
  // so their attempts are printed (after the ready line) like any other.
  const emulator = await startEmulator({...options, holdBacklog: true})
  // A forced exit (a second Ctrl+C) still writes the lines of the current turn.
  process.on('exit', flush)
  try {
    const forward = options.forwardTo ? await forwardTo(emulator, options.forwardTo, options.forwardEvents) : null
    const maxAttempts = emulator.context.profile.retryDelaysMs.length + 1
    const {presentAttempt} = await import('../emulator/present.js')
    const apiUrl = `${emulator.url}/api/v1`

    if (options.json) {
      json('ready', {
        version: packageVersion(),
        apiUrl,
        baseUrl: emulator.url,
        apiKey: emulator.apiKey,
        port: emulator.port,
        ...(emulator.allowedHosts.length > 0 ? {allowedHosts: emulator.allowedHosts} : {}),
        smtpHost: emulator.smtpPort === null ? null : emulator.host,
        smtpPort: emulator.smtpPort,
        localDomain: emulator.context.mail.localDomain,
        dataDir: emulator.dataDir,
        timeScale: emulator.timeScale,
        pid: process.pid,
        forwardTo: forward,
      })
      flush()
    } else {
      write(`junkmail ${packageVersion()}: local ${emulator.context.profile.displayName} webhooks emulator`)
      write(`  API         ${apiUrl}`)
      write(`  API key     ${emulator.apiKey}`)
      if (emulator.allowedHosts.length > 0) write(`  hosts       loopback and ${emulator.allowedHosts.join(', ')} (any other Host gets 403)`)
      if (emulator.smtpPort !== null) write(`  SMTP        ${emulator.host}:${emulator.smtpPort} (mail to anything@${emulator.context.mail.localDomain}${emulator.context.mail.strictRecipients ? ', existing addresses only' : ''})`)
      write(`  store       ${emulator.dataDir ? `${emulator.dataDir}/db.json` : 'in memory (nothing kept on disk)'}`)
      write(`  time scale  ${emulator.timeScale} (retry delays divided by ${emulator.timeScale}: 1 min → ${formatSeconds(60 / emulator.timeScale)})`)
      if (forward) {
        write(`  forwarding  ${forward.events.join(', ')} → ${forward.url} (webhook ${forward.webhookId}${forward.reused ? ', reused' : ''})`)
        write(`  secret      ${forward.secret}`)
      }
      const webhooks = emulator.context.store.listWebhooks().length
      if (forward) write('Ready. Try: npx junkmail trigger email.received')
      else if (webhooks > 0) write(`Ready. ${webhooks} webhook${webhooks === 1 ? '' : 's'} registered (npx junkmail webhooks list). Try: npx junkmail trigger email.received`)
      else write('Ready. Register your endpoint: npx junkmail webhooks create --url http://localhost:3000/webhooks --events email.received')
      write('Press Ctrl+C to stop.')
      flush()
    }
    const torn = emulator.context.store.tornLine
    if (torn) {
      const message = `dropped the torn last line ${torn.line} of ${torn.file} (${torn.bytes} bytes): a write cut short by a crash, never acknowledged; nothing committed was lost`
      if (options.json) json('warning', {code: 'torn_journal_line', message, file: torn.file, line: torn.line, bytes: torn.bytes})
      else write(`${clock()}  warning: ${message}`)
    }

    for (const notice of emulator.notices) {
      if (options.json) json('notice', {code: 'runtime_file_taken_over', message: notice})
      else write(`Notice: ${notice}`)
    }
    if (!isLoopbackHost(emulator.host)) {
      const warning = `the API and the SMTP sink listen on ${emulator.host}, beyond this machine: whoever can reach it and has the API key can read every mail and register webhooks`
      process.stderr.write(`Warning: ${warning}\n`)
      if (options.json) json('warning', {code: 'listening_beyond_loopback', message: warning, host: emulator.host})
      flush()
    }

    const events = emulator.events
    events.on('event.created', ({event, deliveries}) => {
      if (options.json) json('event', {eventId: event.id, eventType: event.type, source: event.source, deliveries: deliveries.map((d) => ({id: d.id, webhookId: d.webhookId}))})
      else write(`${clock()}  ${event.type} ${event.id} (${event.source}) → ${deliveries.length} webhook${deliveries.length === 1 ? '' : 's'}`)
    })
    events.on('attempt.finished', ({attempt, delivery}) => {
      const event = emulator.context.store.getEvent(attempt.eventId)
      const presented: PresentedAttempt = presentAttempt(attempt, event, maxAttempts)
      if (options.json) {
        const {request: _request, ...rest} = presented
        json('attempt', {...rest, url: attempt.request.url, deliveryStatus: delivery.status})
      } else write(`${clock()}    ${event?.type ?? attempt.eventId} → ${attempt.request.url}  ${describeAttempt(presented, maxAttempts)}`)
    })
    events.on('webhook.disabled', ({webhook, reason}) => {
      if (options.json) json('webhook.disabled', {webhookId: webhook.id, url: webhook.url, reason})
      else write(`${clock()}  webhook ${webhook.id} (${webhook.url}) disabled: ${reason}. Re-enable it with: npx junkmail webhooks enable ${webhook.id}`)
    })
    events.on('webhook.enabled', ({webhook}) => {
      if (options.json) json('webhook.enabled', {webhookId: webhook.id, url: webhook.url})
      else write(`${clock()}  webhook ${webhook.id} (${webhook.url}) enabled`)
    })
    events.on('webhook.created', ({webhook}) => {
      if (options.json) json('webhook.created', {webhookId: webhook.id, url: webhook.url, events: webhook.events})
      else write(`${clock()}  webhook ${webhook.id} created → ${webhook.url} (${webhook.events.join(', ')})`)
    })
    events.on('webhook.deleted', ({webhook}) => {
      if (options.json) json('webhook.deleted', {webhookId: webhook.id, url: webhook.url})
      else write(`${clock()}  webhook ${webhook.id} deleted`)
    })
    events.on('store.error', ({error}) => {
      const file = error instanceof StoreWriteError ? error.file : null
      if (options.json) json('store.error', {message: error.message, code: (error as NodeJS.ErrnoException).code ?? null, file})
      else if (file) write(`${clock()}  store error: cannot write ${file}: ${error.message}. Until it can, changes are refused and undone (the API answers 503, SMTP 451); reads go on`)
      else write(`${clock()}  store error: ${error.message}`)
    })
    events.on('store.recovered', ({failedForMs, rolledBackChanges}) => {
      if (options.json) json('store.recovered', {failedForMs, rolledBackChanges})
      else write(`${clock()}  store recovered: writing works again after ${formatSeconds(failedForMs / 1000)}; ${rolledBackChanges} change${rolledBackChanges === 1 ? ' was' : 's were'} refused meanwhile`)
    })
    emulator.resumeBacklog()

    if (!options.signal.aborted) await new Promise<void>((resolve) => options.signal.addEventListener('abort', () => resolve(), {once: true}))
    const pending = emulator.context.store.counts().pendingDeliveries
    if (!options.json) write(`Stopping…${pending && emulator.dataDir ? ` ${pending} pending deliver${pending === 1 ? 'y is' : 'ies are'} kept and resume at the next start.` : ''}`)
    await emulator.stop()
    if (options.json) json('stopped', {pendingDeliveries: pending})
    else write('Stopped.')
    flush()
  } catch (error) {
    flush()
    await emulator.stop()
    throw error
  } finally {
    process.off('exit', flush)
  }
}

async function forwardTo(emulator: RunningEmulator, url: string, events: readonly string[] | undefined): Promise<ForwardTarget> {
  const ctx = emulator.context
  const wanted = [...(events?.length ? events : ctx.profile.catalog.map((e) => e.type))]
  const {createWebhookSchema} = await import('../http/request-schemas.js')
  const input = createWebhookSchema(ctx.profile).safeParse({url, events: wanted})
  if (!input.success) {
    const issue = input.error.issues[0]
    throw new ForwardToError(`${issue.path[0] === 'url' ? '--forward-to' : '--events'}: ${issue.message}`)
  }
  const same = ctx.store.listWebhooks().find((w) => w.url === url && w.events.length === wanted.length && wanted.every((e) => w.events.includes(e)))
  const {createWebhook, enableWebhook} = await import('../emulator/webhook-operations.js')
  if (same) {
    if (!same.enabled) await enableWebhook(ctx, same.id)
    return {webhookId: same.id, url, events: same.events, secret: same.secret, reused: true}
  }
  const created = await createWebhook(ctx, {url, events: wanted})
  return {webhookId: created.id, url, events: created.events, secret: created.secret, reused: false}
}

/** A bad `--forward-to` or `--events`: a usage error. */
export class ForwardToError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ForwardToError'
  }
}

const clock = (): string => new Date().toISOString().slice(11, 23)
const formatSeconds = (s: number): string => (s >= 1 ? `${+s.toFixed(2)} s` : `${+(s * 1000).toFixed(1)} ms`)
