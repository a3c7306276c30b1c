import {useStdout} from 'ink'
import {useEffect, useState} from 'react'

/** The terminal's size, following `resize`. */
export interface TerminalSize {
  readonly columns: number
  readonly rows: number
}

const read = (stdout: NodeJS.WriteStream): TerminalSize => ({columns: stdout.columns || 80, rows: stdout.rows || 24})

/** The size of Ink's stdout, updated on every resize (Ink 6 has no hook for it). */
export function useTerminalSize(): TerminalSize {
  const {stdout} = useStdout()
  const [size, setSize] = useState(() => read(stdout))
  useEffect(() => {
    const onResize = () => setSize((was) => {
      const now = read(stdout)
      return now.columns === was.columns && now.rows === was.rows ? was : now
    })
    onResize()
    stdout.on('resize', onResize)
    return () => {
      stdout.off('resize', onResize)
    }
  }, [stdout])
  return size
}
