import {Text} from 'ink'
import {describe, expect, it} from 'vitest'
import {FullScreen} from '../../src/ui/FullScreen.js'
import {FakeEmulator} from './support/fake-emulator.js'
import {renderWithTools} from './support/render-viewer.js'

describe('FullScreen', () => {
  it('is one row shorter than the terminal (Ink 6 clears the screen on every frame as tall as it)', async () => {
    const s = await renderWithTools(
      new FakeEmulator(),
      <FullScreen size={{columns: 30, rows: 6}}>
        <Text>top</Text>
        <Text>next</Text>
      </FullScreen>,
    )
    expect(s.frame().split('\n')).toEqual(['top', 'next', '', '', ''])
  })
})
