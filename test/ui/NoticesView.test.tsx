import {describe, expect, it} from 'vitest'
import {NoticesView} from '../../src/ui/NoticesView.js'
import type {Notice} from '../../src/ui/view-state.js'
import {FakeEmulator} from './support/fake-emulator.js'
import {KEY, renderWithTools} from './support/render-viewer.js'

describe('NoticesView', () => {
  it('every notice newest first, whole (folded, not cut), marked by level; Esc closes', async () => {
    const time = new Date().toISOString()
    const path = `/tmp/junkmail-AbCdEf/${'x'.repeat(70)}.json`
    const notices: Notice[] = [
      {id: 1, level: 'error', text: 'Store cannot write: ENOSPC', time},
      {id: 2, level: 'info', text: `Saved the payload: ${path}`, time},
    ]
    let closed = 0
    const s = await renderWithTools(new FakeEmulator(), <NoticesView notices={notices} width={60} height={10} onClose={() => closed++} />)
    const lines = s.frame().split('\n')
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d Saved the payload: \/tmp/)
    expect(lines.slice(1, 4).join('')).toContain(path)
    expect(s.frame()).toContain('error: Store cannot write: ENOSPC')
    await s.press(KEY.escape)
    expect(closed).toBe(1)
  })
})
