import type {PublicWebhook} from '../emulator/emulator-events.js'
import type {PresentedDelivery} from '../emulator/present.js'
import type {Happening} from '../feed/happening.js'
import {matchesFilter, rowFrom, withDelivery, withDetail, type EventRow} from './event-rows.js'
import type {ConnectionState, EventDetail, EventSummary} from './viewer-contract.js'

// The viewer's state as a pure reducer: happenings, pages and keys in, what to show out. No Ink, no
// I/O: the hooks around it subscribe, fetch the pages it asks for (`request`) and dispatch results.

/** Bounds of the viewer's memory. */
export interface ViewOptions {
  /** Events kept in memory; the rest of the history is paged from the emulator. @default 2000 */
  readonly maxEvents: number
  /** Events asked for per page. @default 200 */
  readonly pageSize: number
  /** Happenings held back while paused; past it, the newest events are reloaded on resume. @default 10000 */
  readonly heldLimit: number
  /** Notices kept. @default 100 */
  readonly noticeLimit: number
}

export const DEFAULT_VIEW_OPTIONS: ViewOptions = {maxEvents: 2000, pageSize: 200, heldLimit: 10_000, noticeLimit: 100}

/** The views the viewer has; all but `list` cover it (the detail sits beside it on wide terminals). */
export type Screen = 'list' | 'detail' | 'help' | 'trigger' | 'webhooks' | 'mail' | 'notices'

export type NoticeLevel = 'info' | 'warn' | 'error'

/** A line for the user: a notice from the emulator, a warning, a store error, an action's result. */
export interface Notice {
  readonly id: number
  readonly level: NoticeLevel
  readonly text: string
  /** ISO-8601. */
  readonly time: string
}

/** A page of events the state wants: the hooks fetch `actions.events({before, limit})` and answer with its `id`. */
export interface PageRequest {
  readonly id: number
  /** `head`: the newest events (the window starts over there); `older`: below the window; `newer`: above a detached window. */
  readonly kind: 'head' | 'older' | 'newer'
  readonly before?: string
  readonly limit: number
}

/** Events dropped from above the window, and how to get them back: `events({before: cursor, limit: count})`. */
interface DroppedChunk {
  /** undefined: the chunk was the newest events (getting it back reattaches the window to the live feed). */
  readonly cursor: string | undefined
  readonly count: number
}

export interface ViewState {
  readonly options: ViewOptions
  /** Events in memory, newest first: a contiguous window of the history. */
  readonly events: readonly EventRow[]
  /** The events that pass the filter (the same array when there is none). */
  readonly visible: readonly EventRow[]
  /** Index of the selected row in `visible`. */
  readonly selected: number
  /** Index in `visible` of the first row on screen. */
  readonly scrollTop: number
  /** Rows the list has room for. */
  readonly listHeight: number
  /** `f`: the selection follows the newest event while it is at the top. */
  readonly followMode: boolean
  /** `p`: the list stands still; event happenings wait in `held`. */
  readonly paused: boolean
  readonly held: readonly Happening[]
  /** Happenings that did not fit in `held` (the newest events are reloaded on resume). */
  readonly heldDropped: number
  readonly filter: string
  readonly filterEditing: boolean
  /** The window's top is the newest event (new events come in at the top). */
  readonly attached: boolean
  /** `before` cursor that gives the window's first event (undefined: attached). */
  readonly topCursor: string | undefined
  readonly above: readonly DroppedChunk[]
  /** There may be events below the window (older ones, in the emulator's history). */
  readonly hasOlder: boolean
  /** New events not in the window because it is detached from the top. */
  readonly newer: number
  /** New events that came in above the rows on screen while not following. */
  readonly unseen: number
  readonly request: PageRequest | null
  readonly requests: number
  /** null until the feed first says where it stands. */
  readonly connection: ConnectionState | null
  /** When it last changed (ISO-8601): a retry delay counts down from there. */
  readonly connectionAt: string | null
  readonly connectedOnce: boolean
  /** Bumped when the emulator run changes (a fresh connection): everything is loaded again. */
  readonly generation: number
  readonly lastSeq: number
  readonly webhooks: readonly PublicWebhook[]
  readonly notices: readonly Notice[]
  readonly noticeCount: number
  readonly storeError: string | null
  /** Bumped by every email or address event: the mail view reloads. */
  readonly mailRevision: number
  /** Bumped by every happening: the header's counts are asked again (throttled). */
  readonly statusRevision: number
  readonly screen: Screen
  /** Event open in the detail view. */
  readonly detailId: string | null
  /** Which side has the keys when the detail sits beside the list. */
  readonly focus: 'list' | 'detail'
  readonly headerOpen: boolean
}

export type ViewAction =
  | {readonly type: 'happenings'; readonly list: readonly Happening[]}
  | {readonly type: 'connection'; readonly state: ConnectionState; readonly time: string}
  | {readonly type: 'page'; readonly request: number; readonly events: readonly EventSummary[]}
  | {readonly type: 'page-failed'; readonly request: number; readonly message: string; readonly time: string}
  /** An event's detail was read: its rows learn the deliveries' last attempts. */
  | {readonly type: 'detail'; readonly detail: EventDetail}
  /** A resend made these deliveries. */
  | {readonly type: 'deliveries'; readonly eventId: string; readonly list: readonly PresentedDelivery[]}
  | {readonly type: 'webhooks'; readonly list: readonly PublicWebhook[]}
  | {readonly type: 'resize'; readonly listHeight: number}
  | {readonly type: 'move'; readonly by: number}
  | {readonly type: 'top' | 'bottom' | 'page-up' | 'page-down'}
  | {readonly type: 'toggle-follow' | 'toggle-pause' | 'toggle-header' | 'toggle-focus'}
  | {readonly type: 'filter'; readonly text: string}
  | {readonly type: 'edit-filter'; readonly editing: boolean}
  | {readonly type: 'open'; readonly screen: Screen}
  | {readonly type: 'back'}
  | {readonly type: 'notice'; readonly level: NoticeLevel; readonly text: string; readonly time: string}

/** The state before anything is known: it asks for the newest page at once. */
export function createViewState(options: Partial<ViewOptions> = {}, listHeight = 10): ViewState {
  const o = {...DEFAULT_VIEW_OPTIONS, ...options}
  return {
    options: o,
    events: [],
    visible: [],
    selected: 0,
    scrollTop: 0,
    listHeight: Math.max(1, listHeight),
    followMode: true,
    paused: false,
    held: [],
    heldDropped: 0,
    filter: '',
    filterEditing: false,
    attached: true,
    topCursor: undefined,
    above: [],
    hasOlder: false,
    newer: 0,
    unseen: 0,
    request: {id: 1, kind: 'head', limit: o.pageSize},
    requests: 1,
    connection: null,
    connectionAt: null,
    connectedOnce: false,
    generation: 0,
    lastSeq: 0,
    webhooks: [],
    notices: [],
    noticeCount: 0,
    storeError: null,
    mailRevision: 0,
    statusRevision: 0,
    screen: 'list',
    detailId: null,
    focus: 'list',
    headerOpen: true,
  }
}

/** The row under the selection, if any. */
export function selectedRow(s: ViewState): EventRow | null {
  return s.visible[s.selected] ?? null
}

/** True while new events move the selection to the top: follow mode on, at the top, live. */
export function isFollowing(s: ViewState): boolean {
  return s.followMode && s.attached && s.selected === 0 && !s.paused
}

/** Happenings held back while paused, dropped ones included. */
export function heldCount(s: ViewState): number {
  return s.held.length + s.heldDropped
}

export function viewReducer(s: ViewState, a: ViewAction): ViewState {
  switch (a.type) {
    case 'happenings':
      return receive(s, a.list)
    case 'connection':
      return connection(s, a.state, a.time)
    case 'page':
      return page(s, a.request, a.events)
    case 'page-failed':
      if (s.request?.id !== a.request) return s
      return notice({...s, request: null}, 'error', `Could not load events: ${a.message}`, a.time)
    case 'detail':
      return updateRow(s, a.detail.id, (row) => withDetail(row, a.detail))
    case 'deliveries':
      return updateRow(s, a.eventId, (row) => a.list.reduce((r, d) => withDelivery(r, d), row))
    case 'webhooks':
      return {...s, webhooks: [...a.list]}
    case 'resize':
      return place(s, s.visible, {listHeight: Math.max(1, a.listHeight)})
    case 'move':
      return move(s, a.by)
    case 'page-up':
      return move(s, -s.listHeight)
    case 'page-down':
      return move(s, s.listHeight)
    case 'top':
      return top(s)
    case 'bottom':
      return bottom(s)
    case 'toggle-follow':
      return s.followMode ? {...s, followMode: false} : top({...s, followMode: true})
    case 'toggle-pause':
      return s.paused ? resume(s) : {...s, paused: true}
    case 'toggle-header':
      return {...s, headerOpen: !s.headerOpen}
    case 'toggle-focus':
      return s.screen === 'detail' ? {...s, focus: s.focus === 'list' ? 'detail' : 'list'} : s
    case 'filter':
      return refilter(s, a.text)
    case 'edit-filter':
      return {...s, filterEditing: a.editing}
    case 'open': {
      if (a.screen !== 'detail') return {...s, screen: a.screen, filterEditing: false}
      const row = selectedRow(s)
      return row ? {...s, screen: 'detail', detailId: row.id, focus: 'detail', filterEditing: false} : s
    }
    case 'back':
      if (s.filterEditing) return {...s, filterEditing: false}
      if (s.screen === 'detail' && s.focus === 'detail') return {...s, screen: 'list', focus: 'list'}
      if (s.screen === 'detail') return {...s, screen: 'list'}
      if (s.screen !== 'list') return {...s, screen: 'list'}
      return s.filter ? refilter(s, '') : s
    case 'notice':
      return notice(s, a.level, a.text, a.time)
  }
}

// -- Happenings -------------------------------------------------------------------------------

const EVENT_KINDS = new Set(['event.created', 'attempt.finished', 'delivery.cancelled'])

function receive(s: ViewState, list: readonly Happening[]): ViewState {
  if (list.length === 0) return s
  let next: ViewState = {...s, lastSeq: Math.max(s.lastSeq, list.at(-1)?.seq ?? 0), statusRevision: s.statusRevision + 1}
  const forList: Happening[] = []
  for (const h of list) {
    if (EVENT_KINDS.has(h.kind)) forList.push(h)
    else next = other(next, h)
  }
  if (forList.length === 0) return next
  if (s.paused) {
    const room = Math.max(0, s.options.heldLimit - next.held.length)
    return {...next, held: [...next.held, ...forList.slice(0, room)], heldDropped: next.heldDropped + Math.max(0, forList.length - room)}
  }
  return applyToList(next, forList)
}

/** Applies event happenings to the window: new events at the top (when attached), delivery states in place. */
function applyToList(s: ViewState, list: readonly Happening[]): ViewState {
  const byId = new Map<string, EventRow>()
  for (const row of s.events) byId.set(row.id, row)
  const added: string[] = []
  let newer = s.newer
  let mail = 0
  for (const h of list) {
    if (h.kind === 'event.created') {
      // Any event may be about mail or a mailbox (whatever the provider calls them): the mail view reads again.
      mail = 1
      const known = byId.get(h.event.id)
      if (known) byId.set(known.id, h.deliveries.reduce((r, d) => withDelivery(r, d), known))
      else if (s.attached) {
        byId.set(h.event.id, rowFrom(h.event, h.deliveries))
        added.push(h.event.id)
      } else newer++
    } else if (h.kind === 'attempt.finished') {
      const row = byId.get(h.delivery.eventId)
      if (row) byId.set(row.id, withDelivery(row, h.delivery, h.attempt))
    } else if (h.kind === 'delivery.cancelled') {
      const row = byId.get(h.delivery.eventId)
      if (row) byId.set(row.id, withDelivery(row, h.delivery))
    }
  }
  const fresh = added.reverse().map((id) => byId.get(id) as EventRow)
  let events = [...fresh, ...s.events.map((row) => byId.get(row.id) as EventRow)]
  let hasOlder = s.hasOlder
  if (events.length > s.options.maxEvents) {
    events = events.slice(0, s.options.maxEvents)
    hasOlder = true
  }
  const next = withEvents({...s, newer, hasOlder, mailRevision: s.mailRevision + mail}, events)
  // New rows above the screen while not following: say how many.
  if (next.scrollTop === 0) return next
  const shown = s.filter ? fresh.filter((r) => matchesFilter(r, s.filter)).length : fresh.length
  return {...next, unseen: next.unseen + shown}
}

function other(s: ViewState, h: Happening): ViewState {
  switch (h.kind) {
    case 'webhook.created':
      return notice({...s, webhooks: [...s.webhooks.filter((w) => w.id !== h.webhook.id), h.webhook]}, 'info', `Webhook created: ${h.webhook.url}`, h.time)
    case 'webhook.deleted':
      return notice({...s, webhooks: s.webhooks.filter((w) => w.id !== h.webhook.id)}, 'info', `Webhook deleted: ${h.webhook.url}`, h.time)
    case 'webhook.enabled':
      return notice(replaceWebhook(s, h.webhook), 'info', `Webhook enabled: ${h.webhook.url}`, h.time)
    case 'webhook.disabled':
      return notice(replaceWebhook(s, h.webhook), 'warn', `Webhook disabled: ${h.webhook.url} (${h.reason}); e enables it again`, h.time)
    case 'store.error':
      return notice({...s, storeError: h.message}, 'error', `Store cannot write: ${h.message} (changes are refused until it can)`, h.time)
    case 'store.recovered':
      return notice(
        {...s, storeError: null},
        'info',
        `Store writes again after ${(h.failedForMs / 1000).toFixed(1)} s; ${h.rolledBackChanges} change(s) were refused meanwhile`,
        h.time,
      )
    case 'notice':
      return notice(s, 'info', h.message, h.time)
    case 'warning':
      return notice(s, 'warn', h.message, h.time)
    default:
      return s
  }
}

function replaceWebhook(s: ViewState, webhook: PublicWebhook): ViewState {
  const known = s.webhooks.some((w) => w.id === webhook.id)
  return {...s, webhooks: known ? s.webhooks.map((w) => (w.id === webhook.id ? webhook : w)) : [...s.webhooks, webhook]}
}

function notice(s: ViewState, level: NoticeLevel, text: string, time: string): ViewState {
  const id = s.noticeCount + 1
  return {...s, noticeCount: id, notices: [...s.notices, {id, level, text, time}].slice(-s.options.noticeLimit)}
}

function connection(s: ViewState, state: ConnectionState, time: string): ViewState {
  const was = s.connection?.state
  let next: ViewState = {...s, connection: state, connectionAt: time}
  if (state.state === 'disconnected') {
    return was === 'disconnected' ? next : notice(next, 'warn', `Disconnected: ${state.reason}`, time)
  }
  next = {...next, connectedOnce: true}
  if (was === 'disconnected') next = notice(next, 'info', state.fresh ? 'Connected to a new emulator run: reloading' : 'Connected again', time)
  // A run this viewer has not seen: what it shows belongs to another one.
  return state.fresh && s.connectedOnce ? startOver(next) : next
}

function startOver(s: ViewState): ViewState {
  const requests = s.requests + 1
  return {
    ...s,
    events: [],
    visible: [],
    selected: 0,
    scrollTop: 0,
    held: [],
    heldDropped: 0,
    attached: true,
    topCursor: undefined,
    above: [],
    hasOlder: false,
    newer: 0,
    unseen: 0,
    lastSeq: 0,
    generation: s.generation + 1,
    request: {id: requests, kind: 'head', limit: s.options.pageSize},
    requests,
    screen: s.screen === 'detail' ? 'list' : s.screen,
    detailId: null,
    focus: 'list',
  }
}

function resume(s: ViewState): ViewState {
  const held = s.held
  const next: ViewState = {...s, paused: false, held: [], heldDropped: 0}
  if (s.heldDropped > 0) return ask({...next, attached: true, newer: 0}, 'head', undefined, s.options.pageSize, true)
  return held.length ? applyToList(next, held) : next
}

function updateRow(s: ViewState, id: string, change: (row: EventRow) => EventRow): ViewState {
  const i = s.events.findIndex((r) => r.id === id)
  if (i < 0) return s
  const events = s.events.map((r, j) => (j === i ? change(r) : r))
  return withEvents(s, events)
}

// -- Window and pages ------------------------------------------------------------------------

/** Asks for a page, unless one is on its way (`force`: this one replaces it). */
function ask(s: ViewState, kind: PageRequest['kind'], before: string | undefined, limit: number, force = false): ViewState {
  if (s.request && !force) return s
  const requests = s.requests + 1
  return {...s, requests, request: before === undefined ? {id: requests, kind, limit} : {id: requests, kind, before, limit}}
}

function page(s: ViewState, requestId: number, summaries: readonly EventSummary[]): ViewState {
  const req = s.request
  if (!req || req.id !== requestId) return s
  const base: ViewState = {...s, request: null}
  const rows = summaries.map((e) => rowFrom(e, e.deliveries))
  const full = summaries.length >= req.limit
  if (req.kind === 'older') {
    const known = new Set(s.events.map((r) => r.id))
    const events = [...s.events, ...rows.filter((r) => !known.has(r.id))]
    return trimTop(withEvents({...base, hasOlder: full}, events))
  }
  if (req.kind === 'newer' && req.before !== undefined) {
    const known = new Set(s.events.map((r) => r.id))
    const events = [...rows.filter((r) => !known.has(r.id)), ...s.events]
    return trimBottom(withEvents({...base, above: s.above.slice(0, -1), topCursor: req.before}, events))
  }
  if (req.kind === 'newer') {
    // The newest chunk again: the window joins the live top.
    const known = new Set(rows.map((r) => r.id))
    const events = sortNewestFirst([...rows, ...s.events.filter((r) => !known.has(r.id))])
    return trimBottom(withEvents({...base, above: [], topCursor: undefined, attached: true, newer: 0}, events))
  }
  // head: the newest events, with any that came in live since they were read.
  const newest = rows[0]?.createdAt ?? ''
  const pageIds = new Set(rows.map((r) => r.id))
  const live = s.attached ? s.events.filter((r) => !pageIds.has(r.id) && r.createdAt >= newest) : []
  const events = sortNewestFirst([...live, ...rows])
  const next: ViewState = {...base, attached: true, above: [], topCursor: undefined, newer: 0, hasOlder: full}
  return withEvents(next, events)
}

function sortNewestFirst(rows: EventRow[]): EventRow[] {
  // Stable: events of the same millisecond keep the order they came in.
  return rows.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
}

/** After a page below: the window drops what is over its bound at the top, remembering how to get it back. */
function trimTop(s: ViewState): ViewState {
  const over = s.events.length - s.options.maxEvents
  if (over <= 0) return s
  const dropped = s.events.slice(0, over)
  const events = s.events.slice(over)
  const chunk: DroppedChunk = {cursor: s.topCursor, count: over}
  const next: ViewState = {...s, above: [...s.above, chunk], topCursor: dropped.at(-1)?.id, attached: false}
  return withEvents(next, events)
}

/** After a page above: the window drops what is over its bound at the bottom (pageable again). */
function trimBottom(s: ViewState): ViewState {
  if (s.events.length <= s.options.maxEvents) return s
  return withEvents({...s, hasOlder: true}, s.events.slice(0, s.options.maxEvents))
}

// -- Selection --------------------------------------------------------------------------------

/** New events (same filter): the selection stays on its event, or on the newest while following. */
function withEvents(s: ViewState, events: readonly EventRow[]): ViewState {
  const visible = s.filter ? events.filter((r) => matchesFilter(r, s.filter)) : events
  return place({...s, events}, visible, {})
}

function refilter(s: ViewState, filter: string): ViewState {
  const visible = filter ? s.events.filter((r) => matchesFilter(r, filter)) : s.events
  return place({...s, filter}, visible, {})
}

/**
 * Puts the selection and the scroll on `visible`: at the top while following; otherwise on the
 * row selected before (or the nearest one), the rows on screen moving with it.
 */
function place(s: ViewState, visible: readonly EventRow[], change: {listHeight?: number}): ViewState {
  const listHeight = change.listHeight ?? s.listHeight
  const prev = selectedRow(s)
  if (isFollowing(s) || visible.length === 0) {
    return {...s, visible, listHeight, selected: 0, scrollTop: 0, unseen: 0, detailId: focusDetail(s, visible[0])}
  }
  let selected = prev ? visible.indexOf(prev) : -1
  if (selected < 0 && prev) selected = visible.findIndex((r) => r.id === prev.id)
  if (selected < 0) selected = Math.min(s.selected, visible.length - 1)
  const scrollTop = clampScroll(s.scrollTop + (selected - s.selected), selected, listHeight, visible.length)
  return {...s, visible, listHeight, selected, scrollTop, unseen: scrollTop === 0 ? 0 : s.unseen}
}

/** The detail beside the list shows the selected event while the list has the keys. */
function focusDetail(s: ViewState, row: EventRow | undefined): string | null {
  return s.screen === 'detail' && s.focus === 'list' && row ? row.id : s.detailId
}

function clampScroll(scrollTop: number, selected: number, height: number, length: number): number {
  let top = Math.min(scrollTop, Math.max(0, length - height))
  if (selected < top) top = selected
  if (selected >= top + height) top = selected - height + 1
  return Math.max(0, top)
}

function select(s: ViewState, selected: number): ViewState {
  const scrollTop = clampScroll(s.scrollTop, selected, s.listHeight, s.visible.length)
  const row = s.visible[selected]
  return {...s, selected, scrollTop, unseen: scrollTop === 0 ? 0 : s.unseen, detailId: focusDetail(s, row)}
}

function move(s: ViewState, by: number): ViewState {
  const last = s.visible.length - 1
  const target = s.selected + by
  if (target > last) {
    const next = s.hasOlder ? ask(s, 'older', s.events.at(-1)?.id, s.options.pageSize) : s
    return last < 0 ? next : select(next, last)
  }
  if (target < 0) {
    const next = s.attached ? s : askNewer(s)
    return last < 0 ? next : select(next, 0)
  }
  return select(s, target)
}

/** Above the top of a detached window: the chunk dropped last, or the newest events. */
function askNewer(s: ViewState): ViewState {
  const chunk = s.above.at(-1)
  if (!chunk) return top(s)
  if (chunk.cursor !== undefined) return ask(s, 'newer', chunk.cursor, chunk.count)
  const limit = chunk.count + s.newer
  // Too much has happened since: start over from the newest.
  if (limit > s.options.maxEvents) return top(s)
  return ask(s, 'newer', undefined, limit)
}

function top(s: ViewState): ViewState {
  if (!s.attached) return select(ask({...s, attached: true, above: [], topCursor: undefined, newer: 0}, 'head', undefined, s.options.pageSize, true), 0)
  return s.visible.length ? select(s, 0) : s
}

function bottom(s: ViewState): ViewState {
  const next = s.hasOlder ? ask(s, 'older', s.events.at(-1)?.id, s.options.pageSize) : s
  return next.visible.length ? select(next, next.visible.length - 1) : next
}
