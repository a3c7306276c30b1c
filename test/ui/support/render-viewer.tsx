import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {render} from 'ink-testing-library'
import type {ReactElement} from 'react'
import {onTestFinished} from 'vitest'
import {Clipboard, type ClipboardMode} from '../../../src/ui/clipboard.js'
import type {ViewOptions} from '../../../src/ui/view-state.js'
import {ViewerApp} from '../../../src/ui/ViewerApp.js'
import {KeyRouter} from '../../../src/ui/use-keys.js'
import {ViewerContext, type ViewerTools} from '../../../src/ui/viewer-context.js'
import type {FakeEmulator} from './fake-emulator.js'

/** Waits for Ink to take keys and render (ink-testing-library #29: keys written too soon are lost). */
export const tick = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms))

/** Waits until `check` returns true (or fails after `timeoutMs`). */
export async function until(check: () => boolean, what = 'a condition', timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`)
    await tick(10)
  }
}

/** Text without colour and style codes. */
export function plain(text: string | undefined): string {
  return (text ?? '').replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\u001b\][^\u0007]*\u0007/g, '')
}

/** Keys as a terminal sends them. */
export const KEY = {
  up: '\u001b[A',
  down: '\u001b[B',
  right: '\u001b[C',
  left: '\u001b[D',
  pageUp: '\u001b[5~',
  pageDown: '\u001b[6~',
  enter: '\r',
  escape: '\u001b',
  backspace: '\u007f',
  tab: '\t',
  ctrlC: '\u0003',
} as const

type Rendered = ReturnType<typeof render>

export interface Screen {
  readonly r: Rendered
  /** The last frame, colour codes stripped. */
  frame(): string
  /** Writes keys one at a time, waiting after each. */
  press(...keys: string[]): Promise<void>
  /** Types text (one key event). */
  type(text: string): Promise<void>
  /** Changes the terminal's size as a resize would. */
  resize(columns: number, rows: number): Promise<void>
  /** Renders another element in the same place (and context). */
  rerender(element: ReactElement): void
  /** Waits until the frame contains `text` (or fails with the frame). */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<string>
  quits: number
  clipboardDir: string
}

function setSize(r: Rendered, columns: number, rows: number): void {
  Object.defineProperty(r.stdout, 'columns', {configurable: true, get: () => columns})
  Object.defineProperty(r.stdout, 'rows', {configurable: true, get: () => rows})
  r.stdout.emit('resize')
}

/**
 * Waits for the viewer to settle after a key: React renders a key's update in a scheduler task
 * (Ink 6's root is not legacy), and keys read together are handed on 15 ms apart. Settled: no new
 * frame for 25 ms (at most a second).
 */
async function settle(r: Rendered): Promise<void> {
  const end = Date.now() + 1000
  let seen = -1
  await tick(25)
  while (r.frames.length !== seen && Date.now() < end) {
    seen = r.frames.length
    await tick(25)
  }
}

function screenOf(r: Rendered, clipboardDir: string, counter: {quits: number}, wrap: (e: ReactElement) => ReactElement = (e) => e): Screen {
  const frame = () => plain(r.lastFrame())
  return {
    r,
    frame,
    rerender: (element) => r.rerender(wrap(element)),
    async press(...keys) {
      for (const k of keys) {
        r.stdin.write(k)
        await settle(r)
      }
    },
    async type(text) {
      r.stdin.write(text)
      await settle(r)
    },
    async resize(columns, rows) {
      setSize(r, columns, rows)
      await tick()
    },
    async waitFor(text, timeoutMs = 2000) {
      const end = Date.now() + timeoutMs
      for (;;) {
        const f = frame()
        if (typeof text === 'string' ? f.includes(text) : text.test(f)) return f
        if (Date.now() > end) throw new Error(`Timed out waiting for ${String(text)} in:\n${f}`)
        await tick(10)
      }
    },
    get quits() {
      return counter.quits
    },
    clipboardDir,
  }
}

function clipboardFor(mode: ClipboardMode, writes: string[]): {clipboard: Clipboard; dir: string} {
  const dir = mkdtempSync(join(tmpdir(), 'junkmail-ui-test-'))
  onTestFinished(() => rmSync(dir, {recursive: true, force: true}))
  return {clipboard: new Clipboard({mode, env: {}, isTTY: mode === 'osc52', write: (s) => writes.push(s), dir}), dir}
}

/** Renders the whole viewer over a fake emulator at a terminal size, ready for keys. */
export async function renderViewer(
  fake: FakeEmulator,
  o: {columns?: number; rows?: number; color?: boolean; viewOptions?: Partial<ViewOptions>; clipboard?: ClipboardMode; osc?: string[]; title?: string} = {},
): Promise<Screen> {
  const counter = {quits: 0}
  const {clipboard, dir} = clipboardFor(o.clipboard ?? 'file', o.osc ?? [])
  const r = render(
    <ViewerApp
      source={fake.source}
      actions={fake}
      title={o.title ?? 'dev'}
      color={o.color ?? true}
      clipboard={clipboard}
      onQuit={() => counter.quits++}
      viewOptions={o.viewOptions}
      flushMs={5}
    />,
  )
  onTestFinished(() => r.unmount())
  const rows = o.rows ?? 30
  setSize(r, o.columns ?? 100, rows)
  const screen = screenOf(r, dir, counter)
  // Settled at its size: as many lines as the root is tall (rows - 1), and the effects run.
  const end = Date.now() + 2000
  while (screen.frame().split('\n').length !== rows - 1 && Date.now() < end) await tick(10)
  await tick(30)
  return screen
}

/** Renders one component inside the viewer's context (no whole app), with a fake's actions. */
export async function renderWithTools(fake: FakeEmulator, element: ReactElement, o: {color?: boolean; columns?: number; rows?: number; notices?: Array<[string, string]>} = {}): Promise<Screen> {
  const counter = {quits: 0}
  const {clipboard, dir} = clipboardFor('file', [])
  const tools: ViewerTools = {
    actions: fake,
    color: o.color ?? true,
    clipboard,
    notify: (level, text) => o.notices?.push([level, text]),
    quit: () => counter.quits++,
    setKeyHints: () => undefined,
  }
  const wrap = (e: ReactElement) => (
    <ViewerContext.Provider value={tools}>
      <KeyRouter>{e}</KeyRouter>
    </ViewerContext.Provider>
  )
  const r = render(wrap(element))
  onTestFinished(() => r.unmount())
  setSize(r, o.columns ?? 100, o.rows ?? 30)
  await tick(50)
  return screenOf(r, dir, counter, wrap)
}
