import {useEffect, useRef, useState, type Dispatch} from 'react'
import {messageOf} from './use-event-window.js'
import type {ViewAction} from './view-state.js'
import type {ConnectionState, EmulatorStatus, ViewerActions, ViewerSource} from './viewer-contract.js'

/** How often the header's counts are asked again while things happen. */
const STATUS_EVERY_MS = 1000

/**
 * The emulator's status for the header (asked at start, at every connect, and at most once a
 * second while happenings come in), and its webhooks for the state (at start and for every new run).
 */
export function useEmulatorFacts(
  source: ViewerSource,
  actions: ViewerActions,
  dispatch: Dispatch<ViewAction>,
  watch: {readonly connection: ConnectionState | null; readonly statusRevision: number; readonly generation: number},
): EmulatorStatus | null {
  const [status, setStatus] = useState<EmulatorStatus | null>(null)
  const timer = useRef<NodeJS.Timeout | null>(null)
  const alive = useRef(true)
  useEffect(() => {
    alive.current = true
    return () => {
      alive.current = false
      if (timer.current) clearTimeout(timer.current)
    }
  }, [])

  const ask = () => {
    source.status().then(
      (s) => alive.current && setStatus(s),
      () => {
        // The header keeps the last status; the connection line says when the emulator is away.
      },
    )
  }

  const connected = watch.connection?.state === 'connected'
  useEffect(() => {
    if (connected || watch.connection === null) ask()
  }, [connected, watch.connection])

  useEffect(() => {
    if (watch.statusRevision === 0 || timer.current) return
    timer.current = setTimeout(() => {
      timer.current = null
      ask()
    }, STATUS_EVERY_MS)
  }, [watch.statusRevision])

  useEffect(() => {
    actions.webhooks().then(
      (list) => alive.current && dispatch({type: 'webhooks', list}),
      (error: unknown) => alive.current && dispatch({type: 'notice', level: 'error', text: `Could not list webhooks: ${messageOf(error)}`, time: new Date().toISOString()}),
    )
  }, [actions, dispatch, watch.generation])

  return status
}
