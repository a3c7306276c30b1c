import {useEffect, type Dispatch} from 'react'
import type {Happening} from '../feed/happening.js'
import type {ViewAction} from './view-state.js'
import type {ViewerSource} from './viewer-contract.js'

/** How often happenings are handed to the state: 15 times a second at most, however fast they come. */
export const FEED_FLUSH_MS = 66

/** Subscribes to the source while mounted; happenings reach the state in batches, the connection at once. */
export function useFeed(source: ViewerSource, dispatch: Dispatch<ViewAction>, flushMs = FEED_FLUSH_MS): void {
  useEffect(() => {
    let batch: Happening[] = []
    let timer: NodeJS.Timeout | null = null
    const flush = () => {
      if (timer) clearTimeout(timer)
      timer = null
      if (batch.length === 0) return
      const list = batch
      batch = []
      dispatch({type: 'happenings', list})
    }
    const stop = source.subscribe({
      happening(h) {
        batch.push(h)
        timer ??= setTimeout(flush, flushMs)
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
