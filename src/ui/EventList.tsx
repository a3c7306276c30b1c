import {Box, Text} from 'ink'
import {badgeRoom, EventRow, piecesWidth, rowColumns, rowPieces, rowTicks} from './EventRow.js'
import type {EventRow as Row} from './event-rows.js'

export interface EventListProps {
  /** The rows on screen only (the list never renders the others). */
  readonly rows: readonly Row[]
  /** Index in `rows` of the selected one, or -1. */
  readonly selected: number
  readonly width: number
  /** Rows it has room for (plus its column line). */
  readonly height: number
  readonly now: number
  readonly color: boolean
  readonly labels: ReadonlyMap<string, string>
  /** What to say when there is no row. */
  readonly empty: string
}

/** The list of events, newest first: a column line, then one line per event on screen. */
export function EventList({rows, selected, width, height, now, color, labels, empty}: EventListProps) {
  const cols = rowColumns(width)
  // One width for the states column of every row on screen: the columns line up.
  const room = badgeRoom(width)
  const badgeWidth = Math.min(room, Math.max(0, ...rows.map((row) => piecesWidth(rowPieces(row, now, color, labels, room)))))
  return (
    <Box flexDirection="column" width={width} height={height + 1} overflow="hidden">
      <Text dimColor wrap="truncate-end">
        {'  '}
        {'TIME'.padEnd(cols.time)}
        {'EVENT'.padEnd(cols.type)}
        ABOUT
      </Text>
      {rows.length === 0 ? (
        <Text dimColor wrap="truncate-end">
          {'  '}
          {empty}
        </Text>
      ) : (
        rows.map((row, i) => (
          <EventRow key={row.id} row={row} selected={i === selected} width={width} now={rowTicks(row, now) ? now : 0} color={color} labels={labels} badgeWidth={badgeWidth} />
        ))
      )}
    </Box>
  )
}
