import {describe, expect, it} from 'vitest'
import {formatTable} from '../src/cli/format-table.js'
import {oneLine, safeText} from '../src/cli/terminal-text.js'

describe('text for a terminal: control characters from outside are shown, never obeyed', () => {
  it('oneLine escapes C0 (CR, LF, tab, ESC, NUL), DEL, C1 and bidi overrides; printable text and Unicode are kept', () => {
    expect(oneLine('a\r\nb\tc\u001b[31mred\u0000\u007f\u0085\u009b2J')).toBe('a\\r\\nb\\tc\\x1b[31mred\\x00\\x7f\\x85\\x9b2J')
    expect(oneLine('evil\u202efdp.exe \u2066x\u2069')).toBe('evil\\u202efdp.exe \\u2066x\\u2069')
    expect(oneLine('Résumé « café » — 日本語 🙂 "q" \\ back')).toBe('Résumé « café » — 日本語 🙂 "q" \\ back')
  })

  it('safeText keeps line feeds and tabs (a body), escapes the rest', () => {
    expect(safeText('line 1\n\tline 2\r\n\u001b]0;title\u0007')).toBe('line 1\n\tline 2\\r\n\\x1b]0;title\\x07')
  })

  it('formatTable: a cell cannot break its row or colour the terminal', () => {
    expect(formatTable(['A', 'B'], [['x\ny', '\u001b[2Jz']]).split('\n')).toEqual(['A     B', 'x\\ny  \\x1b[2Jz'])
  })
})
