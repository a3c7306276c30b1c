import {mkdtemp, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/**
 * How `y` and `c` copy. `osc52`: through the terminal (an OSC 52 sequence; the terminal puts the
 * text on the system clipboard, over SSH too). `file`: a file in a private folder of the OS temp
 * dir, whose path the viewer shows. `auto` picks OSC 52 only where it can work (below).
 */
export type ClipboardMode = 'auto' | 'osc52' | 'file'

/** Many terminals refuse longer OSC 52 payloads (xterm's default limit is about 100 000 bytes of base64). */
export const OSC52_MAX_BYTES = 74_000

/**
 * The documented choice for `auto`: OSC 52 when the output is a terminal that is known to take it;
 * a file when the output is not a terminal, inside tmux or screen (they drop or need setting up for
 * OSC 52), in GNOME Terminal and other VTE terminals, Apple's Terminal and the Linux console
 * (which ignore it), and for text over {@link OSC52_MAX_BYTES}. `JUNKMAIL_CLIPBOARD=osc52|file`
 * overrides it.
 */
export function pickClipboard(mode: ClipboardMode, env: NodeJS.ProcessEnv, isTTY: boolean, bytes: number): 'osc52' | 'file' {
  const chosen = env.JUNKMAIL_CLIPBOARD === 'osc52' || env.JUNKMAIL_CLIPBOARD === 'file' ? env.JUNKMAIL_CLIPBOARD : mode
  if (chosen !== 'auto') return chosen
  if (!isTTY || bytes > OSC52_MAX_BYTES) return 'file'
  const term = env.TERM ?? ''
  if (env.TMUX || env.STY || /^(screen|tmux)/.test(term)) return 'file'
  if (env.VTE_VERSION || env.TERM_PROGRAM === 'Apple_Terminal' || term === 'linux' || term === 'dumb') return 'file'
  return 'osc52'
}

/** The OSC 52 sequence that sets the clipboard to `text`. */
export function osc52(text: string): string {
  return `\u001b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`
}

/** How a copy went. */
export type CopyResult = {readonly how: 'osc52'; readonly bytes: number} | {readonly how: 'file'; readonly path: string; readonly bytes: number}

/** Copies text by OSC 52 or into a file, as {@link pickClipboard} decides. */
export class Clipboard {
  #dir: Promise<string> | null = null
  constructor(
    private readonly options: {
      readonly mode: ClipboardMode
      readonly env: NodeJS.ProcessEnv
      /** Where the OSC 52 sequence goes (the viewer's terminal). */
      readonly write: (sequence: string) => void
      readonly isTTY: boolean
      /** Folder for the files. @default a new private folder in the OS temp dir */
      readonly dir?: string
    },
  ) {}

  /** Copies `text`; `name` is the file's name when it goes to a file (`payload-<id>.json`). */
  async copy(text: string, name: string): Promise<CopyResult> {
    const bytes = Buffer.byteLength(text)
    if (pickClipboard(this.options.mode, this.options.env, this.options.isTTY, bytes) === 'osc52') {
      this.options.write(osc52(text))
      return {how: 'osc52', bytes}
    }
    // A private folder (0700, unguessable name) in the shared temp dir: no other user can plant a
    // link where the file will be written, or read it.
    this.#dir ??= this.options.dir ? Promise.resolve(this.options.dir) : mkdtemp(join(tmpdir(), 'junkmail-'))
    let dir: string
    try {
      dir = await this.#dir
    } catch (error) {
      this.#dir = null
      throw error
    }
    const path = join(dir, name.replace(/[^\w.-]/g, '_'))
    await writeFile(path, text, {mode: 0o600})
    return {how: 'file', path, bytes}
  }
}
