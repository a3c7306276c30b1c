import {Box, Text} from 'ink'
import {useCallback, useEffect, useMemo, useReducer, useRef, useState, type Dispatch, type ReactNode} from 'react'
import {oneLine} from '../cli/terminal-text.js'
import {Chooser, chooserHeight, type Choice} from './Chooser.js'
import type {Clipboard, CopyResult} from './clipboard.js'
import {latestPerWebhook} from './delivery-state.js'
import {attemptEntries, latestAttemptIndex} from './detail-lines.js'
import {EventDetail, type DetailSelection} from './EventDetail.js'
import {EventList} from './EventList.js'
import {rowTicks} from './EventRow.js'
import {DETAIL_HINTS, Footer, LIST_HINTS} from './Footer.js'
import {FullScreen} from './FullScreen.js'
import {Header, headerHeight} from './Header.js'
import {HelpScreen} from './HelpScreen.js'
import {listKey, type ViewerCommand} from './list-keys.js'
import {MailView} from './MailView.js'
import {NoticesView} from './NoticesView.js'
import type {OutputTap} from './output-capture.js'
import {signedCurl} from './signed-curl.js'
import {noticeExpires, StatusLine} from './StatusLine.js'
import {TriggerForm} from './TriggerForm.js'
import {useEmulatorFacts} from './use-emulator-facts.js'
import {messageOf, useEventWindow} from './use-event-window.js'
import {useFeed} from './use-feed.js'
import {KeyRouter, useKeys} from './use-keys.js'
import {useNow} from './use-now.js'
import {useTerminalSize} from './use-terminal-size.js'
import {createViewState, selectedRow, viewReducer, type NoticeLevel, type ViewAction, type ViewOptions, type ViewState} from './view-state.js'
import {ViewerContext, type KeyHints, type ViewerTools} from './viewer-context.js'
import type {ViewerActions, ViewerSource} from './viewer-contract.js'
import {WebhooksView} from './WebhooksView.js'

export interface ViewerAppProps {
  readonly source: ViewerSource
  readonly actions: ViewerActions
  /** Shown after "junkmail" in the header (`dev`, `watch`). */
  readonly title?: string
  /** Colours; off (NO_COLOR) the states keep their text markers. */
  readonly color: boolean
  readonly clipboard: Clipboard
  /** Called once when the user quits (q, Ctrl+C); the caller unmounts and stops what it runs. */
  readonly onQuit: () => void
  /** What the rest of the process writes meanwhile, shown as notices. */
  readonly output?: OutputTap
  readonly viewOptions?: Partial<ViewOptions>
  /** How often happenings are applied. @default 66 ms */
  readonly flushMs?: number
}

/** Terminals narrower than this show the detail full screen; wider, beside the list. */
export const SIDE_PANE_COLUMNS = 120
/** The smallest terminal the viewer lays itself out in; below, it says so. */
const MIN_COLUMNS = 40
const MIN_ROWS = 10

interface Prompt {
  readonly title: string
  readonly choices: readonly Choice[]
  readonly initial: number
  readonly onChoose: (value: string) => void
}

/**
 * The live event viewer: the list of events (newest first, following), the detail, and the
 * trigger, webhooks, mail and help views, over a {@link ViewerSource} and {@link ViewerActions}.
 */
export function ViewerApp(props: ViewerAppProps) {
  return (
    <KeyRouter>
      <Viewer {...props} />
    </KeyRouter>
  )
}

function Viewer(props: ViewerAppProps) {
  const {source, actions, color, clipboard, onQuit} = props
  const size = useTerminalSize()
  const [state, dispatch] = useReducer(viewReducer, props.viewOptions, (o) => createViewState(o))
  useFeed(source, dispatch, props.flushMs)
  useEventWindow(actions, state, dispatch)
  const status = useEmulatorFacts(source, actions, dispatch, state)
  const [tickMs, setTickMs] = useState<number | null>(null)
  const now = useNow(tickMs)
  const [prompt, setPrompt] = useState<Prompt | null>(null)
  const selection = useRef<DetailSelection | null>(null)
  const onSelection = useCallback((s: DetailSelection | null) => {
    selection.current = s
  }, [])

  const notify = useCallback((level: NoticeLevel, text: string) => dispatch({type: 'notice', level, text, time: new Date().toISOString()}), [])
  const quitting = useRef(false)
  const quit = useCallback(() => {
    if (quitting.current) return
    quitting.current = true
    onQuit()
  }, [onQuit])
  const [keyHints, setKeyHints] = useState<KeyHints | null>(null)
  const tools = useMemo<ViewerTools>(() => ({actions, color, clipboard, notify, quit, setKeyHints}), [actions, color, clipboard, notify, quit])
  useOutput(props.output, dispatch)

  const labels = useMemo(() => new Map(state.webhooks.length > 1 ? state.webhooks.map((w, i) => [w.id, `#${i + 1}`] as const) : []), [state.webhooks])

  // Layout: header, body, a chooser when one is open, the status line, the keys.
  const columns = size.columns
  const height = size.rows - 1
  const headerOpen = state.headerOpen !== size.rows < 24
  const wide = columns >= SIDE_PANE_COLUMNS
  const screen = state.screen
  const promptHeight = prompt ? chooserHeight(prompt.choices.length) : 0
  // Room for the body, between the header and the status and keys lines.
  const bodyHeight = Math.max(1, height - headerHeight(headerOpen) - 2 - promptHeight)
  const listHeight = Math.max(1, bodyHeight - 1)
  const sideBySide = screen === 'detail' && wide
  const listWidth = sideBySide ? Math.floor(columns * 0.45) : columns
  const detailWidth = sideBySide ? columns - listWidth - 2 : columns
  const detailFocused = screen === 'detail' && (!sideBySide || state.focus === 'detail') && !prompt
  const listFocused = (screen === 'list' || (sideBySide && state.focus === 'list')) && !state.filterEditing && !prompt

  useEffect(() => {
    if (listHeight !== state.listHeight) dispatch({type: 'resize', listHeight})
  }, [listHeight, state.listHeight])
  // The clock ticks only for what shows the time passing: countdowns on screen four times a
  // second; an info notice (until it goes) or the reconnection delay once a second; else never.
  const onScreen = state.visible.slice(state.scrollTop, state.scrollTop + listHeight)
  const countdowns = screen === 'detail' || onScreen.some((r) => rowTicks(r, now))
  const waiting = noticeExpires(state.notices, now) || (state.connection !== null && state.connection.state !== 'connected' && state.connection.retryInMs !== null)
  const wantedTick = countdowns ? 250 : waiting ? 1000 : null
  useEffect(() => setTickMs(wantedTick), [wantedTick])

  // Ctrl+C quits from anywhere, text fields included.
  useKeys((input, key) => {
    if (key.ctrl && input === 'c') quit()
  })
  useKeys((input, key) => {
    if (key.return) dispatch({type: 'edit-filter', editing: false})
    else if (key.escape) {
      dispatch({type: 'filter', text: ''})
      dispatch({type: 'edit-filter', editing: false})
    }
  }, state.filterEditing && !prompt)

  const commands = useCommands(state, dispatch, tools, selection, setPrompt, labels)
  useKeys((input, key) => {
    const meaning = listKey(input, key)
    if (!meaning) return
    if ('command' in meaning) commands(meaning.command)
    else dispatch(meaning.action)
  }, listFocused)

  const onFilter = useCallback((text: string) => dispatch({type: 'filter', text}), [])
  const back = useCallback(() => dispatch({type: 'back'}), [])

  if (columns < MIN_COLUMNS || size.rows < MIN_ROWS) {
    return (
      <ViewerContext.Provider value={tools}>
        <FullScreen size={size}>
          <Text wrap="truncate-end">
            junkmail needs a terminal of at least 60×20 (this one is {columns}×{size.rows}); q quits.
          </Text>
          <TooSmallKeys listFocused={listFocused} onQuit={quit} />
        </FullScreen>
      </ViewerContext.Provider>
    )
  }

  const detailRow = state.detailId ? state.events.find((r) => r.id === state.detailId) : undefined
  let body: ReactNode
  if (screen === 'help') body = <HelpScreen width={columns} height={bodyHeight} onClose={back} />
  else if (screen === 'trigger') body = <TriggerForm webhooks={state.webhooks} width={columns} height={bodyHeight} onClose={back} />
  else if (screen === 'webhooks') body = <WebhooksView webhooks={state.webhooks} width={columns} height={bodyHeight} dispatch={dispatch} onClose={back} />
  else if (screen === 'mail') body = <MailView revision={state.mailRevision} width={columns} height={bodyHeight} onClose={back} nouns={status?.nouns} />
  else if (screen === 'notices') body = <NoticesView notices={state.notices} width={columns} height={bodyHeight} onClose={back} />
  else {
    const showList = screen === 'list' || sideBySide
    const detail =
      screen === 'detail' && state.detailId ? (
        <EventDetail
          eventId={state.detailId}
          revision={detailRow?.revision ?? 0}
          width={detailWidth}
          height={bodyHeight}
          focused={detailFocused}
          now={now}
          dispatch={dispatch}
          onCommand={commands}
          onSelection={onSelection}
          labels={labels}
        />
      ) : null
    body = (
      <Box width={columns} height={bodyHeight}>
        {showList ? (
          <EventList
            rows={onScreen}
            selected={state.selected - state.scrollTop}
            width={listWidth}
            height={listHeight}
            now={now}
            color={color}
            labels={labels}
            empty={emptyText(state, status?.mailTo ?? (status ? `anything@${status.localDomain}` : undefined))}
          />
        ) : null}
        {sideBySide ? (
          <Box borderStyle="single" borderTop={false} borderRight={false} borderBottom={false} borderDimColor paddingLeft={1} width={detailWidth + 2} height={bodyHeight}>
            {detail}
          </Box>
        ) : (
          detail
        )}
      </Box>
    )
  }

  const hints = screen === 'detail' && detailFocused ? [...DETAIL_HINTS, ...(sideBySide ? ['Tab list'] : [])] : screen === 'help' || screen === 'notices' ? ['↑↓ scroll', 'Esc back'] : [...LIST_HINTS, ...(sideBySide ? ['Tab detail'] : [])]
  return (
    <ViewerContext.Provider value={tools}>
      <FullScreen size={size}>
        <Header
          status={status}
          apiKey={source.apiKey}
          connection={state.connection}
          connectionAt={state.connectionAt}
          now={now}
          title={props.title}
          open={headerOpen}
          width={columns}
          storeError={state.storeError ?? status?.storeError ?? null}
        />
        {body}
        {prompt ? (
          <Chooser
            title={prompt.title}
            choices={prompt.choices}
            initial={prompt.initial}
            onChoose={(v) => {
              setPrompt(null)
              prompt.onChoose(v)
            }}
            onCancel={() => setPrompt(null)}
            width={columns}
          />
        ) : null}
        <StatusLine state={state} now={now} width={columns} onFilter={onFilter} />
        <Footer hints={keyHints?.hints ?? hints} tail={keyHints?.tail} width={columns} />
      </FullScreen>
    </ViewerContext.Provider>
  )
}

function TooSmallKeys({listFocused, onQuit}: {readonly listFocused: boolean; readonly onQuit: () => void}) {
  useKeys((input) => {
    if (input === 'q') onQuit()
  }, listFocused)
  return null
}

function emptyText(s: ViewState, mailTo: string | undefined): string {
  if (s.filter) return `No event matches "${oneLine(s.filter)}" (Esc clears the filter)`
  if (s.request && s.events.length === 0) return 'Loading…'
  return `No events yet: t triggers one, or send mail to ${mailTo ?? 'the local domain'}`
}

/** Lines the rest of the process writes come in as notices, a few at a time, never during a render. */
function useOutput(output: OutputTap | undefined, dispatch: Dispatch<ViewAction>): void {
  useEffect(() => {
    if (!output) return
    let pending: Array<[string, NoticeLevel]> = []
    let timer: NodeJS.Timeout | null = null
    const stop = output.subscribe((text, level) => {
      if (pending.length < 50) pending.push([text, level])
      timer ??= setTimeout(() => {
        timer = null
        const time = new Date().toISOString()
        for (const [t, l] of pending.splice(0)) dispatch({type: 'notice', level: l, text: t, time})
      }, 50)
    })
    return () => {
      stop()
      if (timer) clearTimeout(timer)
    }
  }, [output, dispatch])
}

/** The commands keys give (resend, enable, copy, quit), acting on the selected event or attempt. */
function useCommands(
  state: ViewState,
  dispatch: Dispatch<ViewAction>,
  tools: ViewerTools,
  selection: {readonly current: DetailSelection | null},
  setPrompt: (p: Prompt | null) => void,
  labels: ReadonlyMap<string, string>,
): (command: ViewerCommand) => void {
  const {actions, clipboard, notify, quit} = tools
  const inDetail = state.screen === 'detail'
  const eventId = inDetail ? state.detailId : (selectedRow(state)?.id ?? null)
  const row = eventId ? state.events.find((r) => r.id === eventId) : undefined
  const chosen = inDetail && selection.current?.detail.id === eventId ? selection.current : null
  const fail = (what: string) => (e: unknown) => notify('error', `${what}: ${messageOf(e)}`)
  const label = (id: string, url: string) => `${labels.get(id) ?? ''}${labels.get(id) ? ' ' : ''}${url}`
  const copied = (what: string) => (r: CopyResult) =>
    notify('info', r.how === 'osc52' ? `Copied ${what} (${r.bytes} bytes) to the clipboard through the terminal (OSC 52)` : `Saved ${what}: ${r.path}`)

  const resend = (id: string, webhookId?: string) =>
    actions.resend(id, webhookId).then((list) => {
      dispatch({type: 'deliveries', eventId: id, list})
      if (list.length === 0) notify('warn', 'Nothing was resent: no enabled webhook is subscribed to this event')
      else notify('info', `Resent ${id.slice(0, 8)} to ${list.length} webhook${list.length === 1 ? '' : 's'}`)
    }, fail('Could not resend'))

  const enable = (id: string) =>
    actions.enableWebhook(id).then((w) => {
      notify('info', `Webhook enabled: ${w.url}`)
      return actions.webhooks().then((list) => dispatch({type: 'webhooks', list}))
    }, fail('Could not enable the webhook'))

  return (command: ViewerCommand) => {
    if (command === 'quit') return quit()
    if (command === 'enable') {
      const disabled = state.webhooks.filter((w) => !w.enabled)
      if (disabled.length === 0) return notify('info', 'No webhook is disabled')
      const mine = new Set([chosen?.entry?.delivery.webhookId, ...(row?.deliveries.map((d) => d.webhookId) ?? [])])
      if (disabled.length === 1) return void enable(disabled[0].id)
      const initial = Math.max(0, disabled.findIndex((w) => mine.has(w.id)))
      return setPrompt({title: 'Enable which webhook?', choices: disabled.map((w) => ({value: w.id, label: label(w.id, w.url)})), initial, onChoose: (id) => void enable(id)})
    }
    if (!eventId || !row) return notify('info', 'No event selected')
    if (command === 'resend') {
      const ids = new Set([...latestPerWebhook(row.deliveries).map((d) => d.webhookId), ...state.webhooks.filter((w) => w.events.includes(row.type)).map((w) => w.id)])
      const hooks = state.webhooks.filter((w) => ids.has(w.id))
      if (hooks.length <= 1) return void resend(eventId)
      const choices: Choice[] = [
        {value: '*', label: 'every enabled subscribed webhook'},
        ...hooks.map((w) => ({value: w.id, label: `${label(w.id, w.url)}${w.enabled ? '' : ' (disabled: e first)'}`})),
      ]
      const preferred = chosen?.entry?.delivery.webhookId
      const initial = preferred ? Math.max(0, choices.findIndex((c) => c.value === preferred)) : 0
      return setPrompt({title: `Resend ${row.type} ${eventId.slice(0, 8)} to`, choices, initial, onChoose: (v) => void resend(eventId, v === '*' ? undefined : v)})
    }
    if (command === 'copy-payload') {
      const payload = chosen?.detail.payload ?? row.payload
      void clipboard.copy(`${JSON.stringify(payload, null, 2)}\n`, `payload-${eventId.slice(0, 8)}.json`).then(copied('the payload'), fail('Could not copy'))
      return
    }
    // copy-curl: the attempt selected in the detail, or the event's last attempt.
    const entry = chosen?.entry
    const found = entry
      ? Promise.resolve(entry)
      : actions.event(eventId).then((detail) => {
          const entries = attemptEntries(detail)
          return entries[latestAttemptIndex(entries)] ?? null
        })
    void found.then((e) => {
      if (!e) return notify('info', 'No attempt to reproduce yet: c copies one once it was sent')
      return clipboard.copy(signedCurl(e.attempt), `curl-${eventId.slice(0, 8)}-${e.attempt.number}.sh`).then(copied(`curl of attempt ${e.attempt.number}`))
    }, fail('Could not copy')).catch(fail('Could not copy'))
  }
}
