import {Box, Text} from 'ink'
import type {StyledLine} from './detail-lines.js'
import {styleProps} from './text-style.js'
import {useViewer} from './viewer-context.js'

/** Lines `top` to `top + height` of a text, each cut at the width (never wrapped). */
export function ScrollView({lines, top, height, width}: {readonly lines: readonly StyledLine[]; readonly top: number; readonly height: number; readonly width: number}) {
  const {color} = useViewer()
  const shown = lines.slice(top, top + Math.max(0, height))
  return (
    <Box flexDirection="column" height={Math.max(0, height)} width={width} overflow="hidden">
      {shown.map((line, i) => (
        <Text key={top + i} wrap="truncate-end" {...styleProps(line.style, color)}>
          {line.text === '' ? ' ' : line.text}
        </Text>
      ))}
    </Box>
  )
}

/** `12–31 of 80` for a view's title, or '' when everything fits. */
export function scrollPosition(top: number, height: number, total: number): string {
  if (total <= height) return ''
  return `${top + 1}–${Math.min(total, top + height)} of ${total}`
}
