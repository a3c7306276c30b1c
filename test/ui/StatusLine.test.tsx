import {describe, expect, it} from 'vitest'
import {statusParts, StatusLine} from '../../src/ui/StatusLine.js'
import {createViewState, viewReducer, type ViewState} from '../../src/ui/view-state.js'
import {FakeEmulator} from './support/fake-emulator.js'
import {KEY, renderWithTools} from './support/render-viewer.js'

const now = Date.now()
const at = new Date(now).toISOString()

describe('StatusLine', () => {
  it('pause with its count, follow off, the filter with its counts, loading, and the latest notice', () => {
    let s: ViewState = viewReducer(createViewState(), {type: 'toggle-pause'})
    s = viewReducer(s, {type: 'toggle-follow'})
    s = viewReducer(s, {type: 'filter', text: 'type:email'})
    s = viewReducer(s, {type: 'notice', level: 'warn', text: 'careful\u001b[31m', time: at})
    expect(statusParts(s, now, true).map((p) => p.text)).toEqual(['⏸ paused · 0 held back · p resumes', 'follow off', 'filter type:email: 0 of 0', 'loading…', 'careful\\x1b[31m'])
    expect(statusParts(s, now, false)[0].text).toBe('[PAUSED] · 0 held back · p resumes')
  })

  it('an info notice goes after a while; a warning stays', () => {
    const s = viewReducer(createViewState(), {type: 'notice', level: 'info', text: 'done', time: at})
    expect(statusParts(s, now + 1000, true).map((p) => p.text)).toContain('done')
    expect(statusParts(s, now + 60_000, true).map((p) => p.text)).not.toContain('done')
  })

  it('while the filter is typed, it is a text field', async () => {
    const typed: string[] = []
    const state = {...createViewState(), filterEditing: true, filter: 'abc'}
    const s = await renderWithTools(new FakeEmulator(), <StatusLine state={state} now={now} width={60} onFilter={(t) => typed.push(t)} />)
    expect(s.frame()).toBe('/abc')
    await s.press('d', KEY.backspace)
    // Each key builds on the last (the parent here does not re-render with the new value).
    expect(typed).toEqual(['abcd', 'abc'])
  })
})
