import {spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {ENTER_ALTERNATE_SCREEN, LEAVE_ALTERNATE_SCREEN} from '../../src/ui/alternate-screen.js'
import {colorWanted, runViewer, ViewerUnavailableError, viewerUnavailable} from '../../src/ui/run-viewer.js'
import {FakeEmulator} from './support/fake-emulator.js'

const CHILD = fileURLToPath(new URL('./support/viewer-child.ts', import.meta.url))
const ROOT = fileURLToPath(new URL('../../', import.meta.url))

interface ChildResult {
  result: string
  out: string
  raw: boolean[]
  stderr: string
}

/** Runs the viewer in a child process (see viewer-child.ts); `onReady` may signal it. */
function runChild(mode: string, env: Record<string, string | undefined> = {}, onReady?: (pid: number) => void): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode], {cwd: ROOT, env: {...process.env, CI: undefined, NO_COLOR: undefined, FORCE_COLOR: undefined, ...env}})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c))
    child.stderr.on('data', (c: Buffer) => {
      stderr += c
      if (stderr.includes('ready') && onReady && child.pid) {
        onReady(child.pid)
        onReady = undefined
      }
    })
    child.on('error', reject)
    child.on('close', (code) => {
      const line = stdout.trim().split('\n').at(-1) ?? ''
      try {
        resolve({...(JSON.parse(line) as ChildResult), stderr})
      } catch {
        reject(new Error(`child exited ${code} without a result:\n${stdout}\n${stderr}`))
      }
    })
  })
}

const SGR = /\u001b\[[0-9;]*m/

describe('runViewer', () => {
  it('runs only on two terminals with CI unset (and says why not), before touching anything', async () => {
    const tty = {isTTY: true, setRawMode: () => undefined} as unknown as NodeJS.ReadStream
    const out = {isTTY: true} as unknown as NodeJS.WriteStream
    expect(viewerUnavailable({stdin: tty, stdout: out, env: {}})).toBeNull()
    expect(viewerUnavailable({stdin: tty, stdout: {isTTY: false} as unknown as NodeJS.WriteStream, env: {}})).toBe('stdout is not a terminal')
    expect(viewerUnavailable({stdin: {isTTY: false} as unknown as NodeJS.ReadStream, stdout: out, env: {}})).toBe('stdin is not a terminal (keys need raw mode)')
    expect(viewerUnavailable({stdin: tty, stdout: out, env: {CI: 'true'}})).toBe('CI is set')
    expect(viewerUnavailable({stdin: tty, stdout: out, env: {CI: 'false'}})).toBeNull()
    expect(viewerUnavailable({stdin: tty, stdout: out, env: {TERM: 'dumb'}})).toBe('TERM is dumb')
    const writes: string[] = []
    const pipe = {isTTY: undefined, write: (s: string) => writes.push(s)} as unknown as NodeJS.WriteStream
    const fake = new FakeEmulator()
    await expect(runViewer({source: fake.source, actions: fake, stdin: tty, stdout: pipe})).rejects.toBeInstanceOf(ViewerUnavailableError)
    expect(writes).toEqual([])
    expect(fake.subscribers).toBe(0)
  })

  it('colour unless NO_COLOR is set (to anything but empty) or FORCE_COLOR=0', () => {
    expect(colorWanted({})).toBe(true)
    expect(colorWanted({NO_COLOR: ''})).toBe(true)
    expect(colorWanted({NO_COLOR: '1'})).toBe(false)
    expect(colorWanted({FORCE_COLOR: '0'})).toBe(false)
  })

  it('q: enters the alternate screen, draws the viewer, resolves, and restores the screen and cooked mode', async () => {
    const r = await runChild('quit', {FORCE_COLOR: '1'})
    expect(r.result).toBe('resolved')
    expect(r.out.startsWith(ENTER_ALTERNATE_SCREEN)).toBe(true)
    expect(r.out.endsWith(LEAVE_ALTERNATE_SCREEN)).toBe(true)
    expect(r.out).toContain('junkmail test')
    expect(r.out).toContain('✓ 200 4ms')
    expect(SGR.test(r.out)).toBe(true)
    expect(r.raw[0]).toBe(true)
    expect(r.raw.at(-1)).toBe(false)
  }, 20_000)

  it('NO_COLOR: not one colour or style code, and states keep their markers', async () => {
    const r = await runChild('quit', {NO_COLOR: '1'})
    expect(r.result).toBe('resolved')
    expect(r.out).toContain('[200] 4ms')
    expect(r.out.match(new RegExp(SGR, 'g'))).toBeNull()
  }, 20_000)

  it('an aborted signal, a SIGTERM and a render error all close it with the screen restored', async () => {
    const aborted = await runChild('abort')
    expect(aborted.result).toBe('resolved')
    expect(aborted.out.endsWith(LEAVE_ALTERNATE_SCREEN)).toBe(true)
    const signalled = await runChild('signal', {}, (pid) => process.kill(pid, 'SIGTERM'))
    expect(signalled.result).toBe('resolved')
    expect(signalled.out.endsWith(LEAVE_ALTERNATE_SCREEN)).toBe(true)
    const thrown = await runChild('throw')
    expect(thrown.result).toBe('rejected: the key cannot be read')
    expect(thrown.out.startsWith(ENTER_ALTERNATE_SCREEN)).toBe(true)
    expect(thrown.out.endsWith(LEAVE_ALTERNATE_SCREEN)).toBe(true)
    expect(thrown.raw.at(-1) ?? false).toBe(false)
  }, 30_000)

  it('an uncaught error elsewhere in the process: the screen is restored before Node prints it', async () => {
    const crashed = await runChild('crash')
    expect(crashed.result).toBe('exited')
    expect(crashed.out.endsWith(LEAVE_ALTERNATE_SCREEN)).toBe(true)
    expect(crashed.stderr).toContain('Error: boom in the emulator')
  }, 20_000)
})
