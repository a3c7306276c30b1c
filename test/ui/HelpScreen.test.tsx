import {describe, expect, it} from 'vitest'
import {HelpScreen} from '../../src/ui/HelpScreen.js'
import {FakeEmulator} from './support/fake-emulator.js'
import {KEY, renderWithTools} from './support/render-viewer.js'

describe('HelpScreen', () => {
  it('lists every key and how copying works; scrolls; Esc or ? closes; q quits', async () => {
    let closed = 0
    const s = await renderWithTools(new FakeEmulator(), <HelpScreen width={100} height={60} onClose={() => closed++} />)
    const f = s.frame()
    for (const k of ['↑ ↓  j k', 'g G', 'PgUp PgDn', 'Enter  d', 'Esc', '/', 'f ', 'p ', 't ', 'r ', 'e ', 'w ', 'm ', 'y ', 'c ', 'n ', 'i ', '?', 'q  Ctrl+C']) expect(f).toContain(`  ${k}`)
    expect(f).toContain('OSC 52')
    expect(f).toContain('JUNKMAIL_CLIPBOARD=osc52 or =file')
    await s.press(KEY.escape, '?')
    expect(closed).toBe(2)
    await s.press('q')
    expect(s.quits).toBe(1)
    const small = await renderWithTools(new FakeEmulator(), <HelpScreen width={60} height={10} onClose={() => undefined} />)
    expect(small.frame()).toContain('Help · 1–9 of')
    await small.press('G')
    expect(small.frame()).toContain('NO_COLOR=1')
  })
})
