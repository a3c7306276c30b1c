import {Box, Text} from 'ink'
import {oneLine} from '../cli/terminal-text.js'
import type {StyledLine} from './detail-lines.js'
import {styleProps} from './text-style.js'
import {useViewer} from './viewer-context.js'
import type {ConnectionState, EmulatorStatus} from './viewer-contract.js'

export interface HeaderProps {
  readonly status: EmulatorStatus | null
  readonly apiKey: string
  readonly connection: ConnectionState | null
  readonly title?: string
  readonly open: boolean
  readonly width: number
  readonly storeError: string | null
  /** When the connection last changed, and the time now: the retry delay counts down. */
  readonly connectionAt?: string | null
  readonly now?: number
}

/** An API key as the header shows it: its first 4 and last 2 characters. */
export function maskKey(key: string): string {
  if (key.length <= 8) return '•'.repeat(Math.max(4, key.length))
  return `${key.slice(0, 4)}${'•'.repeat(4)}${key.slice(-2)}`
}

/** Lines the header takes. */
export const headerHeight = (open: boolean): number => (open ? 4 : 1)

function connectionText(c: ConnectionState | null, at: string | null | undefined, now: number | undefined): StyledLine {
  if (c === null) return {text: '… connecting', style: 'pending'}
  if (c.state === 'connected') return {text: '● connected', style: 'ok'}
  const since = at && now !== undefined ? Math.max(0, now - Date.parse(at)) : 0
  const left = c.retryInMs === null ? null : Math.max(0, c.retryInMs - since)
  const retry = left === null ? '' : left > 0 ? `, retrying in ${Math.ceil(left / 1000)}s` : ', retrying…'
  return {text: `○ disconnected: ${oneLine(c.reason)}${retry}`, style: 'fail'}
}

const scaleText = (scale: number): string => (scale === 1 ? '×1 (real time)' : `×${scale} (1 min of retry delay → ${formatSeconds(60 / scale)})`)
const formatSeconds = (s: number): string => (s >= 1 ? `${Number(s.toFixed(1))} s` : `${Math.round(s * 1000)} ms`)

/**
 * The header's lines: the title with the connection and counts; open, also the API URL, SMTP
 * host:port, the API key (masked), the store, the time scale and the provider.
 */
export function headerLines(p: HeaderProps): StyledLine[][] {
  const s = p.status
  const title: StyledLine[] = [
    {text: ` junkmail${p.title ? ` ${oneLine(p.title)}` : ''} `, style: 'title'},
    {text: ' ', style: 'plain'},
    connectionText(p.connection, p.connectionAt, p.now),
  ]
  if (s) {
    const c = s.counts
    title.push({text: `  ${c.events} events · ${c.webhooks} webhooks · ${c.pendingDeliveries} pending`, style: 'dim'})
  }
  if (p.storeError) title.push({text: `  store cannot write: ${oneLine(p.storeError)}`, style: 'fail'})
  if (!p.open) return [title]
  if (!s) return [title, [{text: '  asking the emulator for its status…', style: 'dim'}], [], []]
  const smtp = s.smtp ? `${s.smtp.host}:${s.smtp.port}` : 'off'
  const store = s.inMemory ? 'in memory' : (s.dataDir ?? '?')
  return [
    title,
    [{text: oneLine(`  API ${s.apiUrl}${s.apiPath ?? '/api/v1'}   key ${maskKey(p.apiKey)}   SMTP ${smtp}`), style: 'plain'}],
    [{text: oneLine(`  store ${store}   time ${scaleText(s.timeScale)}   provider ${s.provider}`), style: 'plain'}],
    [{text: `  ${mailCounts(s)} · ${s.counts.deliveries} deliveries · ${s.counts.attempts} attempts · i hides this`, style: 'dim'}],
  ]
}

/** The header: one line, or four when open (`i`). */
export function Header(p: HeaderProps) {
  const {color} = useViewer()
  const lines = headerLines(p)
  return (
    <Box flexDirection="column" width={p.width} height={headerHeight(p.open)}>
      {lines.map((parts, i) => (
        <Text key={i} wrap="truncate-end">
          {parts.length === 0 ? ' ' : parts.map((part, j) => (
            <Text key={j} {...styleProps(part.style, color)} inverse={color && i === 0 && j === 0}>
              {part.text}
            </Text>
          ))}
        </Text>
      ))}
    </Box>
  )
}

/** `3 addresses · 5 emails`, or `2 inboxes · 7 messages`: in the provider's words. */
function mailCounts(s: EmulatorStatus): string {
  const nouns = s.nouns ?? {mailbox: ['address', 'addresses'], message: ['email', 'emails']}
  const mailboxes = s.counts.mailboxes ?? s.counts.addresses
  const messages = s.counts.messages ?? s.counts.emails
  return `${mailboxes} ${nouns.mailbox[mailboxes === 1 ? 0 : 1]} · ${messages} ${nouns.message[messages === 1 ? 0 : 1]}`
}
