import type {PresentedAttempt, PresentedDelivery, PresentedEvent} from '../emulator/present.js'
import {oneLine} from '../cli/terminal-text.js'
import {lastAttemptOf, type DeliveryView} from './delivery-state.js'
import type {EventDetail} from './viewer-contract.js'

/** One event as the list keeps it: what a row shows, and what the filter searches. */
export interface EventRow {
  readonly id: string
  readonly type: string
  readonly createdAt: string
  readonly source: string
  readonly payload: unknown
  /** The resource it is about, one line, escaped: an address, or `from · subject`. */
  readonly about: string
  /** Every delivery of the event, oldest first (a resend adds some). */
  readonly deliveries: readonly DeliveryView[]
  /** Lower-case text the filter searches: id, type, about and the payload. */
  readonly haystack: string
  /** Bumped at every change of the event's deliveries: an open detail view reloads when it moves. */
  readonly revision: number
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)

/**
 * The resource an event is about, from the fields its envelope holds (JunkMail's `data`,
 * Sendook's `payload`): `from · subject`, an address, or an email id.
 */
export function eventAbout(payload: unknown): string {
  const data = isRecord(payload) ? [payload.data, payload.payload].find(isRecord) ?? null : null
  if (!data) return ''
  const from = str(data.from)
  const subject = str(data.subject)
  if (from || subject) return oneLine([from, subject].filter((s) => s !== null).join(' · '))
  const email = str(data.email)
  if (email) return oneLine(email)
  const emailId = str(data.emailId)
  if (emailId) return oneLine(`email ${emailId}`)
  const first = Object.values(data).find((v) => typeof v === 'string')
  return typeof first === 'string' ? oneLine(first) : ''
}

function haystackOf(event: PresentedEvent, about: string): string {
  let payload = ''
  try {
    payload = JSON.stringify(event.payload) ?? ''
  } catch {
    // a payload that cannot be serialised is not searched
  }
  return `${event.id} ${event.type} ${about} ${payload.slice(0, 2000)}`.toLowerCase()
}

/** A row for a presented event and its deliveries (none known to have been attempted yet). */
export function rowFrom(event: PresentedEvent, deliveries: readonly PresentedDelivery[]): EventRow {
  const about = eventAbout(event.payload)
  return {
    id: event.id,
    type: event.type,
    createdAt: event.createdAt ?? '',
    source: event.source,
    payload: event.payload,
    about,
    deliveries: deliveries.map((d) => ({...d, last: null})),
    haystack: haystackOf(event, about),
    revision: 0,
  }
}

/** The row with a delivery's new state (and its last attempt, when one just finished); an unknown delivery is added. */
export function withDelivery(row: EventRow, delivery: PresentedDelivery, attempt?: Pick<PresentedAttempt, 'response' | 'durationMs' | 'errorClass'>): EventRow {
  const i = row.deliveries.findIndex((d) => d.id === delivery.id)
  const last = attempt ? lastAttemptOf(attempt) : i >= 0 ? row.deliveries[i].last : null
  const next: DeliveryView = {...delivery, last}
  const deliveries = i >= 0 ? row.deliveries.map((d, j) => (j === i ? next : d)) : [...row.deliveries, next]
  return {...row, deliveries, revision: row.revision + 1}
}

/**
 * The row with the deliveries and last attempts an event's detail has. A delivery the row already
 * knows further along (an attempt that finished after the detail was read) keeps the row's state.
 */
export function withDetail(row: EventRow, detail: EventDetail): EventRow {
  const known = new Map(row.deliveries.map((d) => [d.id, d]))
  const fromDetail = detail.deliveries.map(({attempts, ...d}): DeliveryView => {
    const mine = known.get(d.id)
    known.delete(d.id)
    if (mine && mine.attemptCount > d.attemptCount) return mine
    const lastAttempt = attempts.at(-1)
    return {...d, last: lastAttempt ? lastAttemptOf(lastAttempt) : (mine?.last ?? null)}
  })
  return {...row, deliveries: [...fromDetail, ...known.values()], revision: row.revision + 1}
}

/** True when a row shows deliveries attempted whose last attempt it does not know (it came from a page). */
export function needsAttempts(row: EventRow): boolean {
  return row.deliveries.some((d) => d.attemptCount > 0 && d.last === null)
}

/**
 * Whether a row passes the filter: every word must match; `type:x` matches types starting with x,
 * any other word is searched in the id, type, resource and payload. Case-insensitive.
 */
export function matchesFilter(row: EventRow, filter: string): boolean {
  for (const word of filter.toLowerCase().split(/\s+/)) {
    if (word === '') continue
    if (word.startsWith('type:')) {
      if (!row.type.toLowerCase().startsWith(word.slice(5))) return false
    } else if (!row.haystack.includes(word)) return false
  }
  return true
}
