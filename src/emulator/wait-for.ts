import type {EmulatorContext} from './emulator-context.js'

/** What a wait is for, and what it saw when it ended. */
export interface WaitResult<T> {
  readonly met: boolean
  readonly value: T | undefined
  /** What was seen, in words (for a timeout: how far it got). */
  readonly seen: string
}

/**
 * Resolves once `check` returns `{met: true}`: checked at once, then after every happening of the
 * emulator (an event, an attempt, a webhook change…), and when emulator time is advanced; or after
 * `timeoutMs` of real time with the last thing seen. Never polls.
 */
export function waitFor<T>(
  ctx: EmulatorContext,
  check: () => {met: boolean; value?: T; seen: string},
  timeoutMs: number,
): Promise<WaitResult<T>> {
  return new Promise((resolve) => {
    let last = check()
    if (last.met) return resolve({met: true, value: last.value, seen: last.seen})
    let scheduled = false
    const finish = (met: boolean) => {
      clearTimeout(timer)
      unsubscribe()
      resolve({met, value: last.value, seen: last.seen})
    }
    // Checked once per turn of the event loop however many happenings came in it.
    const recheck = () => {
      if (scheduled) return
      scheduled = true
      setImmediate(() => {
        scheduled = false
        last = check()
        if (last.met) finish(true)
      })
    }
    const unsubscribe = ctx.feed.subscribe(recheck)
    const timer = setTimeout(() => {
      last = check()
      finish(last.met)
    }, timeoutMs)
  })
}
