import {describe, expect, it} from 'vitest'
import type {Happening} from '../../src/feed/happening.js'
import {deliveryBadge, latestPerWebhook} from '../../src/ui/delivery-state.js'
import {createViewState, heldCount, isFollowing, selectedRow, viewReducer, type ViewAction, type ViewState} from '../../src/ui/view-state.js'
import {FakeEmulator} from './support/fake-emulator.js'

// The viewer's state without Ink: happenings, pages and keys in, rows and selection out.

const T = '2026-01-01T00:00:00.000Z'

/** A fake emulator whose happenings are collected instead of rendered. */
function feed() {
  const fake = new FakeEmulator()
  const got: Happening[] = []
  fake.source.subscribe({happening: (h) => got.push(h), connection: () => undefined})
  const take = () => got.splice(0)
  return {fake, take}
}

const run = (s: ViewState, ...actions: ViewAction[]) => actions.reduce(viewReducer, s)
const ids = (s: ViewState) => s.visible.map((r) => r.id)
const answer = async (s: ViewState, fake: FakeEmulator): Promise<ViewState> => {
  const req = s.request
  if (!req) throw new Error('no request')
  const events = await fake.events(req.before === undefined ? {limit: req.limit} : {before: req.before, limit: req.limit})
  return viewReducer(s, {type: 'page', request: req.id, events})
}

describe('view state: happenings', () => {
  it('new events come in at the top; attempts update the delivery in place with status and duration', () => {
    const {fake, take} = feed()
    const w = fake.addWebhook('http://localhost:3000/hook')
    let s = run(createViewState(), {type: 'happenings', list: take()})
    expect(s.webhooks.map((x) => x.id)).toEqual([w.id])
    const a = fake.fire('email.received', {from: 'alice@example.com', subject: 'Hi'})
    const b = fake.fire('address.created', {email: 'x@junkmail.local'})
    s = run(s, {type: 'happenings', list: take()})
    expect(ids(s)).toEqual([b.id, a.id])
    expect(s.visible[1].about).toBe('alice@example.com · Hi')
    expect(deliveryBadge(s.visible[1].deliveries[0], Date.now(), true).text).toBe('… sending')

    fake.attempt(a.id, {status: 500, durationMs: 12, nextInMs: 4000})
    s = run(s, {type: 'happenings', list: take()})
    const now = Date.now()
    expect(deliveryBadge(s.visible[1].deliveries[0], now, true).text).toMatch(/^✗ 500 1\/5 next 0:0[34]$/)
    expect(deliveryBadge(s.visible[1].deliveries[0], now, false).text).toMatch(/^\[ERR\] 500 1\/5 next 0:0[34]$/)
    fake.attempt(a.id, {status: 200, durationMs: 4})
    s = run(s, {type: 'happenings', list: take()})
    expect(deliveryBadge(s.visible[1].deliveries[0], now, true).text).toBe('✓ 200 4ms')
    expect(deliveryBadge(s.visible[1].deliveries[0], now, false).text).toBe('[200] 4ms')
    expect(s.lastSeq).toBeGreaterThan(0)
  })

  it('a disabled webhook: its pending delivery shows ⏸ disabled, and a warning says e enables it', () => {
    const {fake, take} = feed()
    const w = fake.addWebhook('http://localhost:3000/hook')
    const e = fake.fire('email.received')
    fake.attempt(e.id, {status: 500})
    fake.disable(w.id)
    const s = run(createViewState(), {type: 'happenings', list: take()})
    const d = s.visible[0].deliveries[0]
    expect(deliveryBadge(d, Date.now(), true).text).toBe('⏸ disabled')
    expect(deliveryBadge(d, Date.now(), false).text).toBe('[OFF] disabled')
    expect(s.webhooks[0].enabled).toBe(false)
    expect(s.notices.at(-1)).toMatchObject({level: 'warn', text: expect.stringContaining('e enables it again')})
  })

  it('a failed delivery, a cancelled one, an error word for a connection failure', () => {
    const base = {id: 'd', eventId: 'e', webhookId: 'w', url: 'u', maxAttempts: 5, createdAt: T, completedAt: T, nextAttemptAt: null}
    const failed = {...base, status: 'failed', attemptCount: 5, reason: 'all 5 attempts failed', last: {status: 503, durationMs: 3, errorClass: 'http_status'}}
    expect(deliveryBadge(failed, 0, true).text).toBe('✗ 503 5/5 failed')
    const refused = {...base, status: 'pending', attemptCount: 2, reason: null, nextAttemptAt: new Date(65_000).toISOString(), last: {status: null, durationMs: 1, errorClass: 'connection_refused'}}
    expect(deliveryBadge(refused, 0, true)).toEqual({text: '✗ refused 2/5 next 1:05', short: '✗ refused 2/5 1:05', tone: 'fail', ticking: true})
    const cancelled = {...base, status: 'cancelled', attemptCount: 1, reason: 'webhook deleted', last: null}
    expect(deliveryBadge(cancelled, 0, false).text).toBe('[--] deleted')
  })

  it('store errors, recoveries, notices and warnings become notices; the store error stays until it recovers', () => {
    const {fake, take} = feed()
    fake.emit({kind: 'store.error', message: 'ENOSPC: no space left on device'})
    let s = run(createViewState(), {type: 'happenings', list: take()})
    expect(s.storeError).toBe('ENOSPC: no space left on device')
    expect(s.notices.at(-1)?.level).toBe('error')
    fake.emit({kind: 'store.recovered', failedForMs: 3200, rolledBackChanges: 2})
    fake.emit({kind: 'warning', code: 'listening_beyond_loopback', message: 'listening on 0.0.0.0'})
    fake.emit({kind: 'notice', code: 'runtime_takeover', message: 'took over a stale runtime file'})
    s = run(s, {type: 'happenings', list: take()})
    expect(s.storeError).toBeNull()
    expect(s.notices.map((n) => n.level)).toEqual(['error', 'info', 'warn', 'info'])
    expect(s.notices[1].text).toContain('3.2 s; 2 change(s)')
  })

  it('a resend adds deliveries to the row; the list shows the newest per webhook', () => {
    const {fake, take} = feed()
    fake.addWebhook('http://localhost:3000/hook')
    const e = fake.fire('email.received')
    fake.attempt(e.id, {status: 500})
    let s = run(createViewState(), {type: 'happenings', list: take()})
    s = run(s, {type: 'deliveries', eventId: e.id, list: [{...s.visible[0].deliveries[0], id: 'new', attemptCount: 0, status: 'pending', createdAt: new Date(Date.now() + 1000).toISOString()}]})
    expect(s.visible[0].deliveries).toHaveLength(2)
    expect(latestPerWebhook(s.visible[0].deliveries).map((d) => d.id)).toEqual(['new'])
  })
})

describe('view state: follow, pause, filter', () => {
  function withEvents(n: number) {
    const {fake, take} = feed()
    fake.addWebhook('http://localhost:3000/hook')
    const events = Array.from({length: n}, (_, i) => fake.fire('email.received', {subject: `mail ${i}`}))
    const s = run(createViewState({}, 5), {type: 'happenings', list: take()})
    return {fake, take, events, s}
  }

  it('follows the newest while at the top; moving away keeps the selection on its event; back at the top it follows again', () => {
    const {fake, take, s: start} = withEvents(3)
    let s = start
    expect(isFollowing(s)).toBe(true)
    const x = fake.fire('email.received', {subject: 'newest'})
    s = run(s, {type: 'happenings', list: take()})
    expect(selectedRow(s)?.id).toBe(x.id)

    s = run(s, {type: 'move', by: 1})
    const kept = selectedRow(s)?.id
    expect(isFollowing(s)).toBe(false)
    fake.fire('email.received', {subject: 'one more'})
    fake.fire('email.received', {subject: 'and another'})
    s = run(s, {type: 'happenings', list: take()})
    expect(selectedRow(s)?.id).toBe(kept)
    expect(s.selected).toBe(3)

    s = run(s, {type: 'move', by: -3})
    expect(isFollowing(s)).toBe(true)
    const y = fake.fire('email.received', {subject: 'followed'})
    s = run(s, {type: 'happenings', list: take()})
    expect(selectedRow(s)?.id).toBe(y.id)
  })

  it('rows below the screen: new events above keep the same rows on screen and count as unseen', () => {
    const {fake, take, s: start} = withEvents(12)
    let s = run(start, {type: 'move', by: 7})
    expect(s.scrollTop).toBe(3)
    fake.fire('email.received')
    fake.fire('email.received')
    s = run(s, {type: 'happenings', list: take()})
    expect(s.selected).toBe(9)
    expect(s.scrollTop).toBe(5)
    expect(s.unseen).toBe(2)
    s = run(s, {type: 'top'})
    expect(s.unseen).toBe(0)
  })

  it('f turns following off (the selection stays put at the top too) and on again (back to the newest)', () => {
    const {fake, take, s: start} = withEvents(3)
    let s = run(start, {type: 'toggle-follow'})
    const first = selectedRow(s)?.id
    fake.fire('email.received')
    s = run(s, {type: 'happenings', list: take()})
    expect(selectedRow(s)?.id).toBe(first)
    expect(s.selected).toBe(1)
    s = run(s, {type: 'toggle-follow'})
    expect(s.selected).toBe(0)
    expect(isFollowing(s)).toBe(true)
  })

  it('pause holds event happenings back (counted), lets webhooks and notices through, and resume applies them', () => {
    const {fake, take, s: start} = withEvents(2)
    let s = run(start, {type: 'toggle-pause'})
    const before = ids(s)
    const e = fake.fire('email.received')
    fake.attempt(e.id)
    fake.emit({kind: 'warning', code: 'x', message: 'careful'})
    s = run(s, {type: 'happenings', list: take()})
    expect(ids(s)).toEqual(before)
    expect(heldCount(s)).toBe(2)
    expect(s.notices.at(-1)?.text).toBe('careful')
    s = run(s, {type: 'toggle-pause'})
    expect(heldCount(s)).toBe(0)
    expect(ids(s)[0]).toBe(e.id)
    expect(deliveryBadge(s.visible[0].deliveries[0], 0, true).text).toBe('✓ 200 4ms')
  })

  it('more held back than it keeps: resume reloads the newest events instead', () => {
    const {fake, take} = feed()
    let s = run(createViewState({heldLimit: 2}), {type: 'page', request: 1, events: []}, {type: 'toggle-pause'})
    for (let i = 0; i < 4; i++) fake.fire('email.received')
    s = run(s, {type: 'happenings', list: take()})
    expect(heldCount(s)).toBe(4)
    s = run(s, {type: 'toggle-pause'})
    expect(s.request).toMatchObject({kind: 'head'})
  })

  it('filters by type prefix and by text; the selection stays on its event when it still shows; Esc clears', () => {
    const {fake, take} = feed()
    fake.fire('email.received', {from: 'alice@example.com', subject: 'Invoice 42'})
    const b = fake.fire('address.created', {email: 'bob@junkmail.local'})
    fake.fire('email.received', {from: 'carol@example.com', subject: 'Hello'})
    let s = run(createViewState(), {type: 'happenings', list: take()}, {type: 'move', by: 1})
    expect(selectedRow(s)?.id).toBe(b.id)
    s = run(s, {type: 'filter', text: 'type:address'})
    expect(s.visible.map((r) => r.type)).toEqual(['address.created'])
    expect(selectedRow(s)?.id).toBe(b.id)
    s = run(s, {type: 'filter', text: 'INVOICE'})
    expect(s.visible.map((r) => r.about)).toEqual(['alice@example.com · Invoice 42'])
    s = run(s, {type: 'filter', text: 'type:email carol'})
    expect(s.visible.map((r) => r.about)).toEqual(['carol@example.com · Hello'])
    s = run(s, {type: 'back'})
    expect(s.filter).toBe('')
    expect(s.visible).toHaveLength(3)
  })
})

describe('view state: a bounded window over the whole history', () => {
  it('starts by asking for the newest page; live events that came meanwhile are kept above it', async () => {
    const {fake, take} = feed()
    fake.history(3)
    let s = createViewState({pageSize: 10})
    expect(s.request).toEqual({id: 1, kind: 'head', limit: 10})
    const page = await fake.events({limit: 10})
    const live = fake.fire('email.received')
    s = run(s, {type: 'happenings', list: take()}, {type: 'page', request: 1, events: page})
    expect(s.visible).toHaveLength(4)
    expect(ids(s)[0]).toBe(live.id)
    expect(s.hasOlder).toBe(false)
    expect(s.request).toBeNull()
  })

  it('keeps at most maxEvents; scrolling past the end pages older events, dropping the newest, and back up pages them again', async () => {
    const {fake} = feed()
    const all = fake.history(12)
    const newestFirst = [...all].reverse().map((e) => e.id)
    let s = createViewState({maxEvents: 6, pageSize: 4}, 3)
    s = await answer(s, fake)
    expect(ids(s)).toEqual(newestFirst.slice(0, 4))
    expect(s.hasOlder).toBe(true)

    s = run(s, {type: 'bottom'})
    expect(s.request).toMatchObject({kind: 'older', before: newestFirst[3], limit: 4})
    s = await answer(s, fake)
    // 8 loaded, bound 6: the two newest dropped, the window detached from the top.
    expect(ids(s)).toEqual(newestFirst.slice(2, 8))
    expect(s.attached).toBe(false)
    expect(selectedRow(s)?.id).toBe(newestFirst[3])

    s = run(s, {type: 'bottom'})
    s = await answer(s, fake)
    expect(ids(s)).toEqual(newestFirst.slice(6, 12))
    s = run(s, {type: 'bottom'})
    s = await answer(s, fake)
    expect(s.hasOlder).toBe(false)

    // Back up: each dropped chunk comes back, the window joining the top again at the end.
    s = run(s, {type: 'move', by: -100})
    expect(selectedRow(s)?.id).toBe(newestFirst[6])
    expect(s.request).toMatchObject({kind: 'newer', before: newestFirst[1], limit: 4})
    s = await answer(s, fake)
    expect(ids(s)).toEqual(newestFirst.slice(2, 8))
    expect(selectedRow(s)?.id).toBe(newestFirst[6])
    s = run(s, {type: 'move', by: -100})
    expect(s.request).toMatchObject({kind: 'newer', limit: 2})
    expect(s.request?.before).toBeUndefined()
    s = await answer(s, fake)
    expect(s.attached).toBe(true)
    expect(ids(s).slice(0, 2)).toEqual(newestFirst.slice(0, 2))
  })

  it('while detached, new events are counted, not shown; g reloads the newest and follows again', async () => {
    const {fake, take} = feed()
    fake.history(10)
    let s = createViewState({maxEvents: 4, pageSize: 4}, 3)
    s = await answer(s, fake)
    s = run(s, {type: 'bottom'})
    s = await answer(s, fake)
    expect(s.attached).toBe(false)
    const fresh = fake.fire('email.received')
    s = run(s, {type: 'happenings', list: take()})
    expect(s.newer).toBe(1)
    expect(ids(s)).not.toContain(fresh.id)
    s = run(s, {type: 'top'})
    expect(s.request).toMatchObject({kind: 'head'})
    s = await answer(s, fake)
    expect(ids(s)[0]).toBe(fresh.id)
    expect(isFollowing(s)).toBe(true)
  })

  it('live events past the bound drop the oldest (they stay pageable)', () => {
    const {fake, take} = feed()
    let s = run(createViewState({maxEvents: 3}), {type: 'page', request: 1, events: []})
    for (let i = 0; i < 5; i++) fake.fire('email.received')
    s = run(s, {type: 'happenings', list: take()})
    expect(s.events).toHaveLength(3)
    expect(s.hasOlder).toBe(true)
  })

  it('an answer to a request replaced since is ignored; a failed page becomes an error notice', async () => {
    const {fake} = feed()
    fake.history(3)
    const page = await fake.events({limit: 200})
    let s = run(createViewState(), {type: 'page', request: 99, events: page})
    expect(s.events).toHaveLength(0)
    s = run(s, {type: 'page-failed', request: 1, message: 'connection refused', time: T})
    expect(s.request).toBeNull()
    expect(s.notices.at(-1)).toMatchObject({level: 'error', text: 'Could not load events: connection refused'})
  })

  it('a detail read later does not undo an attempt the row already knows', async () => {
    const {fake, take} = feed()
    fake.addWebhook('http://localhost:3000/hook')
    const e = fake.fire('email.received')
    const stale = await fake.event(e.id)
    fake.attempt(e.id, {status: 200})
    let s = run(createViewState(), {type: 'happenings', list: take()})
    s = run(s, {type: 'detail', detail: stale})
    expect(s.visible[0].deliveries[0].status).toBe('succeeded')
    // A row from a page learns its last attempt from the detail.
    const page = await fake.events({limit: 5})
    let t = run(createViewState(), {type: 'page', request: 1, events: page})
    expect(t.visible[0].deliveries[0].last).toBeNull()
    t = run(t, {type: 'detail', detail: await fake.event(e.id)})
    expect(deliveryBadge(t.visible[0].deliveries[0], 0, true).text).toBe('✓ 200 4ms')
  })
})

describe('view state: connection and screens', () => {
  it('says when the feed drops and comes back; a fresh emulator run starts everything over', () => {
    const {fake, take} = feed()
    fake.fire('email.received')
    let s = run(createViewState(), {type: 'page', request: 1, events: []}, {type: 'connection', state: {state: 'connected', fresh: true}, time: T}, {type: 'happenings', list: take()})
    expect(s.events).toHaveLength(1)
    expect(s.request).toBeNull()
    s = run(s, {type: 'connection', state: {state: 'disconnected', reason: 'connection refused', retryInMs: 1000}, time: T})
    expect(s.notices.at(-1)).toMatchObject({level: 'warn', text: 'Disconnected: connection refused'})
    s = run(s, {type: 'connection', state: {state: 'connected', fresh: false}, time: T})
    expect(s.events).toHaveLength(1)
    expect(s.notices.at(-1)?.text).toBe('Connected again')
    s = run(s, {type: 'connection', state: {state: 'disconnected', reason: 'gone', retryInMs: null}, time: T}, {type: 'connection', state: {state: 'connected', fresh: true}, time: T})
    expect(s.events).toHaveLength(0)
    expect(s.generation).toBe(1)
    expect(s.request).toMatchObject({kind: 'head'})
  })

  it('Enter opens the selected event, Esc goes back; beside the list, moving the selection changes the detail', () => {
    const {fake, take} = feed()
    const a = fake.fire('email.received')
    const b = fake.fire('email.received')
    let s = run(createViewState(), {type: 'happenings', list: take()}, {type: 'open', screen: 'detail'})
    expect(s).toMatchObject({screen: 'detail', detailId: b.id, focus: 'detail'})
    s = run(s, {type: 'toggle-focus'}, {type: 'move', by: 1})
    expect(s.detailId).toBe(a.id)
    s = run(s, {type: 'back'})
    expect(s.screen).toBe('list')
    s = run(s, {type: 'open', screen: 'help'}, {type: 'back'}, {type: 'toggle-header'})
    expect(s).toMatchObject({screen: 'list', headerOpen: false})
  })
})

describe('what an event is about', () => {
  it("reads the envelope's fields under data (JunkMail) or payload (Sendook)", async () => {
    const {eventAbout} = await import('../../src/ui/event-rows.js')
    expect(eventAbout({event: 'email.received', timestamp: 1, data: {from: 'a@example.com', subject: 'Hi'}})).toBe('a@example.com · Hi')
    expect(eventAbout({event: 'message.received', messageId: 'm', inboxId: 'i', payload: {id: 'm', from: 'b@example.com', subject: 'Help'}})).toBe('b@example.com · Help')
    expect(eventAbout({event: 'inbox.created', inboxId: 'i', payload: {id: 'i', email: 'support@sendook.local'}})).toBe('support@sendook.local')
  })
})
