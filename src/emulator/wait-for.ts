import {findMailbox} from './mail-catcher.js'
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

/** One thing to wait for (exactly one of event, deliveryId, mailbox, webhookId). */
export type WaitCondition =
  | {readonly event: string; readonly count?: number; readonly deliveryId?: undefined; readonly mailbox?: undefined; readonly webhookId?: undefined}
  | {readonly deliveryId: string; readonly status?: 'succeeded' | 'failed' | 'settled'; readonly event?: undefined; readonly mailbox?: undefined; readonly webhookId?: undefined}
  | {readonly mailbox: string; readonly messages?: number; readonly event?: undefined; readonly deliveryId?: undefined; readonly webhookId?: undefined}
  | {readonly webhookId: string; readonly disabled: true; readonly event?: undefined; readonly deliveryId?: undefined; readonly mailbox?: undefined}

/** The check for one `wait` condition: met or not, and what is seen, in words. */
export function waitCondition(ctx: EmulatorContext, w: WaitCondition): () => {met: boolean; seen: string} {
  const {store} = ctx
  if (w.event !== undefined) {
    const count = w.count ?? 1
    return () => {
      const n = store.listEvents({type: w.event, limit: count}).length
      return {met: n >= count, seen: `${n} ${w.event} event${n === 1 ? '' : 's'} (waiting for ${count})`}
    }
  }
  if (w.deliveryId !== undefined) {
    const status = w.status ?? 'settled'
    return () => {
      const d = store.getDelivery(w.deliveryId!)
      if (!d) return {met: false, seen: `no delivery with id ${w.deliveryId}`}
      const met = status === 'settled' ? d.status !== 'pending' : d.status === status
      return {met, seen: `delivery ${d.id} is ${d.status} after ${d.attemptCount} attempt${d.attemptCount === 1 ? '' : 's'} (waiting for ${status})`}
    }
  }
  if (w.mailbox !== undefined) {
    const count = w.messages ?? 1
    return () => {
      const box = findMailbox(ctx, w.mailbox!)
      const n = box ? ctx.provider.catcher!.messages(ctx, box.id).length : 0
      return {met: n >= count, seen: box ? `${n} message${n === 1 ? '' : 's'} at ${box.email} (waiting for ${count})` : `no mailbox ${w.mailbox} yet (waiting for ${count} messages there)`}
    }
  }
  return () => {
    const hook = store.getWebhook(w.webhookId!)
    if (!hook) return {met: false, seen: `no webhook with id ${w.webhookId}`}
    return {met: !hook.enabled, seen: `webhook ${hook.id} is ${hook.enabled ? `enabled (${hook.failedDeliveries ?? 0} failed deliveries in a row)` : 'disabled'} (waiting for it to be disabled)`}
  }
}
