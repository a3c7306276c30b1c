import {execFile, execFileSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {describe, expect, it, onTestFinished, type TestContext} from 'vitest'
import {skipBecause} from '../support/skip.js'

// The viewer in a real terminal: tmux runs test/ui/support/viewer-demo.ts (the viewer over the
// fake emulator, a simulation running) at a given size; keys go in with send-keys, the screen comes
// out with capture-pane. (The end-to-end test of `junkmail dev` and `watch` in tmux is the
// integration's; this one is the UI's.)

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const DEMO = 'test/ui/support/viewer-demo.ts'

function tmuxMissing(): string | null {
  try {
    execFileSync('tmux', ['-V'], {stdio: 'ignore'})
    return null
  } catch {
    return 'tmux is not installed (apt-get install tmux)'
  }
}

async function terminal(context: TestContext, columns: number, rows: number, env = '') {
  const missing = tmuxMissing()
  if (missing) skipBecause(context, missing)
  const socket = `jm-ui-${process.pid}-${columns}x${rows}`
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args], {cwd: ROOT})
  // CI unset inside the session: with CI set Ink draws only the last frame.
  await tmux('new-session', '-d', '-x', String(columns), '-y', String(rows), `cd ${ROOT} && env -u CI PS1='$ ' bash --norc --noprofile`)
  onTestFinished(() => tmux('kill-server').then(() => undefined, () => undefined))
  const screen = async (escapes = false) => (await tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', '0')).stdout
  const waitFor = async (text: string, timeoutMs = 15_000) => {
    const end = Date.now() + timeoutMs
    for (;;) {
      const s = await screen()
      if (s.includes(text)) return s
      if (Date.now() > end) throw new Error(`Timed out waiting for ${text} in:\n${s}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  const keys = async (...k: string[]) => {
    for (const key of k) {
      await tmux('send-keys', '-t', '0', key)
      await new Promise((r) => setTimeout(r, 150))
    }
  }
  await tmux('send-keys', '-t', '0', `echo BEFORE-VIEWER; ${env} node --import tsx ${DEMO} 1`, 'Enter')
  return {screen, waitFor, keys}
}

describe('the viewer in a real terminal (tmux)', () => {
  it('100×30: live rows with states and countdowns, the detail and back, q restores the screen as it was', async (context) => {
    const t = await terminal(context, 100, 30)
    let s = await t.waitFor('next 0:0')
    expect(s).toContain('junkmail demo  ● connected')
    expect(s.split('\n')[0]).not.toContain('BEFORE-VIEWER')
    await t.keys('j', 'Enter')
    s = await t.waitFor('Event detail')
    expect(s).toContain('Payload')
    await t.keys('Escape')
    await t.waitFor('TIME     EVENT')
    await t.keys('q')
    s = await t.waitFor('viewer closed')
    // The normal screen is back as it was: the command line, then what came after the viewer.
    expect(s).toContain('BEFORE-VIEWER')
    expect(s).not.toContain('TIME     EVENT')
  }, 60_000)

  it('60×20 with NO_COLOR: no escape code on screen, markers for the states, nothing wider than the terminal', async (context) => {
    const t = await terminal(context, 60, 20, 'NO_COLOR=1')
    const s = await t.waitFor('[ERR]')
    const lines = s.split('\n').filter((l) => l !== '')
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(60)
    expect(s).toContain('> ')
    expect(await t.screen(true)).not.toMatch(/\u001b\[[0-9;]*m/)
    await t.keys('q')
    await t.waitFor('viewer closed')
  }, 60_000)
})
