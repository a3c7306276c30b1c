import {createHmac, randomUUID} from 'node:crypto'
import type {PublicWebhook} from '../../../src/emulator/emulator-events.js'
import type {PresentedAttempt, PresentedDelivery, PresentedEvent} from '../../../src/emulator/present.js'
import type {Happening, HappeningBody} from '../../../src/feed/happening.js'
import type {
  MailboxSummary,
  CatalogEntry,
  ConnectionState,
  MailDetail,
  MailSummary,
  ProbeReport,
  EmulatorStatus,
  EventDetail,
  EventSummary,
  ViewerActions,
  ViewerSource,
} from '../../../src/ui/viewer-contract.js'

// An in-memory emulator behind the viewer contract, for the UI's unit tests: it keeps events,
// deliveries and attempts as the real one presents them, emits the happenings the real feed would,
// and records what the viewer asked it to do. The tests drive it step by step (an attempt finishes
// when the test says so), so every state the UI shows can be reached on purpose.

type Delivery = {-readonly [K in keyof PresentedDelivery]: PresentedDelivery[K]}
type Webhook = {-readonly [K in keyof PublicWebhook]: PublicWebhook[K]} & {secret: string}
interface StoredEvent {
  event: PresentedEvent
  body: string
  deliveries: Delivery[]
  attempts: PresentedAttempt[]
}

const MAX_ATTEMPTS = 5
const iso = (ms: number) => new Date(ms).toISOString()

export const CATALOG: CatalogEntry[] = [
  {
    type: 'email.received',
    description: 'A new email has been received',
    fields: {emailId: 'string', addressId: 'string', from: 'string', subject: 'string', receivedAt: 'string'},
    sample: {event: 'email.received', timestamp: 0, data: {emailId: 'e-sample', addressId: 'a-sample', from: 'noreply@example.com', subject: 'Welcome aboard', receivedAt: '2024-01-16T14:30:00Z'}},
  },
  {type: 'email.deleted', description: 'An email has been deleted', fields: {emailId: 'string', addressId: 'string', deletedAt: 'string'}, sample: {data: {emailId: 'e', addressId: 'a', deletedAt: 'x'}}},
  {
    type: 'address.created',
    description: 'A new address has been created',
    fields: {addressId: 'string', email: 'string', createdAt: 'string', expiresAt: 'string'},
    sample: {data: {addressId: 'a', email: 'brisk-cedar-4821@junkmail.local', createdAt: 'x', expiresAt: 'y'}},
  },
  {type: 'address.expired', description: 'An address has expired', fields: {addressId: 'string', email: 'string', expiredAt: 'string'}, sample: {data: {}}},
  {type: 'address.deleted', description: 'An address has been deleted', fields: {addressId: 'string', email: 'string', deletedAt: 'string'}, sample: {data: {}}},
]

/** What the viewer asked the fake to do, in order. */
export type Call =
  | {readonly kind: 'events'; readonly before?: string; readonly limit: number}
  | {readonly kind: 'event'; readonly id: string}
  | {readonly kind: 'trigger'; readonly type: string; readonly set: Readonly<Record<string, string>>; readonly webhookId?: string}
  | {readonly kind: 'resend'; readonly eventId: string; readonly webhookId?: string}
  | {readonly kind: 'createWebhook'; readonly url: string; readonly events: readonly string[]}
  | {readonly kind: 'deleteWebhook' | 'enableWebhook'; readonly id: string}
  | {readonly kind: 'other'; readonly name: string}

export class FakeEmulator implements ViewerActions {
  readonly calls: Call[] = []
  readonly webhookList: Webhook[] = []
  /** Newest last. */
  readonly stored: StoredEvent[] = []
  readonly addressList: MailboxSummary[] = []
  readonly emailList: MailDetail[] = []
  #seq = 0
  #handlers = new Set<{happening(h: Happening): void; connection(state: ConnectionState): void}>()
  #connection: ConnectionState = {state: 'connected', fresh: true}
  /** When set, `events()` waits for this promise before answering (to test loading states). */
  gate: Promise<void> | null = null
  /** Errors the next calls of an action reject with. */
  failing = new Map<string, string>()

  readonly source: ViewerSource = {
    apiKey: 'jm_test_local',
    status: async () => this.status(),
    subscribe: (handlers) => {
      this.#handlers.add(handlers)
      queueMicrotask(() => handlers.connection(this.#connection))
      return () => {
        this.#handlers.delete(handlers)
      }
    },
  }

  get subscribers(): number {
    return this.#handlers.size
  }

  status(): EmulatorStatus {
    const deliveries = this.stored.flatMap((e) => e.deliveries)
    return {
      version: '0.1.0',
      node: process.version,
      pid: 4242,
      startedAt: iso(Date.now() - 60_000),
      apiUrl: 'http://127.0.0.1:7380',
      smtp: {host: '127.0.0.1', port: 7325, sessions: 0, messagesInProgress: 0},
      localDomain: 'junkmail.local',
      dataDir: '.junkmail',
      inMemory: false,
      provider: 'junkmail',
      timeScale: 60,
      attemptTimeoutMs: 10_000,
      counts: {
        webhooks: this.webhookList.length,
        addresses: this.addressList.length,
        emails: this.emailList.length,
        events: this.stored.length,
        deliveries: deliveries.length,
        pendingDeliveries: deliveries.filter((d) => d.status === 'pending').length,
        attempts: this.stored.reduce((n, e) => n + e.attempts.length, 0),
      },
      storeError: null,
    }
  }

  // -- Driving the fake (what the emulator would do) ------------------------------------------

  emit(body: HappeningBody): void {
    const h = {seq: ++this.#seq, time: new Date().toISOString(), ...body} as Happening
    for (const handlers of this.#handlers) handlers.happening(h)
  }

  setConnection(state: ConnectionState): void {
    this.#connection = state
    if (state.state === 'connected' && state.fresh) this.#seq = 0
    for (const handlers of this.#handlers) handlers.connection(state)
  }

  addWebhook(url: string, events: readonly string[] = CATALOG.map((e) => e.type), quiet = false): PublicWebhook {
    const w: Webhook = {id: randomUUID(), url, events: [...events], secret: `whsec_${randomUUID().replace(/-/g, '')}`, createdAt: iso(Date.now()), enabled: true, failureCount: 0, disabledAt: null, disabledReason: null}
    this.webhookList.push(w)
    if (!quiet) this.emit({kind: 'webhook.created', webhook: this.#public(w)})
    return this.#public(w)
  }

  /** Records an event (its deliveries pending) and emits `event.created`; `at` backdates it. */
  fire(type: string, data: Record<string, unknown> = {}, options: {at?: number; quiet?: boolean; webhookId?: string} = {}): PresentedEvent {
    const createdAt = options.at ?? Date.now()
    const payload = {event: type, timestamp: createdAt, data: {...defaultData(type), ...data}}
    const event: PresentedEvent = {id: randomUUID(), type, createdAt: iso(createdAt), source: 'trigger', payload}
    const targets = this.webhookList.filter((w) => w.enabled && w.events.includes(type) && (!options.webhookId || w.id === options.webhookId))
    const deliveries = targets.map((w) => this.#delivery(event.id, w, createdAt))
    this.stored.push({event, body: JSON.stringify(payload), deliveries, attempts: []})
    if (!options.quiet) this.emit({kind: 'event.created', event, deliveries: deliveries.map((d) => ({...d}))})
    return event
  }

  /** Fires `n` events quietly (history the viewer must page), oldest first, one second apart. */
  history(n: number, type = 'address.created'): PresentedEvent[] {
    const start = Date.now() - n * 1000 - 60_000
    return Array.from({length: n}, (_, i) => this.fire(type, {email: `old-${i}@junkmail.local`}, {at: start + i * 1000, quiet: true}))
  }

  /** Finishes the next attempt of an event's delivery to a webhook (the first one when not said). */
  attempt(eventId: string, outcome: {status?: number; durationMs?: number; errorClass?: string; errorMessage?: string; nextInMs?: number; webhookId?: string; quiet?: boolean} = {}): PresentedAttempt {
    const stored = this.#event(eventId)
    const d = [...stored.deliveries].reverse().find((x) => (!outcome.webhookId || x.webhookId === outcome.webhookId) && x.status === 'pending') ?? stored.deliveries[0]
    const webhook = this.webhookList.find((w) => w.id === d.webhookId)
    const now = Date.now()
    const status = outcome.errorClass ? null : (outcome.status ?? 200)
    const ok = status !== null && status >= 200 && status < 300
    const number = d.attemptCount + 1
    const exhausted = !ok && number >= MAX_ATTEMPTS
    const nextAttemptAt = ok || exhausted ? null : iso(now + (outcome.nextInMs ?? 4000))
    const sentAt = now - (outcome.durationMs ?? 4)
    const timestamp = String(sentAt)
    const signature = `sha256=${createHmac('sha256', webhook?.secret ?? 'gone').update(stored.body).digest('hex')}`
    const attempt: PresentedAttempt = {
      id: randomUUID(),
      deliveryId: d.id,
      eventId,
      eventType: stored.event.type,
      webhookId: d.webhookId,
      number,
      maxAttempts: MAX_ATTEMPTS,
      outcome: ok ? 'success' : 'failure',
      scheduledAt: iso(sentAt),
      sentAt: iso(sentAt),
      durationMs: outcome.durationMs ?? 4,
      request: {method: 'POST', url: d.url, headers: {'Content-Type': 'application/json', 'X-JunkMail-Signature': signature, 'X-JunkMail-Timestamp': timestamp}, body: stored.body},
      response: status === null ? null : {status, headers: {'content-type': 'text/plain', 'x-request-id': 'r-1'}, body: ok ? 'OK' : 'Internal error: database is down', bodyTruncated: false, bodyBytesDropped: 0},
      errorClass: ok ? null : (outcome.errorClass ?? 'http_status'),
      errorMessage: ok ? null : (outcome.errorMessage ?? (status !== null ? `HTTP ${status}` : 'connect ECONNREFUSED 127.0.0.1:3999')),
      nextAttemptAt,
    }
    stored.attempts.push(attempt)
    d.attemptCount = number
    d.status = ok ? 'succeeded' : exhausted ? 'failed' : 'pending'
    d.nextAttemptAt = nextAttemptAt
    d.completedAt = ok || exhausted ? iso(now) : null
    d.reason = exhausted ? `all ${number} attempts failed` : null
    if (webhook) webhook.failureCount = ok ? 0 : webhook.failureCount + 1
    if (!outcome.quiet) this.emit({kind: 'attempt.finished', attempt: {...attempt, request: {...attempt.request, body: null}}, delivery: {...d}})
    return attempt
  }

  /** Disables a webhook as the emulator does after 5 failures: its pending deliveries cancelled. */
  disable(webhookId: string): void {
    const w = this.webhookList.find((x) => x.id === webhookId)
    if (!w) throw new Error('no such webhook')
    w.enabled = false
    w.disabledAt = iso(Date.now())
    w.disabledReason = '5 attempts of a delivery failed'
    for (const e of this.stored) {
      for (const d of e.deliveries) {
        if (d.webhookId !== webhookId || d.status !== 'pending') continue
        Object.assign(d, {status: 'cancelled', nextAttemptAt: null, completedAt: iso(Date.now()), reason: 'webhook disabled'})
        this.emit({kind: 'delivery.cancelled', delivery: {...d}})
      }
    }
    this.emit({kind: 'webhook.disabled', webhook: this.#public(w), reason: w.disabledReason})
  }

  receiveMail(to: string, from: string, subject: string, text: string | null = 'Hello there', attachments: MailDetail['attachments'] = []): MailDetail {
    let address = this.addressList.find((a) => a.email === to)
    if (!address) {
      address = {id: randomUUID(), email: to, name: null, createdAt: iso(Date.now()), expiresAt: iso(Date.now() + 3_600_000), status: 'active', expiredAt: null}
      this.addressList.unshift(address)
    }
    const email: MailDetail = {
      id: randomUUID(),
      mailboxId: address.id,
      direction: 'received',
      to: [to],
      cc: [],
      from,
      subject,
      at: iso(Date.now()),
      status: null,
      size: 420,
      headers: [
        {name: 'From', value: from},
        {name: 'To', value: to},
        {name: 'Subject', value: subject},
      ],
      text,
      html: text === null ? '<p>Hello</p>' : null,
      attachments,
      outcomes: null,
    }
    this.emailList.unshift(email)
    this.fire('email.received', {emailId: email.id, addressId: address.id, from, subject, receivedAt: email.at})
    return email
  }

  // -- ViewerActions ---------------------------------------------------------------------------

  async events(page: {readonly before?: string; readonly limit: number}): Promise<EventSummary[]> {
    this.calls.push({kind: 'events', ...page})
    if (this.gate) await this.gate
    this.#maybeFail('events')
    const newestFirst = [...this.stored].reverse()
    const start = page.before === undefined ? 0 : newestFirst.findIndex((e) => e.event.id === page.before) + 1
    return newestFirst.slice(start, start + page.limit).map((e) => ({...e.event, deliveries: e.deliveries.map((d) => ({...d}))}))
  }

  async event(id: string): Promise<EventDetail> {
    this.calls.push({kind: 'event', id})
    this.#maybeFail('event')
    const e = this.#event(id)
    return {...e.event, deliveries: e.deliveries.map((d) => ({...d, attempts: e.attempts.filter((a) => a.deliveryId === d.id)}))}
  }

  async catalog(): Promise<CatalogEntry[]> {
    this.calls.push({kind: 'other', name: 'catalog'})
    return CATALOG
  }

  async trigger(type: string, set: Readonly<Record<string, string>>, webhookId?: string): Promise<EventSummary> {
    this.calls.push(webhookId === undefined ? {kind: 'trigger', type, set} : {kind: 'trigger', type, set, webhookId})
    this.#maybeFail('trigger')
    const event = this.fire(type, {...set}, {webhookId})
    const stored = this.#event(event.id)
    return {...event, deliveries: stored.deliveries.map((d) => ({...d}))}
  }

  async resend(eventId: string, webhookId?: string): Promise<readonly PresentedDelivery[]> {
    this.calls.push(webhookId === undefined ? {kind: 'resend', eventId} : {kind: 'resend', eventId, webhookId})
    this.#maybeFail('resend')
    const stored = this.#event(eventId)
    const targets = this.webhookList.filter((w) => w.enabled && w.events.includes(stored.event.type) && (!webhookId || w.id === webhookId))
    const made = targets.map((w) => this.#delivery(eventId, w, Date.now()))
    stored.deliveries.push(...made)
    return made.map((d) => ({...d}))
  }

  async webhooks(): Promise<PublicWebhook[]> {
    this.calls.push({kind: 'other', name: 'webhooks'})
    return this.webhookList.map((w) => this.#public(w))
  }

  async createWebhook(input: {readonly url: string; readonly events: readonly string[]}): Promise<PublicWebhook & {readonly secret: string}> {
    this.calls.push({kind: 'createWebhook', url: input.url, events: input.events})
    this.#maybeFail('createWebhook')
    if (!/^https?:\/\/./.test(input.url)) throw new Error('url: must be an absolute http(s) URL, e.g. https://example.com/webhooks')
    const w = this.addWebhook(input.url, input.events)
    const secret = this.webhookList.find((x) => x.id === w.id)?.secret ?? ''
    return {...w, secret}
  }

  async deleteWebhook(id: string): Promise<void> {
    this.calls.push({kind: 'deleteWebhook', id})
    const i = this.webhookList.findIndex((w) => w.id === id)
    if (i < 0) throw new Error(`no webhook with id ${id}`)
    const [w] = this.webhookList.splice(i, 1)
    this.emit({kind: 'webhook.deleted', webhook: this.#public(w)})
  }

  async enableWebhook(id: string): Promise<PublicWebhook> {
    this.calls.push({kind: 'enableWebhook', id})
    const w = this.webhookList.find((x) => x.id === id)
    if (!w) throw new Error(`no webhook with id ${id}`)
    Object.assign(w, {enabled: true, failureCount: 0, disabledAt: null, disabledReason: null})
    this.emit({kind: 'webhook.enabled', webhook: this.#public(w)})
    return this.#public(w)
  }

  async mailboxes(): Promise<MailboxSummary[]> {
    this.calls.push({kind: 'other', name: 'mailboxes'})
    return [...this.addressList]
  }

  async mail(mailboxId?: string): Promise<MailSummary[]> {
    this.calls.push({kind: 'other', name: 'mail'})
    return this.emailList
      .filter((e) => !mailboxId || e.mailboxId === mailboxId)
      .map(({id, mailboxId: m, direction, to, from, subject, at, status, size}) => ({id, mailboxId: m, direction, to, from, subject, at, status, size}))
  }

  async mailMessage(id: string): Promise<MailDetail> {
    this.calls.push({kind: 'other', name: 'mailMessage'})
    const e = this.emailList.find((x) => x.id === id)
    if (!e) throw new Error(`no email with id ${id}`)
    return e
  }

  /** What probe() answers (a canned report card: the probe itself is tested against real endpoints). */
  probeReport: ProbeReport | null = null

  async probe(webhookId: string): Promise<ProbeReport> {
    this.calls.push({kind: 'other', name: `probe ${webhookId}`})
    if (!this.probeReport) throw new Error('no probe report set')
    return this.probeReport
  }

  // -- Internals --------------------------------------------------------------------------------

  #event(id: string): StoredEvent {
    const e = this.stored.find((x) => x.event.id === id)
    if (!e) throw new Error(`no event with id ${id}`)
    return e
  }

  #delivery(eventId: string, w: Webhook, at: number): Delivery {
    return {id: randomUUID(), eventId, webhookId: w.id, url: w.url, status: 'pending', attemptCount: 0, maxAttempts: MAX_ATTEMPTS, nextAttemptAt: iso(at), createdAt: iso(at), completedAt: null, reason: null}
  }

  #public(w: Webhook): PublicWebhook {
    const {secret: _secret, ...rest} = w
    return {...rest, events: [...rest.events]}
  }

  #maybeFail(action: string): void {
    const message = this.failing.get(action)
    if (message !== undefined) throw new Error(message)
  }
}

function defaultData(type: string): Record<string, unknown> {
  const id = randomUUID()
  if (type === 'email.received') return {emailId: id, addressId: randomUUID(), from: 'noreply@example.com', subject: 'Confirm your account', receivedAt: iso(Date.now())}
  if (type === 'email.deleted') return {emailId: id, addressId: randomUUID(), deletedAt: iso(Date.now())}
  return {addressId: id, email: 'brisk-cedar-4821@junkmail.local'}
}
