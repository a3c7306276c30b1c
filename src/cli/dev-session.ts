import {presentAttempt} from '../emulator/present.js'
import type {EmulatorOptions, RunningEmulator} from '../emulator/start-emulator.js'
import {StoreWriteError} from '../store/store-errors.js'
import {formatSeconds, happeningLine} from './happening-line.js'
import {oneLine} from './terminal-text.js'

/** Least time between two writes of log lines, ms (see runDevSession). */
const FLUSH_SPACING_MS = 4

/** Options of one `junkmail dev` session. */
export interface DevSessionOptions extends EmulatorOptions {
  /** Register (or reuse) a webhook to this URL at start. */
  readonly forwardTo?: string
  /** Events for `forwardTo`. @default every catalog event */
  readonly forwardEvents?: readonly string[]
  /** NDJSON on stdout instead of log lines. */
  readonly json: boolean
  /** The interactive viewer instead of log lines (the caller checked the terminal can run it). */
  readonly tui?: boolean
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
  // Under a steady load (thousands of mails a second) the writes are also spaced at least
  // FLUSH_SPACING_MS apart: one write for the lines of several turns (a pipe write costs ~15 µs,
  // about 5% of a mail's CPU), lines at most that much later. When quiet, a line goes out at once.
  let pending: string[] = []
  let scheduled: {cancel: () => void} | null = null
  let lastFlush = 0
  const flush = () => {
    scheduled?.cancel()
    scheduled = null
    if (pending.length === 0) return
    const text = pending.join('')
    pending = []
    lastFlush = performance.now()
    out.write(text)
  }
  // Every text line is one line: a URL or an error message from outside cannot start another.
  const write = (line: string) => {
    pending.push((options.json ? line : oneLine(line)) + '\n')
    if (scheduled) return
    const wait = lastFlush + FLUSH_SPACING_MS - performance.now()
    if (wait > 0) {
      const timer = setTimeout(flush, wait)
      scheduled = {cancel: () => clearTimeout(timer)}
    } else {
      const immediate = setImmediate(flush)
      scheduled = {cancel: () => clearImmediate(immediate)}
    }
  }
  const json: JsonLine = (type, fields, time = new Date().toISOString()) => write(JSON.stringify({type, time, ...fields}))

  const {startEmulator} = await import('../emulator/start-emulator.js')
  const {packageVersion} = await import('../emulator/package-version.js')
  // Deliveries and expiries left pending by the last run wait until the listeners below are on,
  // so their attempts are printed (after the ready line) like any other.
  const emulator = await startEmulator({...options, holdBacklog: true})
  // A forced exit (a second Ctrl+C) still writes the lines of the current turn.
  process.on('exit', flush)
  try {
    const forward = options.forwardTo ? await forwardTo(emulator, options.forwardTo, options.forwardEvents) : null
    const apiUrl = `${emulator.url}${emulator.context.provider.apiPath}`
    if (options.tui) return await runTui(emulator, forward, options.signal, write, flush)

    if (options.json) {
      json('ready', {
        version: packageVersion(),
        provider: emulator.context.provider.name,
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
      write(`junkmail ${packageVersion()}: local ${emulator.context.provider.displayName} webhooks emulator`)
      write(`  API         ${apiUrl}`)
      write(`  API key     ${emulator.apiKey}`)
      if (emulator.allowedHosts.length > 0) write(`  hosts       loopback and ${emulator.allowedHosts.join(', ')} (any other Host gets 403)`)
      if (emulator.smtpPort !== null) write(`  SMTP        ${emulator.host}:${emulator.smtpPort} (mail to ${emulator.status().mailTo})`)
      write(`  store       ${emulator.dataDir ? `${emulator.dataDir}/db.json` : 'in memory (nothing kept on disk)'}`)
      write(`  time scale  ${emulator.timeScale} (retry delays divided by ${emulator.timeScale}: 1 min → ${formatSeconds(60 / emulator.timeScale)})`)
      if (forward) {
        write(`  forwarding  ${forward.events.join(', ')} → ${forward.url} (webhook ${forward.webhookId}${forward.reused ? ', reused' : ''})`)
        write(`  secret      ${forward.secret}`)
      }
      const webhooks = emulator.context.store.listWebhooks().length
      const example = (forward?.events ?? emulator.context.provider.catalog.map((e) => e.type)).find((t) => t.endsWith('.received')) ?? emulator.context.provider.catalog[0].type
      if (forward) write(`Ready. Try: npx junkmail trigger ${example}`)
      else if (webhooks > 0) write(`Ready. ${webhooks} webhook${webhooks === 1 ? '' : 's'} registered (npx junkmail webhooks list). Try: npx junkmail trigger ${example}`)
      else write(`Ready. Register your endpoint: npx junkmail webhooks create --url http://localhost:3000/webhooks --events ${example}`)
      write('Press Ctrl+C to stop.')
      flush()
    }
    // The start's notices and warnings open the feed; then, from here on, every happening.
    const {happenings: atStart} = emulator.feed.since(0)
    for (const h of atStart) {
      if (h.kind !== 'notice' && h.kind !== 'warning') continue
      // Beyond loopback is said on stderr too, where it is seen even with stdout in a file.
      if (h.code === 'listening_beyond_loopback') process.stderr.write(`Warning: ${h.message}\n`)
      if (options.json) json(h.kind, {code: h.code, message: h.message, ...startNoticeFields(emulator, h.code)}, h.time)
      else if (h.code !== 'listening_beyond_loopback') write(happeningLine(h))
    }
    flush()
    if (options.json) logJson(emulator, json)
    else emulator.feed.subscribe((h) => write(happeningLine(h)))
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

/**
 * `dev` with the event viewer: it runs in this process over the emulator's own feed (and its API
 * for actions) until the user quits or `signal` aborts; then the emulator stops cleanly and one line
 * says so on the normal screen. `--forward-to`'s secret is a notice in the viewer.
 */
async function runTui(emulator: RunningEmulator, forward: ForwardTarget | null, signal: AbortSignal, write: (line: string) => void, flush: () => void): Promise<void> {
  const [{runViewer}, {inProcessSource}, {httpActions}, {ApiClient}] = await Promise.all([
    import('../ui/run-viewer.js'),
    import('../ui/sources/in-process-source.js'),
    import('../ui/sources/http-actions.js'),
    import('./api-client.js'),
  ])
  if (forward) {
    const verb = forward.reused ? 'reused' : 'registered'
    emulator.context.feed.append({kind: 'notice', code: 'forward_to', message: `forwarding ${forward.events.join(', ')} to ${forward.url}: webhook ${forward.webhookId} ${verb}, secret ${forward.secret}`})
  }
  emulator.resumeBacklog()
  try {
    await runViewer({source: inProcessSource(emulator), actions: httpActions(new ApiClient(emulator.url, emulator.apiKey)), signal, title: 'dev'})
  } finally {
    const pending = emulator.context.store.counts().pendingDeliveries
    await emulator.stop()
    write(`junkmail dev stopped.${pending && emulator.dataDir ? ` ${pending} pending deliver${pending === 1 ? 'y is' : 'ies are'} kept and resume at the next start.` : ''}`)
    flush()
  }
}

async function forwardTo(emulator: RunningEmulator, url: string, events: readonly string[] | undefined): Promise<ForwardTarget> {
  const ctx = emulator.context
  const wanted = [...(events?.length ? events : ctx.provider.catalog.map((e) => e.type))]
  const {createWebhookSchema} = await import('../http/request-schemas.js')
  const input = createWebhookSchema(ctx.provider).safeParse({url, events: wanted})
  if (!input.success) {
    const issue = input.error.issues[0]
    throw new ForwardToError(`${issue.path[0] === 'url' ? '--forward-to' : '--events'}: ${issue.message}`)
  }
  // The webhook registered for this URL before (by an earlier --forward-to) is reused, its events
  // brought up to date: one webhook per URL, and its secret does not change under the app.
  const sameEvents = (w: {events: string[]}) => w.events.length === wanted.length && wanted.every((e) => w.events.includes(e))
  const forUrl = ctx.store.listWebhooks().filter((w) => w.url === url)
  const same = forUrl.find(sameEvents) ?? forUrl[0]
  const {createWebhook, enableWebhook, setWebhookEvents} = await import('../emulator/webhook-operations.js')
  if (same) {
    if (!sameEvents(same)) await setWebhookEvents(ctx, same.id, wanted)
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

type JsonLine = (type: string, fields: Record<string, unknown>, time?: string) => void

/** More fields of a start notice's NDJSON line than the feed carries (the torn line's file, line and size; the host). */
function startNoticeFields(emulator: RunningEmulator, code: string): Record<string, unknown> {
  const torn = emulator.context.store.tornLine
  if (code === 'torn_journal_line' && torn) return {file: torn.file, line: torn.line, bytes: torn.bytes}
  if (code === 'listening_beyond_loopback') return {host: emulator.host}
  return {}
}

/** `dev --json`: one NDJSON line per happening, in the shape documented for scripts (README, `junkmail dev`). */
function logJson(emulator: RunningEmulator, json: JsonLine): void {
  const events = emulator.events
  const maxAttempts = emulator.context.provider.retryDelaysMs.length + 1
  events.on('event.created', ({event, deliveries}) => {
    json('event', {eventId: event.id, eventType: event.type, source: event.source, deliveries: deliveries.map((d) => ({id: d.id, webhookId: d.webhookId}))})
  })
  events.on('attempt.finished', ({attempt, delivery}) => {
    const {request: _request, ...rest} = presentAttempt(attempt, emulator.context.store.getEvent(attempt.eventId), maxAttempts)
    json('attempt', {...rest, url: attempt.request.url, deliveryStatus: delivery.status})
  })
  events.on('webhook.disabled', ({webhook, reason}) => json('webhook.disabled', {webhookId: webhook.id, url: webhook.url, reason}))
  events.on('webhook.enabled', ({webhook}) => json('webhook.enabled', {webhookId: webhook.id, url: webhook.url}))
  events.on('webhook.created', ({webhook}) => json('webhook.created', {webhookId: webhook.id, url: webhook.url, events: webhook.events}))
  events.on('webhook.deleted', ({webhook}) => json('webhook.deleted', {webhookId: webhook.id, url: webhook.url}))
  events.on('store.error', ({error}) => {
    json('store.error', {message: error.message, code: (error as NodeJS.ErrnoException).code ?? null, file: error instanceof StoreWriteError ? error.file : null})
  })
  events.on('store.recovered', ({failedForMs, rolledBackChanges}) => json('store.recovered', {failedForMs, rolledBackChanges}))
}
