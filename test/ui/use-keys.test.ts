import type {Key} from 'ink'
import {describe, expect, it} from 'vitest'
import {keyOf, splitKeys} from '../../src/ui/use-keys.js'

const plain = keyOf('x').key
const keys = (input: string, key: Partial<Key> = {}) => splitKeys(input, {...plain, ...key}).map((k) => (k.key.return ? '⏎' : k.key.escape ? 'Esc' : k.key.tab ? 'Tab' : k.key.delete ? '⌫' : k.key.ctrl ? `^${k.input}` : k.input))

describe('keys as a person pressed them', () => {
  it('characters Ink read together are one key each: letters, Enter, Tab, Backspace, Ctrl+letter', () => {
    expect(keys('j')).toEqual(['j'])
    expect(keys('jjk')).toEqual(['j', 'j', 'k'])
    expect(keys('jj\r')).toEqual(['j', 'j', '⏎'])
    expect(keys('a\tb\u007f\u0015')).toEqual(['a', 'Tab', 'b', '⌫', '^u'])
    expect(keyOf('G').key.shift).toBe(true)
  })

  it('Esc then a letter (Alt+letter to Ink) is Esc, then the letter; real Ctrl and arrow keys pass as they are', () => {
    expect(keys('w', {meta: true})).toEqual(['Esc', 'w'])
    expect(keys('', {escape: true, meta: true})).toEqual(['Esc'])
    expect(keys('c', {ctrl: true})).toEqual(['^c'])
    expect(splitKeys('', {...plain, upArrow: true})).toEqual([{input: '', key: {...plain, upArrow: true}}])
  })
})
