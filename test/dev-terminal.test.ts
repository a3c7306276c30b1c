import {describe, expect, it} from 'vitest'
import {BIN} from './support/cli.js'
import {skipBecause} from './support/skip.js'
import {tempDir} from './support/temp-dir.js'
import {openTerminal, tmuxUnavailable} from './support/tmux.js'

// `junkmail dev` in a real terminal (tmux), as a person runs it.
describe('junkmail dev in a terminal', () => {
  it('starts, prints where it listens, and Ctrl+C stops it cleanly (exit 0)', async (context) => {
    if (tmuxUnavailable) skipBecause(context, tmuxUnavailable)
    const cwd = await tempDir()
    const term = await openTerminal(`${process.execPath} ${BIN} dev --port 0 --smtp-port 0`, {cols: 100, rows: 30, cwd, env: {NO_COLOR: '1'}})
    const ready = await term.waitFor('the ready text', (s) => s.includes('Press Ctrl+C to stop.'))
    expect(ready).toMatch(/API\s+http:\/\/127\.0\.0\.1:\d+\/api\/v1/)
    await term.keys(['C-c'])
    await term.waitFor('the clean stop', (s) => s.includes('Stopped.'))
    expect(await term.exited()).toBe(0)
  })
})
