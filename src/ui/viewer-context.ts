import {createContext, useContext, useEffect} from 'react'
import type {Clipboard} from './clipboard.js'
import type {NoticeLevel} from './view-state.js'
import type {ViewerActions} from './viewer-contract.js'

/** What every view of the viewer may use. */
export interface ViewerTools {
  readonly actions: ViewerActions
  /** Colours on; off with NO_COLOR (states then read by their markers). */
  readonly color: boolean
  readonly clipboard: Clipboard
  /** Shows a line in the status bar (and the notices). */
  notify(level: NoticeLevel, text: string): void
  /** Leaves the viewer (the caller stops what it runs). */
  quit(): void
  /** The keys line of the view on screen (null: the list's or the detail's). */
  setKeyHints(hints: KeyHints | null): void
}

/** What the keys line says: hints (as many as fit), then the tail (always shown). */
export interface KeyHints {
  readonly hints: readonly string[]
  readonly tail: readonly string[]
}

export const ViewerContext = createContext<ViewerTools | null>(null)

/** Shows these keys on the keys line while the calling view is on screen. */
export function useKeyHints(hints: readonly string[], tail: readonly string[] = ['q quit']): void {
  const {setKeyHints} = useViewer()
  const key = JSON.stringify([hints, tail])
  useEffect(() => {
    const [h, t] = JSON.parse(key) as [string[], string[]]
    setKeyHints({hints: h, tail: t})
  }, [key, setKeyHints])
  useEffect(() => () => setKeyHints(null), [setKeyHints])
}

/** The viewer's tools; only inside `<ViewerApp>` (or a test that provides them). */
export function useViewer(): ViewerTools {
  const tools = useContext(ViewerContext)
  if (!tools) throw new Error('useViewer() outside <ViewerContext.Provider>')
  return tools
}
