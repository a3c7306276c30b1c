import {readFileSync, rmSync, statSync} from 'node:fs'
import {dirname} from 'node:path'
import {describe, expect, it, onTestFinished} from 'vitest'
import {Clipboard, osc52, OSC52_MAX_BYTES, pickClipboard} from '../../src/ui/clipboard.js'

describe('copying: OSC 52 where it can work, a file otherwise', () => {
  it('auto picks OSC 52 on a terminal that takes it, a file when not a terminal, in tmux/screen, VTE, Apple Terminal, or for big text', () => {
    const base = {TERM: 'xterm-256color'}
    expect(pickClipboard('auto', base, true, 10)).toBe('osc52')
    expect(pickClipboard('auto', base, false, 10)).toBe('file')
    expect(pickClipboard('auto', {...base, TMUX: '/tmp/tmux-0/default,1,0'}, true, 10)).toBe('file')
    expect(pickClipboard('auto', {TERM: 'screen-256color'}, true, 10)).toBe('file')
    expect(pickClipboard('auto', {...base, STY: '1.pts'}, true, 10)).toBe('file')
    expect(pickClipboard('auto', {...base, VTE_VERSION: '7200'}, true, 10)).toBe('file')
    expect(pickClipboard('auto', {...base, TERM_PROGRAM: 'Apple_Terminal'}, true, 10)).toBe('file')
    expect(pickClipboard('auto', {TERM: 'linux'}, true, 10)).toBe('file')
    expect(pickClipboard('auto', base, true, OSC52_MAX_BYTES + 1)).toBe('file')
  })

  it('JUNKMAIL_CLIPBOARD and the option force a way', () => {
    expect(pickClipboard('auto', {TMUX: 'x', JUNKMAIL_CLIPBOARD: 'osc52'}, true, 10)).toBe('osc52')
    expect(pickClipboard('osc52', {JUNKMAIL_CLIPBOARD: 'file'}, true, 10)).toBe('file')
    expect(pickClipboard('file', {}, true, 10)).toBe('file')
  })

  it('OSC 52 writes the text base64 in one sequence; a file goes in a private folder, 0600', async () => {
    expect(osc52('héllo')).toBe(`\u001b]52;c;${Buffer.from('héllo').toString('base64')}\u0007`)
    const written: string[] = []
    const osc = new Clipboard({mode: 'osc52', env: {}, isTTY: true, write: (s) => written.push(s)})
    expect(await osc.copy('{"a":1}', 'payload.json')).toEqual({how: 'osc52', bytes: 7})
    expect(written).toEqual([osc52('{"a":1}')])

    const file = new Clipboard({mode: 'file', env: {}, isTTY: true, write: () => undefined})
    const r = await file.copy('{"a":1}\n', 'payload-../../evil name.json')
    if (r.how !== 'file') throw new Error('expected a file')
    onTestFinished(() => rmSync(dirname(r.path), {recursive: true, force: true}))
    expect(r.path).toMatch(/junkmail-[^/]+\/payload-\.\._\.\._evil_name\.json$/)
    expect(readFileSync(r.path, 'utf8')).toBe('{"a":1}\n')
    expect(statSync(r.path).mode & 0o777).toBe(0o600)
    expect(statSync(dirname(r.path)).mode & 0o777).toBe(0o700)
  })
})
