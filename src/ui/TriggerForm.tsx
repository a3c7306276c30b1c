import {Box, Text} from 'ink'
import {useEffect, useState} from 'react'
import type {PublicWebhook} from '../emulator/emulator-events.js'
import {oneLine} from '../cli/terminal-text.js'
import {TextField} from './TextField.js'
import {messageOf} from './use-event-window.js'
import {useKeys} from './use-keys.js'
import {useKeyHints, useViewer} from './viewer-context.js'
import type {CatalogEntry} from './viewer-contract.js'

export interface TriggerFormProps {
  readonly webhooks: readonly PublicWebhook[]
  readonly width: number
  readonly height: number
  readonly onClose: () => void
}

/** A sample value of a field, from the catalog entry's sample payload. */
function sampleOf(entry: CatalogEntry, field: string): string {
  const sample = entry.sample as {data?: Record<string, unknown>} | null
  const value = sample?.data?.[field]
  return value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value)
}

/**
 * `t`: pick a catalog event (with its description), fill in the fields you care about (the others
 * get realistic values), choose every subscriber or one webhook, Enter sends.
 */
export function TriggerForm({webhooks, width, height, onClose}: TriggerFormProps) {
  const {actions, color, notify, quit} = useViewer()
  const [catalog, setCatalog] = useState<CatalogEntry[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [at, setAt] = useState(0)
  const [entry, setEntry] = useState<CatalogEntry | null>(null)
  const [values, setValues] = useState<Record<string, string>>({})
  const [field, setField] = useState(0)
  const [target, setTarget] = useState(0)
  const [sending, setSending] = useState(false)

  useEffect(() => {
    let live = true
    actions.catalog().then(
      (list) => live && setCatalog(list),
      (e: unknown) => live && setError(messageOf(e)),
    )
    return () => {
      live = false
    }
  }, [actions])

  const fields = entry ? Object.keys(entry.fields) : []
  const targets = [{id: undefined, label: 'every subscribed webhook'}, ...webhooks.map((w) => ({id: w.id, label: `${w.url}${w.enabled ? '' : ' (disabled)'}`}))]
  const targetRow = fields.length
  const chosenTarget = targets[Math.min(target, targets.length - 1)]

  const send = () => {
    if (!entry || sending) return
    const set = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''))
    setSending(true)
    setError(null)
    actions.trigger(entry.type, set, chosenTarget.id).then(
      (event) => {
        notify('info', `Triggered ${event.type} ${event.id.slice(0, 8)}: ${event.deliveries.length} deliver${event.deliveries.length === 1 ? 'y' : 'ies'}`)
        onClose()
      },
      (e: unknown) => {
        setSending(false)
        setError(messageOf(e))
      },
    )
  }

  useKeys((input, key) => {
    if (!entry) {
      if (key.upArrow || input === 'k') setAt((a) => Math.max(0, a - 1))
      else if (key.downArrow || input === 'j') setAt((a) => Math.min((catalog?.length ?? 1) - 1, a + 1))
      else if (key.return && catalog?.[at]) {
        setEntry(catalog[at])
        setValues({})
        setField(0)
        setError(null)
      } else if (key.escape) onClose()
      else if (input === 'q') quit()
      return
    }
    if (key.escape) return setEntry(null)
    if (key.return) return send()
    if (key.upArrow || (key.tab && key.shift)) return setField((f) => Math.max(0, f - 1))
    if (key.downArrow || key.tab) return setField((f) => Math.min(targetRow, f + 1))
    if (field === targetRow && (key.leftArrow || key.rightArrow)) {
      setTarget((t) => (t + (key.leftArrow ? targets.length - 1 : 1)) % targets.length)
    }
  }, !sending)

  useKeyHints(entry ? ['Enter sends', '↑↓ Tab field', '←→ target', 'Esc back'] : ['↑↓ choose', 'Enter edit fields', 'Esc back'], entry ? [] : ['q quit'])
  const body = Math.max(1, height - 3)
  if (!entry) {
    const list = catalog ?? []
    const start = Math.max(0, Math.min(at - Math.floor(body / 2), list.length - body))
    const typeWidth = Math.max(0, ...list.map((e) => e.type.length)) + 2
    return (
      <Box flexDirection="column" width={width} height={height}>
        <Text bold={color} wrap="truncate-end">
          Trigger an event · pick one
        </Text>
        <Box flexDirection="column" height={body + 1} overflow="hidden">
          {catalog === null && !error ? <Text dimColor>Loading the catalog…</Text> : null}
          {list.slice(start, start + body + 1).map((e, i) => {
            const chosen = start + i === at
            return (
              <Text key={e.type} wrap="truncate-end" inverse={color && chosen}>
                {chosen ? '›' : ' '} {oneLine(e.type).padEnd(typeWidth)}
                <Text dimColor={!chosen}>{oneLine(e.description)}</Text>
              </Text>
            )
          })}
        </Box>
        <Text color={color ? 'red' : undefined} wrap="truncate-end">
          {error ? `Error: ${oneLine(error)}` : ' '}
        </Text>
      </Box>
    )
  }

  const labelWidth = Math.max(8, ...fields.map((f) => f.length)) + 2
  const rowsRoom = Math.max(1, height - 3)
  const start = Math.max(0, Math.min(field - Math.floor(rowsRoom / 2), targetRow + 1 - rowsRoom))
  const rows = [...fields.map((f, i) => ({i, f})), {i: targetRow, f: ''}].slice(start, start + rowsRoom)
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold={color} wrap="truncate-end">
        Trigger {oneLine(entry.type)} · {oneLine(entry.description)}
      </Text>
      <Text dimColor wrap="truncate-end">
        Fields left empty get realistic values (the resources are real).
      </Text>
      <Box flexDirection="column" height={rowsRoom} overflow="hidden">
        {rows.map(({i, f}) => {
          const focused = i === field
          const mark = focused ? '›' : ' '
          if (i === targetRow) {
            return (
              <Text key="target" wrap="truncate-end">
                {mark} {'send to'.padEnd(labelWidth)}
                <Text inverse={color && focused}>‹ {oneLine(chosenTarget.label)} ›</Text>
              </Text>
            )
          }
          return (
            <Box key={f}>
              <Text>
                {mark} {oneLine(f).padEnd(labelWidth)}
              </Text>
              <TextField
                value={values[f] ?? ''}
                onChange={(v) => setValues((was) => ({...was, [f]: v}))}
                focus={focused && !sending}
                placeholder={sampleOf(entry, f)}
                width={Math.max(8, width - labelWidth - 3)}
              />
            </Box>
          )
        })}
      </Box>
      <Text color={color && error ? 'red' : undefined} dimColor={sending} wrap="truncate-end">
        {sending ? 'Sending…' : error ? `Error: ${oneLine(error)}` : ' '}
      </Text>
    </Box>
  )
}
