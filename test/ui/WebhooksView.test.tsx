import {useState} from 'react'
import {describe, expect, it} from 'vitest'
import type {PublicWebhook} from '../../src/emulator/emulator-events.js'
import type {ViewAction} from '../../src/ui/view-state.js'
import {WebhooksView} from '../../src/ui/WebhooksView.js'
import {FakeEmulator} from './support/fake-emulator.js'
import {KEY, renderWithTools, until} from './support/render-viewer.js'

/** The view with its list kept as the viewer keeps it (refreshed by the `webhooks` action). */
function Harness({fake, onClose}: {fake: FakeEmulator; onClose: () => void}) {
  const [list, setList] = useState<readonly PublicWebhook[]>(fake.webhookList.map(({secret: _s, ...w}) => w))
  const dispatch = (a: ViewAction) => {
    if (a.type === 'webhooks') setList(a.list)
  }
  return <WebhooksView webhooks={list} width={100} height={20} dispatch={dispatch} onClose={onClose} />
}

describe('WebhooksView', () => {
  it('lists webhooks with their state; n creates one (URL, events) and shows its secret once', async () => {
    const fake = new FakeEmulator()
    const a = fake.addWebhook('http://localhost:3000/hook', ['email.received'], true)
    fake.webhookList[0].failureCount = 2
    let closed = 0
    const s = await renderWithTools(fake, <Harness fake={fake} onClose={() => closed++} />)
    let f = s.frame()
    expect(f).toContain('Webhooks (1)')
    expect(f).toMatch(/› #1 http:\/\/localhost:3000\/hook · email\.received +✗ 2 failed in a row/)
    await s.press('n')
    await s.type('http://localhost:5000/new')
    await s.press(KEY.down, ' ', KEY.down, ' ')
    f = s.frame()
    expect(f).toContain('[ ] email.received')
    expect(f).toContain('[ ] email.deleted')
    expect(f).toContain('[x] address.created')
    await s.press(KEY.enter)
    f = await s.waitFor('shown this once')
    const secret = fake.webhookList[1].secret
    expect(f).toContain(secret)
    expect(fake.calls.find((c) => c.kind === 'createWebhook')).toEqual({kind: 'createWebhook', url: 'http://localhost:5000/new', events: ['address.created', 'address.expired', 'address.deleted']})
    await s.press(KEY.enter)
    f = await s.waitFor('Webhooks (2)')
    expect(f).not.toContain(secret)
    expect(closed).toBe(0)
    void a
  })

  it('d deletes after y; e enables a disabled one; a refused URL is said in the form; Esc leaves', async () => {
    const fake = new FakeEmulator()
    const a = fake.addWebhook('http://localhost:3000/hook', undefined, true)
    const b = fake.addWebhook('http://localhost:4000/hook', undefined, true)
    fake.disable(b.id)
    let closed = 0
    const s = await renderWithTools(fake, <Harness fake={fake} onClose={() => closed++} />, {color: false})
    expect(s.frame()).toContain('[OFF] disabled')
    await s.press('j', 'e')
    await until(() => fake.calls.some((c) => c.kind === 'enableWebhook'), 'enable')
    await s.waitFor('[ON] enabled')
    expect(s.frame()).not.toContain('[OFF]')
    await s.press('k', 'd')
    expect(s.frame()).toContain('Delete http://localhost:3000/hook? y deletes · n keeps')
    await s.press('n')
    expect(fake.calls.some((c) => c.kind === 'deleteWebhook')).toBe(false)
    await s.press('d', 'y')
    await s.waitFor('Webhooks (1)')
    expect(fake.calls.filter((c) => c.kind === 'deleteWebhook')).toEqual([{kind: 'deleteWebhook', id: a.id}])
    await s.press('n')
    await s.type('not a url')
    await s.press(KEY.enter)
    await s.waitFor('Error: url: must be an absolute http(s) URL')
    await s.press(KEY.escape, KEY.escape)
    expect(closed).toBe(1)
  })

  it('p probes the selected webhook and shows the report card; Esc goes back to the list', async () => {
    const fake = new FakeEmulator()
    const hook = fake.addWebhook('http://localhost:3000/hook', ['email.received'], true)
    fake.probeReport = {
      url: 'http://localhost:3000/hook',
      durationMs: 42,
      checks: [
        {id: 'valid:email.received', title: 'a valid email.received', level: 'MUST', expected: '2xx', got: '200 in 1.2 ms', verdict: 'pass', advice: null},
        {id: 'signature:wrong', title: 'a wrong signature', level: 'MUST', expected: '4xx', got: '200 in 0.9 ms', verdict: 'fail', advice: 'accepted: verify X-JunkMail-Signature'},
      ],
      summary: {must: {passed: 1, failed: 1}, should: {passed: 0, failed: 0}},
      ok: false,
    }
    const s = await renderWithTools(fake, <Harness fake={fake} onClose={() => undefined} />)
    await s.press('p')
    const f = await s.waitFor('Probe · a MUST failed')
    expect(f).toContain('PASS  MUST   a valid email.received · expected 2xx · got 200 in 1.2 ms')
    expect(f).toContain('FAIL  MUST   a wrong signature · expected 4xx · got 200 in 0.9 ms')
    expect(f).toContain('signature:wrong: accepted: verify X-JunkMail-Signature')
    expect(f).toContain('Result: FAILED, a MUST check failed.')
    expect(fake.calls).toContainEqual({kind: 'other', name: `probe ${hook.id}`})
    await s.press(KEY.escape)
    await s.waitFor('Webhooks (1)')
  })
})
