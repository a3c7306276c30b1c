import {useEffect, useRef, type Dispatch} from 'react'
import {needsAttempts} from './event-rows.js'
import type {ViewAction, ViewState} from './view-state.js'
import type {ViewerActions} from './viewer-contract.js'

/** The message of whatever an action rejected with. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/**
 * Does the I/O the state asks for: fetches each page it requests (one at a time; a late answer to
 * a replaced request is ignored by the reducer), and reads the detail of rows on screen that came
 * from a page, so they show their last attempt's status and duration.
 */
export function useEventWindow(actions: ViewerActions, state: ViewState, dispatch: Dispatch<ViewAction>): void {
  const request = state.request
  useEffect(() => {
    if (!request) return
    const page = request.before === undefined ? {limit: request.limit} : {before: request.before, limit: request.limit}
    actions.events(page).then(
      (events) => dispatch({type: 'page', request: request.id, events}),
      (error: unknown) => dispatch({type: 'page-failed', request: request.id, message: messageOf(error), time: new Date().toISOString()}),
    )
  }, [actions, dispatch, request])

  const asked = useRef(new Set<string>())
  useEffect(() => {
    asked.current.clear()
  }, [state.generation])
  const {visible, scrollTop, listHeight} = state
  useEffect(() => {
    if (asked.current.size > 10_000) asked.current.clear()
    for (const row of visible.slice(scrollTop, scrollTop + listHeight)) {
      if (!needsAttempts(row) || asked.current.has(row.id)) continue
      asked.current.add(row.id)
      actions.event(row.id).then(
        (detail) => dispatch({type: 'detail', detail}),
        () => {
          // The row keeps showing what the page said; the detail view will say what went wrong.
        },
      )
    }
  }, [actions, dispatch, visible, scrollTop, listHeight])
}
