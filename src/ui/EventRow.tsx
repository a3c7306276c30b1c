import {Box, Text} from 'ink'
import {memo} from 'react'
import {oneLine} from '../cli/terminal-text.js'
import {deliveryBadge, latestPerWebhook, type Badge} from './delivery-state.js'
import type {EventRow as Row} from './event-rows.js'
import {localClock} from './format-time.js'
import {styleProps} from './text-style.js'

export interface EventRowProps {
  readonly row: Row
  readonly selected: boolean
  readonly width: number
  /** The time for countdowns; 0 when the row has none (it then renders once per change). */
  readonly now: number
  readonly color: boolean
  /** `#n` labels of webhooks when there are several, else empty. */
  readonly labels: ReadonlyMap<string, string>
  /** Width of the states column (the same for every row on screen, so the columns line up); default: this row's own. */
  readonly badgeWidth?: number
}

/** The widths of a row's columns at a terminal width. */
export function rowColumns(width: number): {readonly time: number; readonly type: number; readonly minAbout: number} {
  // Wide enough for every catalog's longest name (`message.complained`) and a space.
  return {time: 9, type: width >= 80 ? 19 : 16, minAbout: width >= 80 ? 16 : 10}
}

/** A row's delivery badges, each as text and tone, with the webhook's label when there are several. */
export function rowBadges(row: Row, now: number, color: boolean, labels: ReadonlyMap<string, string>): Array<Badge & {readonly label: string}> {
  return latestPerWebhook(row.deliveries).map((d) => ({...deliveryBadge(d, now, color), label: labels.get(d.webhookId) ?? (labels.size ? '#?' : '')}))
}

/** True when a row shows a countdown (it must render every second). */
export function rowTicks(row: Row, now: number): boolean {
  return row.deliveries.some((d) => d.status === 'pending' && d.attemptCount > 0 && d.nextAttemptAt !== null && Date.parse(d.nextAttemptAt) > now - 1000)
}

const IMPORTANCE: Readonly<Record<string, number>> = {fail: 0, off: 1, pending: 2, muted: 3, ok: 4}
const width = (text: string) => [...text].length

/** A piece of the badges column: text and the tone it is drawn in. */
export interface BadgePiece {
  readonly text: string
  readonly tone: Badge['tone'] | 'plain'
}

/**
 * The badges that fit in `room` characters: all of them in webhook order when they fit; otherwise
 * the most telling first (failures, then disabled, pending, cancelled, delivered), then `+N` for
 * the ones left out; then the same in their short forms; at the least the most telling one alone.
 */
export function fitBadges(badges: ReadonlyArray<Badge & {readonly label: string}>, room: number): BadgePiece[] {
  const pieces = (list: typeof badges, more: number): BadgePiece[] => {
    const out: BadgePiece[] = []
    list.forEach((b, i) => {
      out.push({text: `${i > 0 ? '  ' : ''}${b.label ? `${b.label} ` : ''}`, tone: 'plain'}, {text: b.text, tone: b.tone})
    })
    if (more > 0) out.push({text: `${list.length ? ' ' : ''}+${more}`, tone: 'plain'})
    return out
  }
  const total = (p: BadgePiece[]) => p.reduce((n, x) => n + width(x.text), 0)
  const all = pieces(badges, 0)
  if (total(all) <= room) return all
  const ranked = [...badges].sort((a, b) => (IMPORTANCE[a.tone] ?? 9) - (IMPORTANCE[b.tone] ?? 9))
  for (let n = ranked.length - 1; n >= 1; n--) {
    const some = pieces(ranked.slice(0, n), ranked.length - n)
    if (total(some) <= room) return some
  }
  const short = ranked.map((b) => ({...b, text: b.short ?? b.text}))
  for (let n = short.length; n >= 1; n--) {
    const some = pieces(short.slice(0, n), short.length - n)
    if (total(some) <= room) return some
  }
  // Not even one with its label: the most telling one alone, without it.
  return pieces([{...short[0], label: ''}], short.length - 1)
}

/** Characters the states column may take at a width (what the fixed columns and a minimal resource leave). */
export function badgeRoom(columns: number): number {
  const cols = rowColumns(columns)
  return columns - 2 - cols.time - cols.type - cols.minAbout - 1
}

/** The pieces of a row's states column. */
export function rowPieces(row: Row, now: number, color: boolean, labels: ReadonlyMap<string, string>, room: number): BadgePiece[] {
  const badges = rowBadges(row, now, color, labels)
  return badges.length === 0 ? [{text: color ? '· no webhook' : '[--] no webhook', tone: 'muted'}] : fitBadges(badges, room)
}

/** Characters the pieces take. */
export const piecesWidth = (pieces: readonly BadgePiece[]): number => pieces.reduce((n, p) => n + width(p.text), 0)

/**
 * One event on one line: marker, local time, type, what it is about, and the state of its delivery
 * to each webhook. Each column is cut at its width, never wrapped. Countdowns are computed from
 * `nextAttemptAt` when the row renders (`now` only makes it render again).
 */
export const EventRow = memo(function EventRow({row, selected, width: columns, now, color, labels, badgeWidth: columnWidth}: EventRowProps) {
  const cols = rowColumns(columns)
  const room = badgeRoom(columns)
  const shown = rowPieces(row, now === 0 ? 0 : Date.now(), color, labels, room)
  const badgeWidth = Math.max(0, Math.min(columnWidth ?? piecesWidth(shown), room))
  const mark = selected ? (color ? '›' : '>') : ' '
  const hi = color && selected ? {inverse: true} : {}
  return (
    <Box width={columns} height={1}>
      <Box width={2} flexShrink={0}>
        <Text {...hi}>{mark} </Text>
      </Box>
      <Box width={cols.time} flexShrink={0}>
        <Text {...hi} wrap="truncate-end">
          {localClock(row.createdAt)}{' '}
        </Text>
      </Box>
      <Box width={cols.type} flexShrink={0}>
        <Text {...hi} bold={color} wrap="truncate-end">
          {fitType(oneLine(row.type), cols.type)}
        </Text>
      </Box>
      <Box flexGrow={1} flexShrink={1} flexBasis={0} minWidth={0}>
        <Text {...hi} wrap="truncate-end">
          {row.about || ' '}
        </Text>
      </Box>
      {badgeWidth > 0 ? (
        <Box width={badgeWidth + 1} flexShrink={0}>
          <Text wrap="truncate-end">
            {' '}
            {shown.map((p, i) => (
              <Text key={i} {...(p.tone === 'plain' ? {} : styleProps(p.tone, color))}>
                {p.text}
              </Text>
            ))}
          </Text>
        </Box>
      ) : null}
    </Box>
  )
})

/** An event type in its column, with a space after it: cut with … when longer. */
export function fitType(type: string, width: number): string {
  return type.length < width ? type.padEnd(width) : `${type.slice(0, width - 2)}… `
}
