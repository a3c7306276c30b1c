import {DueQueue} from '../dispatch/due-queue.js'
import {parseDuration} from './duration.js'

/** Options of an {@link EmulatorClock}. */
export interface ClockOptions {
  /** How many times faster than documented delays play out while time runs by itself. @default 60 */
  readonly scale?: number
  /** Time moves only when advanced (`--clock manual`): nothing happens by itself. @default false */
  readonly manual?: boolean
  /** Where emulator time starts in manual mode, ms. @default the wall clock at creation */
  readonly startAt?: number
}

type TimerFn = () => void | Promise<unknown>

/** Where the clock stands, as `GET /_emulator/v1/clock` (and the status) answer it. */
export interface ClockState {
  readonly mode: 'real' | 'manual'
  /** Emulator time, ISO-8601. */
  readonly now: string
  /** Real time, ISO-8601. */
  readonly wallNow: string
  /** How far emulator time is ahead of the wall clock, ms. */
  readonly offsetMs: number
  readonly timeScale: number
}

/**
 * The emulator's one clock. Emulator time is the wall clock plus what `advance` added (in manual
 * mode: only what `advance` added, from where it started). Every schedule (retries, address
 * expiries, a provider's timed work) sets its timers here, in emulator time; `advance` moves time
 * forward through them in order, running each at its own time and waiting for the work it starts
 * (an attempt to its end) before the next, so a test walks hours of schedule in milliseconds. The
 * wall clock still times what really happens: attempt deadlines, signature timestamps, durations.
 */
export class EmulatorClock {
  readonly scale: number
  readonly manual: boolean
  #offset = 0
  #frozen: number
  readonly #queue = new DueQueue()
  readonly #timers = new Map<string, {at: number; fn: TimerFn}>()
  readonly #work = new Set<Promise<unknown>>()
  #nextId = 0
  #timer: NodeJS.Timeout | null = null
  #timerAt = Number.POSITIVE_INFINITY
  #advancing: Promise<void> = Promise.resolve()
  #inAdvance = false
  #stopped = false

  constructor(options: ClockOptions = {}) {
    const scale = options.scale ?? 60
    if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`time scale must be a positive number, got ${scale}`)
    this.scale = scale
    this.manual = options.manual ?? false
    this.#frozen = options.startAt ?? Date.now()
  }

  /** Emulator time, ms since the epoch. */
  now(): number {
    return this.manual ? this.#frozen : Date.now() + this.#offset
  }

  /** Real time, ms since the epoch. */
  wallNow(): number {
    return Date.now()
  }

  /** How far emulator time is ahead of the wall clock, ms. */
  get offsetMs(): number {
    return this.now() - Date.now()
  }

  /** Where it stands. */
  state(): ClockState {
    const wall = Date.now()
    const now = this.now()
    return {mode: this.manual ? 'manual' : 'real', now: new Date(now).toISOString(), wallNow: new Date(wall).toISOString(), offsetMs: now - wall, timeScale: this.scale}
  }

  /**
   * The emulator duration of a documented delay: divided by the time scale while time runs by
   * itself; as documented in manual mode, where nothing waits in real time and `advance` walks it.
   */
  scaled(ms: number): number {
    return this.manual ? ms : ms / this.scale
  }

  /** Runs `fn` when emulator time reaches `at` (at once, on a later turn, if it has); returns what cancels it. */
  setTimer(at: number, fn: TimerFn): () => void {
    if (this.#stopped) return () => {}
    const id = String(this.#nextId++)
    this.#timers.set(id, {at, fn})
    this.#queue.push(id, at)
    this.#arm()
    return () => {
      this.#timers.delete(id)
    }
  }

  /** Work started by a timer (an attempt, say): `advance` waits for it before it moves on. */
  track(work: Promise<unknown>): void {
    this.#work.add(work)
    void work.then(
      () => this.#work.delete(work),
      () => this.#work.delete(work),
    )
  }

  /**
   * Moves emulator time forward by `ms`, running every timer due on the way at its own time, in
   * order, and waiting for the work each starts (and the timers that work sets, if due) before
   * the next. Resolves once time is `now + ms` and nothing due is left. Calls queue up. Takes ms,
   * or text: `90s`, `30m`, `2h`, `1h30m`.
   */
  advance(duration: number | string): Promise<void> {
    let ms: number
    try {
      ms = typeof duration === 'number' ? duration : parseDuration(duration)
    } catch (error) {
      return Promise.reject(error)
    }
    if (!(ms >= 0) || !Number.isFinite(ms)) return Promise.reject(new RangeError(`advance needs a duration of 0 ms or more, got ${ms}`))
    const run = this.#advancing.then(() => this.#advance(ms))
    this.#advancing = run.catch(() => {})
    return run
  }

  /** Stops every timer (the emulator is stopping). */
  stop(): void {
    this.#stopped = true
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    this.#timers.clear()
    this.#queue.clear()
  }

  async #advance(ms: number): Promise<void> {
    const target = this.now() + ms
    this.#inAdvance = true
    try {
      for (;;) {
        await this.#settle()
        const next = this.#queue.peek()
        if (next === undefined || next > target || this.#stopped) break
        this.#setNow(Math.max(next, this.now()))
        this.#fireDue()
      }
      if (this.now() < target) this.#setNow(target)
      await this.#settle()
    } finally {
      this.#inAdvance = false
      this.#arm()
    }
  }

  /** Waits until the work timers started has ended, then a turn more for what it set off. */
  async #settle(): Promise<void> {
    for (let round = 0; round < 1000; round++) {
      await new Promise((resolve) => setImmediate(resolve))
      if (this.#work.size === 0) return
      await Promise.allSettled([...this.#work])
    }
  }

  #setNow(at: number): void {
    if (this.manual) this.#frozen = at
    else this.#offset = at - Date.now()
  }

  #fireDue(): void {
    for (const id of this.#queue.popDue(this.now())) {
      const timer = this.#timers.get(id)
      if (!timer) continue
      this.#timers.delete(id)
      const result = timer.fn()
      if (result instanceof Promise) this.track(result)
    }
  }

  #arm(): void {
    if (this.manual || this.#stopped || this.#inAdvance) return
    // Cancelled timers leave their entries in the queue: they are skipped when due.
    const next = this.#queue.peek()
    if (next === undefined || next >= this.#timerAt) return
    if (this.#timer) clearTimeout(this.#timer)
    this.#timerAt = next
    // setTimeout caps at ~24.8 days: a later time is re-armed in steps.
    this.#timer = setTimeout(() => this.#onTimer(), Math.min(2 ** 31 - 1, Math.max(0, next - this.now())))
  }

  #onTimer(): void {
    this.#timer = null
    this.#timerAt = Number.POSITIVE_INFINITY
    if (this.#inAdvance) return
    this.#fireDue()
    this.#arm()
  }
}
