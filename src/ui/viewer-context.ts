import {createContext, useContext} from 'react'
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
}

export const ViewerContext = createContext<ViewerTools | null>(null)

/** The viewer's tools; only inside `<ViewerApp>` (or a test that provides them). */
export function useViewer(): ViewerTools {
  const tools = useContext(ViewerContext)
  if (!tools) throw new Error('useViewer() outside <ViewerContext.Provider>')
  return tools
}
