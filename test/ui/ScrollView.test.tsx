import {describe, expect, it} from 'vitest'
import {scrollPosition, ScrollView} from '../../src/ui/ScrollView.js'
import {FakeEmulator} from './support/fake-emulator.js'
import {renderWithTools} from './support/render-viewer.js'

describe('ScrollView', () => {
  it('shows `height` lines from `top`, each cut at the width', async () => {
    const lines = Array.from({length: 10}, (_, i) => ({text: `line ${i} ${'x'.repeat(50)}`, style: 'plain' as const}))
    const s = await renderWithTools(new FakeEmulator(), <ScrollView lines={lines} top={3} height={3} width={20} />)
    expect(s.frame().split('\n')).toEqual([3, 4, 5].map((i) => `line ${i} ${'x'.repeat(12)}…`))
    expect(scrollPosition(3, 3, 10)).toBe('4–6 of 10')
    expect(scrollPosition(0, 30, 10)).toBe('')
  })
})
