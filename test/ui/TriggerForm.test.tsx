import {describe, expect, it} from 'vitest'
import {TriggerForm} from '../../src/ui/TriggerForm.js'
import {FakeEmulator} from './support/fake-emulator.js'
import {KEY, renderWithTools, until} from './support/render-viewer.js'

function setup() {
  const fake = new FakeEmulator()
  const hooks = [fake.addWebhook('http://localhost:3000/hook', undefined, true), fake.addWebhook('http://localhost:4000/other', undefined, true)]
  const notices: Array<[string, string]> = []
  let closed = 0
  return {fake, hooks, notices, closed: () => closed, onClose: () => closed++}
}

describe('TriggerForm', () => {
  it('lists the catalog with descriptions; Enter edits one; empty fields show their sample; Enter sends only what was typed', async () => {
    const t = setup()
    const s = await renderWithTools(t.fake, <TriggerForm webhooks={t.hooks} width={100} height={20} onClose={t.onClose} />, {notices: t.notices})
    let f = await s.waitFor('email.received')
    expect(f).toContain('Trigger an event · pick one')
    expect(f).toMatch(/› email\.received +A new email has been received/)
    expect(f).toContain('  address.expired  An address has expired')
    await s.press('j', 'k', KEY.enter)
    f = s.frame()
    expect(f).toContain('Trigger email.received · A new email has been received')
    expect(f).toMatch(/› emailId +_? ?e-sample/)
    expect(f).toContain('noreply@example.com')
    expect(f).toMatch(/send to +‹ every subscribed webhook ›/)
    await s.press(KEY.down, KEY.down, KEY.down)
    await s.type('Hello from the TUI')
    await s.press(KEY.tab, KEY.tab, KEY.right, KEY.right)
    f = s.frame()
    expect(f).toContain('‹ http://localhost:4000/other ›')
    await s.press(KEY.enter)
    await until(() => t.closed() === 1, 'the form to close')
    expect(t.fake.calls.filter((c) => c.kind === 'trigger')).toEqual([{kind: 'trigger', type: 'email.received', set: {subject: 'Hello from the TUI'}, webhookId: t.hooks[1].id}])
    expect(t.notices.at(-1)?.[1]).toMatch(/^Triggered email\.received \w{8}: 1 delivery$/)
  })

  it('letters are typed into the field, not taken as keys; an error stays in the form; Esc goes back, then out', async () => {
    const t = setup()
    t.fake.failing.set('trigger', 'set: unknown field "nope"')
    const s = await renderWithTools(t.fake, <TriggerForm webhooks={t.hooks} width={60} height={12} onClose={t.onClose} />)
    await s.waitFor('email.received')
    await s.press(KEY.enter)
    await s.type('qwe')
    expect(s.quits).toBe(0)
    expect(s.frame()).toContain('qwe')
    await s.press(KEY.enter)
    await s.waitFor('Error: set: unknown field "nope"')
    expect(t.closed()).toBe(0)
    await s.press(KEY.escape)
    expect(s.frame()).toContain('pick one')
    await s.press(KEY.escape)
    expect(t.closed()).toBe(1)
  })
})
