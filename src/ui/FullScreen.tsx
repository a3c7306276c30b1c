import {Box} from 'ink'
import type {ReactNode} from 'react'
import type {TerminalSize} from './use-terminal-size.js'

/**
 * The viewer's root: as wide as the terminal and one row shorter (a frame as tall as the terminal
 * makes Ink 6 clear the screen at every render). No `<Static>` inside.
 */
export function FullScreen({size, children}: {readonly size: TerminalSize; readonly children: ReactNode}) {
  return (
    <Box flexDirection="column" width={size.columns} height={Math.max(1, size.rows - 1)} overflow="hidden">
      {children}
    </Box>
  )
}
