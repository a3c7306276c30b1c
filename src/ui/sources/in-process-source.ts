import type {RunningEmulator} from '../../emulator/start-emulator.js'
import type {Happening} from '../../feed/happening.js'
import type {ViewerSource} from '../viewer-contract.js'

/**
 * A {@link ViewerSource} over an emulator in this process (`junkmail dev`): its feed, from `since`
 * (default 0: the whole run, as far as the feed still holds it, starting with the start's notices).
 * Happenings are handed over in batches once per turn of the event loop, never from inside the
 * emulator's own work; the connection is `connected` (fresh) once and never drops.
 */
export function inProcessSource(emulator: Pick<RunningEmulator, 'apiKey' | 'feed' | 'status'>, options: {since?: number} = {}): ViewerSource {
  return {
    apiKey: emulator.apiKey,
    status: async () => emulator.status(),
    subscribe(handlers) {
      const feed = emulator.feed
      let queue: Happening[] = [...feed.since(Math.min(options.since ?? 0, feed.latestSeq)).happenings]
      let connected = false
      let stopped = false
      let scheduled: NodeJS.Immediate | null = null
      const flush = () => {
        scheduled = null
        if (stopped) return
        if (!connected) {
          connected = true
          handlers.connection({state: 'connected', fresh: true})
        }
        const batch = queue
        queue = []
        for (const h of batch) {
          if (stopped) return
          handlers.happening(h)
        }
      }
      const unsubscribe = feed.subscribe((h) => {
        queue.push(h)
        scheduled ??= setImmediate(flush)
      })
      scheduled = setImmediate(flush)
      return () => {
        stopped = true
        unsubscribe()
        if (scheduled) clearImmediate(scheduled)
      }
    },
  }
}
