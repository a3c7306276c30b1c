import {describe, expect, it} from 'vitest'
import {Chooser} from '../../src/ui/Chooser.js'
import {FakeEmulator} from './support/fake-emulator.js'
import {KEY, renderWithTools} from './support/render-viewer.js'

describe('Chooser', () => {
  it('↑↓ / j k choose, Enter takes, a digit takes at once, Esc cancels', async () => {
    const chosen: string[] = []
    let cancelled = 0
    const choices = [{value: 'a', label: 'all'}, {value: 'b', label: 'bee'}, {value: 'c', label: 'sea'}]
    const s = await renderWithTools(new FakeEmulator(), <Chooser title="Pick" choices={choices} initial={1} onChoose={(v) => chosen.push(v)} onCancel={() => cancelled++} width={40} />, {color: false})
    expect(s.frame().split('\n')).toEqual(['Pick', '  1 all', '› 2 bee', '  3 sea', '↑↓ choose · 1–3 · Enter · Esc cancel'])
    await s.press('j', KEY.enter, KEY.up, 'k', KEY.enter, '3', KEY.escape)
    expect(chosen).toEqual(['c', 'a', 'c'])
    expect(cancelled).toBe(1)
  })
})
