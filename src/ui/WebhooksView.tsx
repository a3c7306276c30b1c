import {Box, Text} from 'ink'
import {useEffect, useState, type Dispatch} from 'react'
import type {PublicWebhook} from '../emulator/emulator-events.js'
import {oneLine} from '../cli/terminal-text.js'
import {TextField} from './TextField.js'
import {messageOf} from './use-event-window.js'
import {ProbeCard} from './ProbeCard.js'
import type {ProbeReport} from './viewer-contract.js'
import {useKeys} from './use-keys.js'
import type {ViewAction} from './view-state.js'
import {useKeyHints, useViewer} from './viewer-context.js'

export interface WebhooksViewProps {
  readonly webhooks: readonly PublicWebhook[]
  readonly width: number
  readonly height: number
  readonly dispatch: Dispatch<ViewAction>
  readonly onClose: () => void
}

type Mode =
  | {readonly kind: 'list'}
  | {readonly kind: 'create'}
  | {readonly kind: 'confirm'; readonly webhook: PublicWebhook}
  | {readonly kind: 'secret'; readonly url: string; readonly secret: string}
  | {readonly kind: 'probe'; readonly report: ProbeReport}

/** A webhook's state in words (and markers without colour). */
export function webhookState(w: PublicWebhook, color: boolean): {readonly text: string; readonly color?: string} {
  if (!w.enabled) return {text: `${color ? '⏸' : '[OFF]'} disabled`, color: 'yellow'}
  if (w.failureCount > 0) return {text: `${color ? '✗' : '[ERR]'} ${w.failureCount} failed in a row`, color: 'red'}
  return {text: `${color ? '✓' : '[ON]'} enabled`, color: 'green'}
}

/**
 * `w`: the webhooks. ↑↓ choose, n creates one (URL and events; its secret is shown once), d deletes
 * (after y), e enables a disabled one, Esc goes back.
 */
export function WebhooksView({webhooks, width, height, dispatch, onClose}: WebhooksViewProps) {
  const {actions, color, notify, quit, clipboard} = useViewer()
  const [mode, setMode] = useState<Mode>({kind: 'list'})
  const [at, setAt] = useState(0)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [url, setUrl] = useState('')
  const [types, setTypes] = useState<string[]>([])
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set())
  const [focus, setFocus] = useState(0)
  const selected = webhooks[Math.min(at, webhooks.length - 1)]

  useEffect(() => {
    let live = true
    actions.catalog().then(
      (list) => {
        if (!live) return
        setTypes(list.map((e) => e.type))
        setChecked(new Set(list.map((e) => e.type)))
      },
      () => {
        // Without the catalog the form cannot list events; creating says why.
      },
    )
    return () => {
      live = false
    }
  }, [actions])

  const refresh = () =>
    actions.webhooks().then(
      (list) => dispatch({type: 'webhooks', list}),
      () => undefined,
    )

  const run = (work: () => Promise<void>) => {
    setBusy(true)
    setError(null)
    work()
      .then(refresh)
      .catch((e: unknown) => setError(messageOf(e)))
      .finally(() => setBusy(false))
  }

  const create = () =>
    run(async () => {
      const made = await actions.createWebhook({url: url.trim(), events: types.filter((t) => checked.has(t))})
      notify('info', `Webhook created: ${made.url}`)
      setMode({kind: 'secret', url: made.url, secret: made.secret})
      setUrl('')
    })

  useKeys((input, key) => {
    if (mode.kind === 'probe') return
    if (mode.kind === 'secret') {
      if (input === 'y') {
        clipboard.copy(mode.secret, 'webhook-secret.txt').then(
          (r) => notify('info', r.how === 'osc52' ? 'Secret copied to the clipboard (OSC 52)' : `Secret saved to ${r.path}`),
          (e: unknown) => notify('error', `Could not copy: ${messageOf(e)}`),
        )
      } else if (key.escape || key.return) setMode({kind: 'list'})
      return
    }
    if (mode.kind === 'confirm') {
      if (input === 'y') {
        const w = mode.webhook
        setMode({kind: 'list'})
        run(async () => {
          await actions.deleteWebhook(w.id)
          notify('info', `Webhook deleted: ${w.url}`)
        })
      } else if (input === 'n' || key.escape) setMode({kind: 'list'})
      return
    }
    if (mode.kind === 'create') {
      if (key.escape) return setMode({kind: 'list'})
      if (key.return) return create()
      if (key.upArrow || (key.tab && key.shift)) return setFocus((f) => Math.max(0, f - 1))
      if (key.downArrow || key.tab) return setFocus((f) => Math.min(types.length, f + 1))
      if (focus > 0 && input === ' ') {
        const t = types[focus - 1]
        setChecked((was) => {
          const next = new Set(was)
          if (next.has(t)) next.delete(t)
          else next.add(t)
          return next
        })
      }
      return
    }
    if (key.upArrow || input === 'k') setAt((a) => Math.max(0, a - 1))
    else if (key.downArrow || input === 'j') setAt((a) => Math.min(webhooks.length - 1, a + 1))
    else if (input === 'n' || input === '+') {
      setMode({kind: 'create'})
      setFocus(0)
      setError(null)
    } else if ((input === 'd' || input === 'x') && selected) setMode({kind: 'confirm', webhook: selected})
    else if (input === 'e' && selected) {
      if (selected.enabled) notify('info', `Webhook already enabled: ${selected.url}`)
      else
        run(async () => {
          await actions.enableWebhook(selected.id)
          notify('info', `Webhook enabled: ${selected.url}`)
        })
    } else if (input === 'p' && selected) {
      notify('info', `Probing ${selected.url}…`)
      run(async () => {
        const report = await actions.probe(selected.id)
        setMode({kind: 'probe', report})
      })
    } else if (key.escape) onClose()
    else if (input === 'q') quit()
  }, !busy && mode.kind !== 'probe')

  useKeyHints(
    mode.kind === 'probe'
      ? ['↑↓ scroll', 'Esc back']
      : mode.kind === 'secret'
      ? ['y copy it', 'Enter or Esc done']
      : mode.kind === 'create'
        ? ['Enter creates', '↑↓ Tab field', 'Space toggles', 'Esc cancel']
        : mode.kind === 'confirm'
          ? ['y deletes', 'n keeps']
          : ['↑↓ choose', 'n new', 'd delete', 'e enable', 'p probe', 'Esc back'],
    mode.kind === 'list' ? ['q quit'] : [],
  )

  const status = (
    <Text color={color && error ? 'red' : undefined} dimColor={!error} wrap="truncate-end">
      {busy ? 'Working…' : error ? `Error: ${oneLine(error)}` : ' '}
    </Text>
  )

  if (mode.kind === 'probe') return <ProbeCard report={mode.report} width={width} height={height} onClose={() => setMode({kind: 'list'})} />

  if (mode.kind === 'secret') {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Text bold={color} wrap="truncate-end">
          Webhook created: {oneLine(mode.url)}
        </Text>
        <Text wrap="truncate-end">Its signing secret, shown this once:</Text>
        <Text color={color ? 'yellow' : undefined} wrap="truncate-end">
          {'  '}
          {oneLine(mode.secret)}
        </Text>
      </Box>
    )
  }

  if (mode.kind === 'create') {
    const room = Math.max(1, height - 4)
    const start = Math.max(0, Math.min(focus - 1 - Math.floor(room / 2), types.length - room))
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Text bold={color} wrap="truncate-end">
          New webhook
        </Text>
        <Box>
          <Text>{focus === 0 ? '›' : ' '} URL </Text>
          <TextField value={url} onChange={setUrl} focus={focus === 0 && !busy} placeholder="http://localhost:3000/webhooks" width={Math.max(8, width - 7)} />
        </Box>
        <Text dimColor wrap="truncate-end">
          {'  '}Events (Space toggles):
        </Text>
        <Box flexDirection="column" height={room} overflow="hidden">
          {types.slice(start, start + room).map((t, i) => {
            const f = start + i + 1
            return (
              <Text key={t} wrap="truncate-end" inverse={color && focus === f}>
                {focus === f ? '›' : ' '} [{checked.has(t) ? 'x' : ' '}] {oneLine(t)}
              </Text>
            )
          })}
        </Box>
        {status}
      </Box>
    )
  }

  const room = Math.max(1, height - 3)
  const start = Math.max(0, Math.min(at - Math.floor(room / 2), webhooks.length - room))
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold={color} wrap="truncate-end">
        Webhooks ({webhooks.length})
      </Text>
      <Box flexDirection="column" height={room + 1} overflow="hidden">
        {webhooks.length === 0 ? <Text dimColor>No webhook yet: n creates one.</Text> : null}
        {webhooks.slice(start, start + room + 1).map((w, i) => {
          const chosen = start + i === at
          const state = webhookState(w, color)
          return (
            <Box key={w.id} width={width} height={1}>
              <Box flexGrow={1} flexShrink={1} flexBasis={0} minWidth={0}>
                <Text wrap="truncate-end" inverse={color && chosen}>
                  {chosen ? '›' : ' '} #{start + i + 1} {oneLine(w.url)} · {oneLine(w.events.join(','))}
                </Text>
              </Box>
              <Box flexShrink={0} marginLeft={1}>
                <Text color={color ? state.color : undefined}>{state.text}</Text>
              </Box>
            </Box>
          )
        })}
      </Box>
      {mode.kind === 'confirm' ? (
        <Text color={color ? 'yellow' : undefined} wrap="truncate-end">
          Delete {oneLine(mode.webhook.url)}? y deletes · n keeps
        </Text>
      ) : (
        status
      )}
    </Box>
  )
}
