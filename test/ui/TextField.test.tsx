import {useState} from 'react'
import {describe, expect, it} from 'vitest'
import {TextField} from '../../src/ui/TextField.js'
import {FakeEmulator} from './support/fake-emulator.js'
import {KEY, renderWithTools} from './support/render-viewer.js'

function Field({focus = true, initial = ''}: {focus?: boolean; initial?: string}) {
  const [value, setValue] = useState(initial)
  return <TextField value={value} onChange={setValue} focus={focus} placeholder="type here" width={20} />
}

describe('TextField', () => {
  it('types and pastes (control characters dropped), Backspace (0x7f, key.delete) erases, Ctrl+U clears', async () => {
    const s = await renderWithTools(new FakeEmulator(), <Field />, {color: false})
    expect(s.frame()).toBe('_type here')
    await s.type('hello')
    // (A paste holding an escape sequence such as ESC[31m is not tried: Ink 6.8's useInput itself
    // throws on it, before any handler runs.)
    await s.type(' wo\u0007rld\r\n\u0000')
    expect(s.frame()).toBe('hello world_')
    await s.press(KEY.backspace, KEY.backspace)
    expect(s.frame()).toBe('hello wor_')
    await s.press('\u0015')
    expect(s.frame()).toBe('_type here')
  })

  it('shows the end of a long value; takes no key without focus', async () => {
    const s = await renderWithTools(new FakeEmulator(), <Field initial={'a'.repeat(30) + 'END'} />, {color: false})
    expect(s.frame()).toBe(`…${'a'.repeat(15)}END_`)
    const idle = await renderWithTools(new FakeEmulator(), <Field focus={false} />, {color: false})
    await idle.type('x')
    expect(idle.frame()).toBe(' type here')
  })
})
