import {Box, Text} from 'ink'
import {useState} from 'react'
import {oneLine} from '../cli/terminal-text.js'
import {useKeys} from './use-keys.js'
import {useViewer} from './viewer-context.js'

export interface Choice {
  readonly value: string
  readonly label: string
}

export interface ChooserProps {
  readonly title: string
  readonly choices: readonly Choice[]
  readonly initial?: number
  readonly onChoose: (value: string) => void
  readonly onCancel: () => void
  readonly width: number
}

/** Lines a chooser takes: its title, its choices, its key line. */
export const chooserHeight = (choices: number): number => choices + 2

/** A short list to pick from (resend to whom, which webhook to enable): ↑↓ / j k, 1–9, Enter, Esc. */
export function Chooser({title, choices, initial = 0, onChoose, onCancel, width}: ChooserProps) {
  const {color} = useViewer()
  const [at, setAt] = useState(Math.min(Math.max(0, initial), choices.length - 1))
  useKeys((input, key) => {
    if (key.upArrow || input === 'k') setAt((a) => Math.max(0, a - 1))
    else if (key.downArrow || input === 'j') setAt((a) => Math.min(choices.length - 1, a + 1))
    else if (key.return && choices[at]) onChoose(choices[at].value)
    else if (key.escape || input === 'q') onCancel()
    else if (/^[1-9]$/.test(input) && Number(input) <= choices.length) onChoose(choices[Number(input) - 1].value)
  })
  return (
    <Box flexDirection="column" width={width} height={chooserHeight(choices.length)}>
      <Text bold={color} wrap="truncate-end">
        {oneLine(title)}
      </Text>
      {choices.map((c, i) => (
        <Text key={c.value} wrap="truncate-end" inverse={color && i === at}>
          {i === at ? '›' : ' '} {i + 1} {oneLine(c.label)}
        </Text>
      ))}
      <Text dimColor wrap="truncate-end">
        ↑↓ choose · 1–{Math.min(9, choices.length)} · Enter · Esc cancel
      </Text>
    </Box>
  )
}
