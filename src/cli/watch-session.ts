import type {Happening} from '../feed/happening.js'
import type {StreamTarget} from '../ui/sources/stream-source.js'
import type {ConnectionState, ViewerActions, ViewerSource} from '../ui/viewer-contract.js'
import {happeningLine} from './happening-line.js'
import {oneLine} from './terminal-text.js'

/** Options of one `junkmail watch`. */
export interface WatchOptions {
  /** The emulator found at the start. */
  readonly target: StreamTarget
  /** Finds it again before each reconnect (not given with `--api-url`: the same URL is tried again). */
  readonly locate?: () => Promise<StreamTarget>
  /** Start after this seq of the emulator's current run (0: all its feed holds). @default from now on */
  readonly since?: number
  /** NDJSON (one happening per line) instead of log lines. */
  readonly json: boolean
  /** Try the terminal viewer (only where it can run: see {@link runWatch}). */
  readonly tui: boolean
  /** Where happenings go. @default process.stdout */
  readonly out?: NodeJS.WritableStream
  /** Where connection news goes. @default process.stderr */
  readonly err?: NodeJS.WritableStream
  /** Aborting it ends the watch. */
  readonly signal: AbortSignal
}

/** The terminal viewer's entry point (src/ui/run-viewer): it resolves when the user quits or `signal` aborts. */
export type RunViewer = (options: {source: ViewerSource; actions: ViewerActions; signal: AbortSignal}) => Promise<void>

/** The stream could not be resumed and no retry would change that (a refused key, a bad `--since`). */
export class WatchError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'WatchError'
  }
}

/**
 * Follows a running emulator until `signal` aborts: in the terminal viewer when stdin and stdout
 * are terminals, `CI` is unset, neither `json` nor `tui: false` is asked and the viewer is built
 * in; otherwise one line per happening on `out` (text as `junkmail dev` prints it, or NDJSON),
 * with disconnections and reconnections said on `err`. Rejects with a {@link WatchError} when the
 * emulator refuses the stream for good.
 */
export async function runWatch(options: WatchOptions): Promise<void> {
  const {streamSource} = await import('../ui/sources/stream-source.js')
  const source = streamSource({...options.target, locate: options.locate, since: options.since})
  const viewer = options.tui && !options.json ? await terminalViewer() : null
  if (viewer) {
    const [{ApiClient}, {httpActions}] = await Promise.all([import('./api-client.js'), import('../ui/sources/http-actions.js')])
    return viewer({source, actions: httpActions(() => new ApiClient(source.target.apiUrl, source.target.apiKey)), signal: options.signal})
  }
  return printLines(source, () => source.target.apiUrl, options)
}

/** The Ink viewer, when this is a terminal it can drive (stdin and stdout terminals, CI unset); null otherwise. */
async function terminalViewer(): Promise<RunViewer | null> {
  const {runViewer, viewerUnavailable} = await import('../ui/run-viewer.js')
  if (viewerUnavailable() !== null) return null
  return (options) => runViewer({...options, title: 'watch'})
}

/** The plain tail: one line per happening, batched into one write per turn of the event loop. */
function printLines(source: ViewerSource, apiUrl: () => string, options: WatchOptions): Promise<void> {
  const out = options.out ?? process.stdout
  const err = options.err ?? process.stderr
  let pending: string[] = []
  let scheduled: NodeJS.Immediate | null = null
  const flush = () => {
    scheduled = null
    if (pending.length === 0) return
    const text = pending.join('')
    pending = []
    out.write(text)
  }
  const print = (h: Happening) => {
    pending.push((options.json ? JSON.stringify(h) : happeningLine(h)) + '\n')
    scheduled ??= setImmediate(flush)
  }
  const say = (text: string) => err.write(oneLine(text) + '\n')
  return new Promise<void>((resolve, reject) => {
    let connectedOnce = false
    let down = false
    let stop = () => {}
    const finish = (error?: Error) => {
      stop()
      if (scheduled) clearImmediate(scheduled)
      flush()
      options.signal.removeEventListener('abort', onAbort)
      if (error) reject(error)
      else resolve()
    }
    const onAbort = () => finish()
    const connection = (state: ConnectionState) => {
      if (state.state === 'connected') {
        if (!connectedOnce) say(`Watching ${apiUrl()} (Ctrl+C to stop)`)
        else if (state.fresh) say(`Reconnected to ${apiUrl()}: a new run of the emulator (restarted, or too far behind to resume); its happenings follow from the start it still holds`)
        else say(`Reconnected to ${apiUrl()}: nothing missed`)
        connectedOnce = true
        down = false
        return
      }
      if (state.retryInMs === null) return finish(new WatchError(`the emulator at ${apiUrl()} refused the stream: ${state.reason}`))
      // Once per outage: the retries that follow are silent until it is back.
      if (!down) say(`Disconnected from ${apiUrl()}: ${state.reason}. Reconnecting…`)
      down = true
    }
    if (options.signal.aborted) return resolve()
    options.signal.addEventListener('abort', onAbort, {once: true})
    stop = source.subscribe({happening: print, connection})
  })
}
