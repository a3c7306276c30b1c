import {scrollPosition} from './ScrollView.js'
import {useKeys} from './use-keys.js'
import {useScroll} from './use-scroll.js'
import {useViewer} from './viewer-context.js'

/**
 * A card of `total` lines under a one-line title, `height` rows in all: the scroll keys, Esc
 * closes, q quits. Returns where it stands: the top line, the body's height, `3/10`-style position.
 */
export function useScrollCard(total: number, height: number, onClose: () => void) {
  const {quit} = useViewer()
  const bodyHeight = Math.max(1, height - 1)
  const scroll = useScroll(total, bodyHeight)
  useKeys((input, key) => {
    if (scroll.onKey(input, key)) return
    if (key.escape) onClose()
    else if (input === 'q') quit()
  })
  return {top: scroll.top, bodyHeight, position: scrollPosition(scroll.top, bodyHeight, total)}
}
