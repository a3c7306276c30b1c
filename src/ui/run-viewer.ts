import type {ClipboardMode} from './clipboard.js'
import {enterAlternateScreen} from './alternate-screen.js'
import {OutputCapture} from './output-capture.js'
import type {ViewerActions, ViewerSource} from './viewer-contract.js'

// The one entry point of the TUI. Static imports here are small and Ink-free: `junkmail dev` and
// `watch` may import this module on every start; Ink, React and the components load only when
// the viewer actually runs.

export interface RunViewerOptions {
  /** The live feed (in-process for `dev`, the stream for `watch`). */
  readonly source: ViewerSource
  /** What the viewer may ask and do. */
  readonly actions: ViewerActions
  /** @default process.stdin (must be a terminal: keys need raw mode) */
  readonly stdin?: NodeJS.ReadStream
  /** @default process.stdout (must be a terminal) */
  readonly stdout?: NodeJS.WriteStream
  /** Shown after "junkmail" in the header, e.g. `dev` or `watch`. */
  readonly title?: string
  /** Closes the viewer from outside (the emulator stopped, the caller's own shutdown). */
  readonly signal?: AbortSignal
  /** How `y` and `c` copy (see clipboard.ts); env JUNKMAIL_CLIPBOARD overrides. @default 'auto' */
  readonly clipboard?: ClipboardMode
  /**
   * Show what the rest of the process writes with `console.*` (and to stderr, when that is the
   * terminal too) inside the viewer instead of over it. @default true
   */
  readonly captureOutput?: boolean
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv
}

/**
 * Frames a second at most. Happenings are applied 15 times a second (use-feed), so under load the
 * list redraws about that often whatever this is; the cap only decides how long a key waits for
 * its frame: at 15 a key waited up to 66 ms behind the last redraw (p95 120 ms at 200 events/s,
 * bench/tui.js), at 30 up to 33 ms, for the same CPU (the redraws are the happenings').
 */
export const MAX_FPS = 30
// Ink's incrementalRendering (only changed lines written) is left off: in tmux it left stale lines
// on screen after a resize.

/** The viewer cannot run on these streams (the caller prints plain lines instead). */
export class ViewerUnavailableError extends Error {
  override name = 'ViewerUnavailableError'
}

const ciSet = (env: NodeJS.ProcessEnv, key: string) => key in env && env[key] !== '0' && env[key] !== 'false'

/**
 * Why the viewer cannot run with these streams, or null when it can: both must be terminals (keys
 * need raw mode on stdin), `CI` must be unset (Ink then draws only the last frame), `TERM` not `dumb`.
 */
export function viewerUnavailable(o: {readonly stdin?: NodeJS.ReadStream; readonly stdout?: NodeJS.WriteStream; readonly env?: NodeJS.ProcessEnv} = {}): string | null {
  const stdin = o.stdin ?? process.stdin
  const stdout = o.stdout ?? process.stdout
  const env = o.env ?? process.env
  if (stdout.isTTY !== true) return 'stdout is not a terminal'
  if (stdin.isTTY !== true || typeof stdin.setRawMode !== 'function') return 'stdin is not a terminal (keys need raw mode)'
  if (ciSet(env, 'CI') || ciSet(env, 'CONTINUOUS_INTEGRATION')) return 'CI is set'
  if (env.TERM === 'dumb') return 'TERM is dumb'
  return null
}

/** Colours unless `NO_COLOR` is set (to anything but '') or `FORCE_COLOR` is 0. */
export function colorWanted(env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false'
}

/**
 * Runs the event viewer full screen until the user quits (q, Ctrl+C), `signal` aborts, the process
 * gets SIGINT, SIGTERM or SIGHUP, or the terminal goes away; then resolves. The caller then stops
 * the emulator (the viewer never exits the process). Rejects with {@link ViewerUnavailableError}
 * before touching the terminal when it cannot run there, and with the error if rendering fails.
 * On every way out the normal screen, the cursor and cooked mode are restored.
 */
export async function runViewer(options: RunViewerOptions): Promise<void> {
  const stdin = options.stdin ?? process.stdin
  const stdout = options.stdout ?? process.stdout
  const env = options.env ?? process.env
  const why = viewerUnavailable({stdin, stdout, env})
  if (why) throw new ViewerUnavailableError(`The event viewer cannot run here: ${why}`)
  const color = colorWanted(env)
  // chalk (inside Ink) ignores NO_COLOR and settles its colour level when it is first loaded.
  if (!color) process.env.FORCE_COLOR = '0'
  // React's development build (what an unset NODE_ENV loads) keeps a stack for every element it
  // creates: at 200 events/s it took 4 times the memory (1 GB after 12 s) and twice the CPU.
  process.env.NODE_ENV ??= 'production'
  const [{render}, {createElement}, {ViewerApp}, {Clipboard}] = await Promise.all([import('ink'), import('react'), import('./ViewerApp.js'), import('./clipboard.js')])
  if (options.signal?.aborted) return

  const clipboard = new Clipboard({mode: options.clipboard ?? 'auto', env, isTTY: stdout.isTTY === true, write: (s) => stdout.write(s)})
  const capture = options.captureOutput === false ? null : new OutputCapture({stderr: process.stderr.isTTY ? process.stderr : null})
  const leaveScreen = enterAlternateScreen(stdout, stdin)
  const undo: Array<() => void> = []
  try {
    await new Promise<void>((resolve, reject) => {
      let instance: {unmount(): void} | null = null
      let closing = false
      const close = () => {
        if (closing) return
        closing = true
        // Not inside the key handler that asked for it: Ink unmounts between events.
        setImmediate(() => instance?.unmount())
      }
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
        process.on(signal, close)
        undo.push(() => process.off(signal, close))
      }
      options.signal?.addEventListener('abort', close)
      undo.push(() => options.signal?.removeEventListener('abort', close))
      stdout.on('error', close)
      undo.push(() => stdout.off('error', close))
      const app = createElement(ViewerApp, {
        source: options.source,
        actions: options.actions,
        title: options.title,
        color,
        clipboard,
        onQuit: close,
        output: capture ?? undefined,
      })
      const ink = render(app, {stdout, stdin, exitOnCtrlC: false, patchConsole: false, maxFps: MAX_FPS})
      instance = ink
      ink.waitUntilExit().then(() => resolve(), reject)
    })
  } finally {
    for (const u of undo) u()
    capture?.restore()
    leaveScreen()
  }
}
