import {describe, expect, it} from 'vitest'
import {EventDetail, type DetailSelection} from '../../src/ui/EventDetail.js'
import type {ViewerCommand} from '../../src/ui/list-keys.js'
import type {ViewAction} from '../../src/ui/view-state.js'
import {FakeEmulator} from './support/fake-emulator.js'
import {KEY, renderWithTools, until} from './support/render-viewer.js'

function setup() {
  const fake = new FakeEmulator()
  const w = fake.addWebhook('http://localhost:3000/hook', undefined, true)
  const e = fake.fire('email.received', {from: 'alice@example.com', subject: 'Hello \u202eevil'}, {quiet: true})
  fake.attempt(e.id, {status: 500, durationMs: 12, nextInMs: 5000, quiet: true})
  fake.attempt(e.id, {errorClass: 'connection_refused', durationMs: 2, nextInMs: 30_000, quiet: true})
  const actions: ViewAction[] = []
  const commands: ViewerCommand[] = []
  const selections: Array<DetailSelection | null> = []
  const props = {
    eventId: e.id,
    revision: 0,
    width: 100,
    height: 80,
    focused: true,
    now: 1,
    dispatch: (a: ViewAction) => actions.push(a),
    onCommand: (c: ViewerCommand) => commands.push(c),
    onSelection: (s: DetailSelection | null) => selections.push(s),
  }
  return {fake, w, e, actions, commands, selections, props}
}

describe('EventDetail', () => {
  it('payload pretty-printed and escaped; each attempt with time, status, duration, error and next due; the last one selected with its request and response', async () => {
    const {fake, e, props, actions, selections} = setup()
    const s = await renderWithTools(fake, <EventDetail {...props} />)
    const f = await s.waitFor('Attempt 2/5')
    expect(f).toContain(`email.received  ${e.id}`)
    expect(f).toContain('"subject": "Hello \\u202eevil"')
    expect(f).toMatch(/ {2}1\/5 +\d\d:\d\d:\d\d +500 +12ms +http_status HTTP 500 +next (in|due)/)
    expect(f).toMatch(/› +2\/5 +\d\d:\d\d:\d\d +--- +2ms +connection_refused connect ECONNREFUSED 127\.0\.0\.1:3999 +next in 0:(29|30)/)
    expect(f).toContain('Attempt 2/5 to http://localhost:3000/hook')
    expect(f).toContain('error connection_refused: connect ECONNREFUSED')
    expect(f).toContain('X-JunkMail-Timestamp: ')
    expect(f).toContain(fake.stored[0].body.slice(0, 60))
    expect(f).toContain('none: connection_refused')
    expect(actions).toContainEqual({type: 'detail', detail: expect.objectContaining({id: e.id})})
    await until(() => selections.at(-1)?.entry?.attempt.number === 2, 'the last attempt selected')
  })

  it('← → choose the attempt shown; ↑↓ scroll; Esc, Tab and the command keys go to the viewer', async () => {
    const {fake, props, actions, commands, selections} = setup()
    const s = await renderWithTools(fake, <EventDetail {...props} height={12} />)
    await s.waitFor('Event detail · 1–11 of')
    await s.press(KEY.left)
    await until(() => selections.at(-1)?.entry?.attempt.number === 1, 'attempt 1 selected')
    expect(s.frame()).toMatch(/› +1\/5/)
    await s.press('G')
    expect(s.frame()).toContain('Internal error: database is down')
    await s.press('g')
    expect(s.frame()).toContain('Payload')
    await s.press(KEY.escape, KEY.tab, 'c', 'y', 'r', 'e', 'q')
    expect(actions.filter((a) => a.type !== 'detail')).toEqual([{type: 'back'}, {type: 'toggle-focus'}])
    expect(commands).toEqual(['copy-curl', 'copy-payload', 'resend', 'enable', 'quit'])
  })

  it('reads the event again when its row changes (an attempt finished), and says when it cannot', async () => {
    const {fake, e, props} = setup()
    const s = await renderWithTools(fake, <EventDetail {...props} />)
    await s.waitFor('Attempt 2/5')
    fake.attempt(e.id, {status: 200, quiet: true})
    s.rerender(<EventDetail {...props} revision={1} />)
    await s.waitFor('Attempt 3/5')
    fake.failing.set('event', 'no event with id x')
    s.rerender(<EventDetail {...props} eventId="x" />)
    await s.waitFor('Could not read the event: no event with id x')
  })
})
