import {describe, expect, it} from 'vitest'
import type {Badge} from '../../src/ui/delivery-state.js'
import {rowFrom} from '../../src/ui/event-rows.js'
import {EventRow, fitBadges, fitType, rowColumns} from '../../src/ui/EventRow.js'
import {FakeEmulator} from './support/fake-emulator.js'
import {renderWithTools} from './support/render-viewer.js'

const badge = (text: string, tone: Badge['tone'], label = '', short?: string): Badge & {label: string} => ({text, short, tone, ticking: false, label})
const joined = (pieces: ReturnType<typeof fitBadges>) => pieces.map((p) => p.text).join('')

describe('EventRow', () => {
  it('badges in webhook order when they fit; otherwise failures first and +N for the rest', () => {
    const list = [badge('✓ 200 4ms', 'ok', '#1'), badge('✗ 500 2/5 next 0:04', 'fail', '#2', '✗ 500 2/5 0:04'), badge('⏸ disabled', 'off', '#3')]
    expect(joined(fitBadges(list, 100))).toBe('#1 ✓ 200 4ms  #2 ✗ 500 2/5 next 0:04  #3 ⏸ disabled')
    expect(joined(fitBadges(list, 40))).toBe('#2 ✗ 500 2/5 next 0:04  #3 ⏸ disabled +1')
    expect(joined(fitBadges(list, 26))).toBe('#2 ✗ 500 2/5 next 0:04 +2')
    expect(joined(fitBadges(list, 21))).toBe('#2 ✗ 500 2/5 0:04 +2')
    expect(joined(fitBadges(list, 10))).toBe('✗ 500 2/5 0:04 +2')
  })

  it('one line at any width: time, type, what it is about, state; escaped and cut, never wrapped', async () => {
    const fake = new FakeEmulator()
    fake.addWebhook('http://localhost:3000/hook', undefined, true)
    const e = fake.fire('email.received', {from: 'x@example.com', subject: `tab\there ${'long '.repeat(30)}`}, {quiet: true})
    const [summary] = await fake.events({limit: 1})
    const row = rowFrom(summary, summary.deliveries)
    for (const width of [60, 80, 140]) {
      const s = await renderWithTools(fake, <EventRow row={row} selected width={width} now={0} color labels={new Map()} />)
      const f = s.frame()
      expect(f.split('\n')).toHaveLength(1)
      expect([...f].length).toBeLessThanOrEqual(width)
      expect(f).toMatch(/^› \d\d:\d\d:\d\d email\.received +x@example\./)
      if (width >= 80) expect(f).toContain('x@example.com · tab\\there long')
      expect(f.endsWith('… sending')).toBe(true)
    }
    void e
  })
})

describe('fitType', () => {
  it("every provider's longest event name fits the wide column with a space after it; a narrow column cuts with …", () => {
    const wide = rowColumns(100).type
    expect(fitType('message.complained', wide)).toBe('message.complained ')
    expect(fitType('message.delivered', wide)).toBe('message.delivered  ')
    expect(fitType('message.complained', rowColumns(60).type)).toBe('message.compla… ')
    expect(fitType('email.received', rowColumns(60).type)).toBe('email.received  ')
  })
})
