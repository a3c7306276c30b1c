import {useEffect, type Dispatch} from 'react'
import type {Happening} from '../feed/happening.js'
import type {ViewAction} from './view-state.js'
import type {ViewerSource} from './viewer-contract.js'

/** How often happenings are handed to the state: 15 times a second at most, however fast they come. */
export const FEED_FLUSH_MS = 66
/**
 * Under load (the last batch held this many happenings or more) 10 times a second: each batch is a
 * frame, and at thousands of events a second the frames' CPU is taken from the dispatcher beside
 * the viewer (bench/tui.js).
 */
export const BUSY_BATCH = 64
export const BUSY_FLUSH_MS = 100

/** Subscribes to the source while mounted; happenings reach the state in batches, the connection at once. */
export function useFeed(source: ViewerSource, dispatch: Dispatch<ViewAction>, flushMs = FEED_FLUSH_MS): void {
  useEffect(() => {
    let batch: Happening[] = []
    let timer: NodeJS.Timeout | null = null
    let busy = false
    const flush = () => {
      if (timer) clearTimeout(timer)
      timer = null
      busy = batch.length >= BUSY_BATCH
      if (batch.length === 0) return
      const list = batch
      batch = []
      dispatch({type: 'happenings', list})
    }
    const stop = source.subscribe({
      happening(h) {
        batch.push(h)
        timer ??= setTimeout(flush, busy ? Math.max(flushMs, BUSY_FLUSH_MS) : flushMs)
      },
      connection(state) {
        flush()
        dispatch({type: 'connection', state, time: new Date().toISOString()})
      },
    })
    return () => {
      stop()
      if (timer) clearTimeout(timer)
    }
  }, [source, dispatch, flushMs])
}
