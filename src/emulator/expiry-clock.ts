import type {EmulatorClock} from '../clock/emulator-clock.js'

/** Calls `onDue(id)` when each scheduled emulator time comes (timers of the emulator's clock). */
export class ExpiryClock {
  readonly #clock: EmulatorClock
  readonly #onDue: (id: string) => void | Promise<unknown>
  #pending = 0

  constructor(clock: EmulatorClock, onDue: (id: string) => void | Promise<unknown>) {
    this.#clock = clock
    this.#onDue = onDue
  }

  /** Expiries scheduled and not yet come. */
  get size(): number {
    return this.#pending
  }

  /** Calls `onDue(id)` at emulator time `at` (on a later turn if it has come). */
  schedule(id: string, at: number): void {
    this.#pending++
    this.#clock.setTimer(at, () => {
      this.#pending--
      return this.#onDue(id)
    })
  }
}
