import {writeSync} from 'node:fs'

/** Switches to the alternate screen (saving the cursor) and clears it. */
export const ENTER_ALTERNATE_SCREEN = '\u001b[?1049h\u001b[2J\u001b[H'
/** Back to the normal screen as it was, cursor shown. */
export const LEAVE_ALTERNATE_SCREEN = '\u001b[?1049l\u001b[?25h'

/**
 * Enters the alternate screen and returns the function that leaves it (once, whatever calls it
 * first). If the process exits before (`process.exit` in a signal handler), the screen is restored
 * then, synchronously, and the terminal's raw mode released. An uncaught error that will end the
 * process (no `uncaughtException` listener) restores it before Node prints the error, so that the
 * error is on the normal screen, where it stays.
 */
export function enterAlternateScreen(stdout: NodeJS.WriteStream, stdin?: NodeJS.ReadStream): () => void {
  let done = false
  const write = (text: string, sync: boolean) => {
    try {
      const fd = (stdout as {fd?: unknown}).fd
      if (sync && typeof fd === 'number') writeSync(fd, text)
      else stdout.write(text)
    } catch {
      // The terminal is gone: nothing left to restore.
    }
  }
  const leave = (sync: boolean) => {
    if (done) return
    done = true
    process.off('exit', atExit)
    process.off('uncaughtExceptionMonitor', beforeCrash)
    try {
      if (stdin?.isTTY && stdin.isRaw) stdin.setRawMode(false)
    } catch {
      // as above
    }
    write(LEAVE_ALTERNATE_SCREEN, sync)
  }
  const atExit = () => leave(true)
  const beforeCrash = () => {
    if (process.listenerCount('uncaughtException') === 0) leave(true)
  }
  process.on('exit', atExit)
  process.on('uncaughtExceptionMonitor', beforeCrash)
  write(ENTER_ALTERNATE_SCREEN, false)
  return () => leave(false)
}
