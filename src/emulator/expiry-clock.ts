import {DueQueue} from '../dispatch/due-queue.js'

/** Calls `onDue(id)` when each scheduled time comes (one timer for all, like the dispatcher's). */
export class ExpiryClock {
  readonly #queue = new DueQueue()
  readonly #onDue: (id: string) => void
  #timer: NodeJS.Timeout | null = null
  #timerAt = Number.POSITIVE_INFINITY
  #stopped = false

  constructor(onDue: (id: string) => void) {
    this.#onDue = onDue
  }

  /** Expiries scheduled and not yet come. */
  get size(): number {
    return this.#queue.size
  }

  schedule(id: string, at: number): void {
    if (this.#stopped) return
    this.#queue.push(id, at)
    this.#arm()
  }

  stop(): void {
    this.#stopped = true
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
  }

  #arm(): void {
    const next = this.#queue.peek()
    if (next === undefined || next >= this.#timerAt) return
    if (this.#timer) clearTimeout(this.#timer)
    this.#timerAt = next
    // setTimeout caps at ~24.8 days; re-arm in steps for longer lifetimes.
    this.#timer = setTimeout(() => this.#fire(), Math.min(2 ** 31 - 1, Math.max(0, next - Date.now())))
  }

  #fire(): void {
    this.#timer = null
    this.#timerAt = Number.POSITIVE_INFINITY
    if (this.#stopped) return
    for (const id of this.#queue.popDue(Date.now())) this.#onDue(id)
    this.#arm()
  }
}
