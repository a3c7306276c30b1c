import {describe, expect, it} from 'vitest'
import {fitHints, Footer, LIST_HINTS} from '../../src/ui/Footer.js'
import {FakeEmulator} from './support/fake-emulator.js'
import {renderWithTools} from './support/render-viewer.js'

describe('Footer', () => {
  it('shows as many keys as fit, and always ends with help and quit', () => {
    expect(fitHints(['a one', 'b two', 'c three'], ['? help', 'q quit'], 200)).toBe('a one  b two  c three  ? help  q quit')
    expect(fitHints(['a one', 'b two', 'c three'], ['? help', 'q quit'], 30)).toBe('a one  b two  ? help  q quit')
    expect(fitHints(['a one'], [], 3)).toBe('')
    const at60 = fitHints(LIST_HINTS, ['? help', 'q quit'], 60)
    expect(at60.length).toBeLessThanOrEqual(60)
    expect(at60.endsWith('? help  q quit')).toBe(true)
  })

  it('renders on one line', async () => {
    const s = await renderWithTools(new FakeEmulator(), <Footer hints={LIST_HINTS} width={100} />)
    expect(s.frame()).toBe(fitHints(LIST_HINTS, ['? help', 'q quit'], 100))
  })
})
