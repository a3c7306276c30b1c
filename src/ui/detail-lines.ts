import type {PresentedAttempt, PresentedDelivery} from '../emulator/present.js'
import {oneLine} from '../cli/terminal-text.js'
import {deliveryBadge, lastAttemptOf, type Tone} from './delivery-state.js'
import {countdown, localClock, shortDuration, shortSize} from './format-time.js'
import type {EventDetail} from './viewer-contract.js'

/** How a line of text is drawn. */
export type LineStyle = Tone | 'title' | 'dim' | 'selected' | 'plain'

/** One line of a scrolling text view: already one line, escaped and no wider than asked. */
export interface StyledLine {
  readonly text: string
  readonly style: LineStyle
}

/** An attempt with the delivery it belongs to, in the order the detail lists them. */
export interface AttemptEntry {
  readonly delivery: PresentedDelivery
  /** 1-based number of the delivery in the detail (the `#n` it is shown with). */
  readonly deliveryNumber: number
  readonly attempt: PresentedAttempt
}

/** Every attempt of an event: delivery by delivery, each oldest first. */
export function attemptEntries(detail: EventDetail): AttemptEntry[] {
  return detail.deliveries.flatMap((d, i) => d.attempts.map((attempt) => ({delivery: d, deliveryNumber: i + 1, attempt})))
}

/** The attempt selected when a detail opens: the one sent last. */
export function latestAttemptIndex(entries: readonly AttemptEntry[]): number {
  let best = -1
  entries.forEach((e, i) => {
    if (best < 0 || (e.attempt.sentAt ?? '') >= (entries[best].attempt.sentAt ?? '')) best = i
  })
  return best
}

/** `text` cut into pieces of at most `width` characters (long bodies are folded, not lost). */
export function fold(text: string, width: number): string[] {
  const chars = [...text]
  if (chars.length <= width) return [text]
  const out: string[] = []
  for (let i = 0; i < chars.length; i += width) out.push(chars.slice(i, i + width).join(''))
  return out
}

/** Untrusted multi-line text as escaped lines: tabs as two spaces, every other control character shown. */
export function textLines(text: string, width: number): string[] {
  return text.split('\n').flatMap((line) => fold(oneLine(line.replace(/\t/g, '  ')), Math.max(8, width)))
}

/** A value as indented JSON lines (escaped); what cannot be serialised is said so. */
export function prettyJson(value: unknown): string[] {
  let text: string
  try {
    text = JSON.stringify(value, null, 2) ?? String(value)
  } catch {
    text = '(cannot be shown as JSON)'
  }
  return text.split('\n').map(oneLine)
}

export interface DetailOptions {
  /** Index in {@link attemptEntries} of the attempt whose request and response are shown. */
  readonly selectedAttempt: number
  readonly now: number
  readonly width: number
  readonly color: boolean
  /** The list's `#n` labels of webhooks (when there are several). */
  readonly labels?: ReadonlyMap<string, string>
}

/** The detail view's text, and where each attempt's line is (to scroll it into view). */
export interface DetailText {
  readonly lines: readonly StyledLine[]
  readonly attemptLines: readonly number[]
  /** True when a countdown is shown (the text changes every second). */
  readonly ticking: boolean
}

/**
 * The detail of an event as lines: its payload pretty-printed; per webhook the attempt timeline
 * (time, status, duration, error class and message, next due); then the selected attempt's
 * request headers and body and response headers and body.
 */
export function detailText(detail: EventDetail, o: DetailOptions): DetailText {
  const lines: StyledLine[] = []
  const add = (text: string, style: LineStyle = 'plain') => lines.push({text, style})
  const w = Math.max(20, o.width)
  let ticking = false

  add(oneLine(`${detail.type}  ${detail.id}`), 'title')
  add(`created ${localClock(detail.createdAt)} (${detail.createdAt ?? '?'}) · source ${oneLine(detail.source)}`, 'dim')
  add('')
  add('Payload', 'title')
  for (const line of prettyJson(detail.payload)) for (const piece of fold(line, w)) add(piece)
  add('')

  const entries = attemptEntries(detail)
  const attemptLines: number[] = []
  add(detail.deliveries.length ? `Deliveries (${detail.deliveries.length})` : 'Deliveries: none (no enabled webhook subscribed to this event)', 'title')
  let index = 0
  detail.deliveries.forEach((d, di) => {
    const last = d.attempts.at(-1)
    const badge = deliveryBadge({...d, last: last ? lastAttemptOf(last) : null}, o.now, o.color)
    ticking ||= badge.ticking
    const label = o.labels?.get(d.webhookId)
    add(oneLine(`${label ? `${label} ` : ''}${d.url}${detail.deliveries.length > 1 ? `  (delivery ${di + 1})` : ''}`), 'plain')
    add(`   ${badge.text}${d.reason ? ` · ${oneLine(d.reason)}` : ''}`, badge.tone)
    if (d.attempts.length === 0) add('   no attempt yet', 'dim')
    for (const a of d.attempts) {
      const chosen = index === o.selectedAttempt
      attemptLines.push(lines.length)
      const status = a.response ? String(a.response.status) : '---'
      const error = a.outcome === 'success' ? '' : `  ${a.errorClass ?? ''}${a.errorMessage ? ` ${a.errorMessage}` : ''}`
      const next = a.nextAttemptAt ? `  next ${dueIn(a.nextAttemptAt, o.now)}` : ''
      ticking ||= next !== '' && Date.parse(a.nextAttemptAt ?? '') > o.now
      const mark = chosen ? (o.color ? '›' : '>') : ' '
      const text = oneLine(`${mark}  ${a.number}/${a.maxAttempts}  ${localClock(a.sentAt)}  ${status.padStart(3)}  ${shortDuration(a.durationMs).padStart(6)}${error}${next}`)
      add(text, chosen ? 'selected' : a.outcome === 'success' ? 'ok' : 'fail')
      index++
    }
  })

  const chosen = entries[o.selectedAttempt]
  if (chosen) {
    add('')
    attemptSection(chosen, o, w, add)
  }
  return {lines, attemptLines, ticking}
}

function dueIn(iso: string, now: number): string {
  const due = Date.parse(iso)
  if (Number.isNaN(due)) return 'unknown'
  return due > now ? `in ${countdown(due - now)} (${localClock(iso)})` : `due ${localClock(iso)}`
}

function attemptSection({attempt: a, delivery}: AttemptEntry, o: DetailOptions, w: number, add: (text: string, style?: LineStyle) => void): void {
  const label = o.labels?.get(delivery.webhookId)
  add(oneLine(`Attempt ${a.number}/${a.maxAttempts} to ${label ? `${label} ` : ''}${delivery.url}  (←→ another)`), 'title')
  const late = a.scheduledAt && a.sentAt ? Date.parse(a.sentAt) - Date.parse(a.scheduledAt) : 0
  add(
    `scheduled ${localClock(a.scheduledAt)} · sent ${localClock(a.sentAt)}${late > 0 ? ` (${shortDuration(late)} late)` : ''} · took ${shortDuration(a.durationMs)} · ${a.outcome}`,
    'dim',
  )
  if (a.outcome === 'failure') add(oneLine(`error ${a.errorClass ?? '?'}${a.errorMessage ? `: ${a.errorMessage}` : ''}`), 'fail')
  if (a.nextAttemptAt) add(`next attempt ${dueIn(a.nextAttemptAt, o.now)}`, 'pending')
  add('')
  add('Request', 'title')
  add(oneLine(`${a.request.method} ${a.request.url}`))
  for (const [name, value] of Object.entries(a.request.headers)) add(oneLine(`${name}: ${value}`))
  add('')
  if (a.request.body === null) add('(body no longer kept: the event was pruned)', 'dim')
  else for (const line of textLines(a.request.body, w)) add(line)
  add('')
  add('Response', 'title')
  const r = a.response
  if (!r) {
    add(oneLine(`none: ${a.errorClass ?? 'no answer'}${a.errorMessage ? ` (${a.errorMessage})` : ''}`), 'fail')
    return
  }
  add(`${r.status} · ${Object.keys(r.headers).length} header(s) · body ${shortSize(Buffer.byteLength(r.body))}`, r.status >= 200 && r.status < 300 ? 'ok' : 'fail')
  for (const [name, value] of Object.entries(r.headers)) {
    for (const v of Array.isArray(value) ? value : [value]) add(oneLine(`${name}: ${v}`))
  }
  add('')
  if (r.body === '') add('(empty body)', 'dim')
  else for (const line of textLines(r.body, w)) add(line)
  if (r.bodyTruncated) {
    add(r.bodyBytesDropped ? `(body cut: ${r.bodyBytesDropped} more byte(s) not kept)` : '(body cut: the rest was not kept)', 'dim')
  }
}
