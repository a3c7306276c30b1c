import {Fifo} from './due-queue.js'

/** Limits of {@link FairQueue}. */
export interface FairQueueLimits {
  /** Attempts in flight at once to one origin. */
  readonly perOrigin: number
  /** Attempts in flight at once in all; an origin below its fair share of them may still start one. */
  readonly total: number
}

interface Origin {
  readonly name: string
  readonly ready: Fifo<string>
  inFlight: number
  /** In the round-robin turn list. */
  queued: boolean
}

/**
 * Deliveries due now, by origin, handed out one origin at a time in turn (round-robin), so a
 * backlog on one origin never holds back another. An origin has at most `perOrigin` attempts in
 * flight. Once `total` are in flight, only an origin below its fair share (`total` divided by the
 * origins with work, at least 1) may start one more: one origin can never hold every slot, and at
 * most about twice `total` are ever in flight.
 */
export class FairQueue {
  readonly #limits: FairQueueLimits
  readonly #origins = new Map<string, Origin>()
  /** Origins with ready deliveries, in turn order; each at most once. */
  readonly #turns = new Fifo<Origin>()
  #inFlight = 0
  #ready = 0

  constructor(limits: FairQueueLimits) {
    this.#limits = limits
  }

  /** Attempts taken and not yet released. */
  get inFlight(): number {
    return this.#inFlight
  }

  /** Deliveries waiting for their turn. */
  get size(): number {
    return this.#ready
  }

  /** Attempts in flight to one origin. */
  inFlightTo(origin: string): number {
    return this.#origins.get(origin)?.inFlight ?? 0
  }

  /** Adds a delivery due now, to be sent to `origin`. */
  push(origin: string, id: string): void {
    let o = this.#origins.get(origin)
    if (!o) {
      o = {name: origin, ready: new Fifo<string>(), inFlight: 0, queued: false}
      this.#origins.set(origin, o)
    }
    o.ready.push(id)
    this.#ready++
    this.#enqueue(o)
  }

  /**
   * The next delivery that may be sent now, counted in flight until {@link release}; undefined
   * when every origin with ready deliveries is at its limit.
   */
  take(): {origin: string; id: string} | undefined {
    for (let turns = this.#turns.size; turns > 0; turns--) {
      const o = this.#turns.shift()
      if (o.inFlight >= this.#limits.perOrigin) {
        o.queued = false // back in turn when one of its attempts ends
        continue
      }
      if (this.#inFlight >= this.#limits.total && o.inFlight >= this.#fairShare()) {
        this.#turns.push(o) // keeps its place in the round
        continue
      }
      const id = o.ready.shift()
      this.#ready--
      o.inFlight++
      this.#inFlight++
      if (o.ready.size > 0) this.#turns.push(o)
      else o.queued = false
      return {origin: o.name, id}
    }
    return undefined
  }

  /** An attempt taken for `origin` has ended. */
  release(origin: string): void {
    const o = this.#origins.get(origin)
    if (!o || o.inFlight === 0) return
    o.inFlight--
    this.#inFlight--
    if (o.ready.size > 0) this.#enqueue(o)
    else if (o.inFlight === 0) this.#origins.delete(origin)
  }

  #enqueue(o: Origin): void {
    if (o.queued) return
    o.queued = true
    this.#turns.push(o)
  }

  #fairShare(): number {
    return Math.max(1, Math.floor(this.#limits.total / this.#origins.size))
  }
}
