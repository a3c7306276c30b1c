import {Box, Text} from 'ink'
import {useEffect, useMemo, useRef, useState, type Dispatch} from 'react'
import {oneLine} from '../cli/terminal-text.js'
import {attemptEntries, detailText, latestAttemptIndex, type AttemptEntry} from './detail-lines.js'
import {commonKey, type ViewerCommand} from './list-keys.js'
import {scrollPosition, ScrollView} from './ScrollView.js'
import {messageOf} from './use-event-window.js'
import {useKeys} from './use-keys.js'
import {useScroll} from './use-scroll.js'
import type {ViewAction} from './view-state.js'
import {useViewer} from './viewer-context.js'
import type {EventDetail as Detail} from './viewer-contract.js'

/** What the detail has selected, for the commands (`c` copies this attempt as curl, `r` resends to its webhook). */
export interface DetailSelection {
  readonly detail: Detail
  readonly entry: AttemptEntry | null
}

export interface EventDetailProps {
  readonly eventId: string
  /** The list row's revision: when it moves (an attempt finished), the detail is read again. */
  readonly revision: number
  readonly width: number
  readonly height: number
  /** Has the keys (beside the list, Tab moves them). */
  readonly focused: boolean
  /** Makes the detail render again (countdowns are computed from the clock when it renders). */
  readonly now: number
  readonly dispatch: Dispatch<ViewAction>
  readonly onCommand: (command: ViewerCommand) => void
  readonly onSelection: (selection: DetailSelection | null) => void
  /** The list's `#n` labels of webhooks. */
  readonly labels?: ReadonlyMap<string, string>
}

/** How soon a changed event is read again (attempts can finish many times a second). */
const RELOAD_MS = 250

/**
 * An event in full: its payload, the attempt timeline of each delivery, and the selected attempt's
 * request and response. ↑↓ scroll, ←→ choose the attempt, Esc goes back.
 */
export function EventDetail({eventId, revision, width, height, focused, now, dispatch, onCommand, onSelection, labels}: EventDetailProps) {
  const {actions, color} = useViewer()
  const [detail, setDetail] = useState<Detail | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [chosen, setChosen] = useState<number | null>(null)
  const shownId = useRef<string | null>(null)

  useEffect(() => {
    let live = true
    const first = shownId.current !== eventId
    if (first) {
      shownId.current = eventId
      setDetail(null)
      setChosen(null)
      setError(null)
    }
    const timer = setTimeout(
      () => {
        actions.event(eventId).then(
          (d) => {
            if (!live) return
            setDetail(d)
            setError(null)
            dispatch({type: 'detail', detail: d})
          },
          (e: unknown) => live && setError(messageOf(e)),
        )
      },
      first ? 0 : RELOAD_MS,
    )
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [actions, dispatch, eventId, revision])

  const entries = useMemo(() => (detail ? attemptEntries(detail) : []), [detail])
  const selected = chosen === null ? latestAttemptIndex(entries) : Math.min(chosen, entries.length - 1)
  const text = detail ? detailText(detail, {selectedAttempt: selected, now: now === 0 ? 0 : Date.now(), width, color, labels}) : null
  const bodyHeight = Math.max(1, height - 1)
  const scroll = useScroll(text?.lines.length ?? 0, bodyHeight)

  useEffect(() => {
    onSelection(detail ? {detail, entry: entries[selected] ?? null} : null)
  }, [detail, entries, selected, onSelection])

  useKeys((input, key) => {
    if (scroll.onKey(input, key)) return
    if (key.leftArrow || key.rightArrow || input === 'h' || input === 'l') {
      if (entries.length === 0) return
      const next = Math.min(entries.length - 1, Math.max(0, selected + (key.leftArrow || input === 'h' ? -1 : 1)))
      setChosen(next)
      const line = text?.attemptLines[next]
      if (line !== undefined) scroll.reveal(line)
      return
    }
    if (key.escape) return dispatch({type: 'back'})
    if (key.tab) return dispatch({type: 'toggle-focus'})
    const meaning = commonKey(input, key)
    if (meaning && 'command' in meaning) onCommand(meaning.command)
    else if (meaning) dispatch(meaning.action)
  }, focused)

  const position = text ? scrollPosition(scroll.top, bodyHeight, text.lines.length) : ''
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text bold={color} dimColor={!focused} wrap="truncate-end">
        Event detail{position ? ` · ${position}` : ''}
        {focused ? '' : ' · Tab to scroll it'}
      </Text>
      {text ? (
        <ScrollView lines={text.lines} top={scroll.top} height={bodyHeight} width={width} />
      ) : (
        <Text dimColor={!error} color={error && color ? 'red' : undefined} wrap="truncate-end">
          {error ? `Could not read the event: ${oneLine(error)}` : 'Loading…'}
        </Text>
      )}
    </Box>
  )
}
