import {format} from 'node:util'
import type {NoticeLevel} from './view-state.js'

/** Lines the rest of the process wrote while the viewer had the screen, as notices. */
export interface OutputTap {
  /** Calls `listener` for each line (and first for those written before); returns a function that stops. */
  subscribe(listener: (text: string, level: NoticeLevel) => void): () => void
}

const METHODS = {log: 'info', info: 'info', debug: 'info', warn: 'warn', error: 'error'} as const

/**
 * Takes over `console.*` (and `process.stderr` when it is the viewer's terminal) so that what the
 * process writes shows inside the viewer instead of over it. `restore()` puts everything back.
 */
export class OutputCapture implements OutputTap {
  #listener: ((text: string, level: NoticeLevel) => void) | null = null
  #early: Array<[string, NoticeLevel]> = []
  #restore: Array<() => void> = []
  #emitting = false

  constructor(options: {readonly stderr?: NodeJS.WriteStream | null} = {}) {
    for (const [method, level] of Object.entries(METHODS) as Array<[keyof typeof METHODS, NoticeLevel]>) {
      const original = console[method]
      console[method] = (...args: unknown[]) => this.#emit(format(...args), level)
      this.#restore.push(() => {
        console[method] = original
      })
    }
    const stderr = options.stderr
    if (stderr) {
      const write = stderr.write
      stderr.write = ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
        this.#emit(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'), 'warn')
        const done = typeof encoding === 'function' ? encoding : callback
        if (typeof done === 'function') process.nextTick(done as () => void)
        return true
      }) as typeof stderr.write
      this.#restore.push(() => {
        stderr.write = write
      })
    }
  }

  subscribe(listener: (text: string, level: NoticeLevel) => void): () => void {
    this.#listener = listener
    for (const [text, level] of this.#early.splice(0)) listener(text, level)
    return () => {
      if (this.#listener === listener) this.#listener = null
    }
  }

  /** Gives `console` and stderr back. */
  restore(): void {
    for (const undo of this.#restore.splice(0).reverse()) undo()
  }

  #emit(text: string, level: NoticeLevel): void {
    // A listener that itself logs (React warning about the update it makes) is not fed back.
    if (this.#emitting) return
    this.#emitting = true
    try {
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue
        if (this.#listener) this.#listener(line, level)
        else if (this.#early.length < 100) this.#early.push([line, level])
      }
    } finally {
      this.#emitting = false
    }
  }
}
