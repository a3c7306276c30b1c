import {describe, expect, it} from 'vitest'
import {rowFrom} from '../../src/ui/event-rows.js'
import {EventList} from '../../src/ui/EventList.js'
import {FakeEmulator} from './support/fake-emulator.js'
import {renderWithTools} from './support/render-viewer.js'

describe('EventList', () => {
  it('a column line, then the rows it is given, the selected one marked', async () => {
    const fake = new FakeEmulator()
    fake.history(3)
    const rows = (await fake.events({limit: 3})).map((e) => rowFrom(e, e.deliveries))
    const s = await renderWithTools(fake, <EventList rows={rows} selected={1} width={80} height={5} now={0} color={false} labels={new Map()} empty="nothing" />)
    const lines = s.frame().split('\n')
    expect(lines[0]).toMatch(/^ {2}TIME {5}EVENT +ABOUT$/)
    expect(lines.slice(1, 4).map((l) => l.slice(0, 2))).toEqual(['  ', '> ', '  '])
    expect(lines[2]).toContain('old-1@junkmail.local')
    expect(lines[2].endsWith('[--] no webhook')).toBe(true)
  })

  it('says what to do when there is no event', async () => {
    const s = await renderWithTools(new FakeEmulator(), <EventList rows={[]} selected={-1} width={80} height={5} now={0} color labels={new Map()} empty="No events yet: t triggers one" />)
    expect(s.frame()).toContain('No events yet: t triggers one')
  })
})
