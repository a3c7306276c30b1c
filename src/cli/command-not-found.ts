import type {Hook} from '@oclif/core/hooks'
import {writeError} from './junkmail-command.js'

/**
 * oclif's `command_not_found` hook. With spaces as topic separators, oclif folds every leading word
 * into the command id, so `junkmail webhooks list extra` looks for a command `webhooks list extra`,
 * and a typo such as `junkmail webhoks list` ends in oclif's own "command not found" with exit 1.
 * Here: `help <command>` shows that command's help; when a prefix of the words is a command, that
 * command runs with the rest as arguments (so it reports the unexpected argument itself, exit 2);
 * otherwise one line names the closest commands and the exit code is 2, as for any usage mistake
 * (a JSON error on stdout under `--json`).
 */
const hook: Hook.CommandNotFound = async function ({id, argv, config}) {
  let words = id.split(':')
  // `junkmail help <command>`, as in git and npm (oclif only knows `--help` without its help plugin).
  if (words[0] === 'help') {
    const asked = words.slice(1).join(':')
    if (!asked || config.findCommand(asked) || config.findTopic(asked)) {
      const {Help} = await import('@oclif/core/help')
      return new Help(config).showHelp(words.slice(1))
    }
    words = words.slice(1)
  }
  for (let n = words.length - 1; n > 0; n--) {
    const prefix = words.slice(0, n).join(':')
    if (config.findCommand(prefix)) return config.runCommand(prefix, [...words.slice(n), ...(argv ?? [])])
  }
  const typed = words.join(' ')
  const ids = [...new Set([...config.topics.map((t) => t.name), ...config.commandIDs].map((c) => c.replaceAll(':', ' ')))]
  const close = ids
    .map((c) => ({c, d: distance(typed, c)}))
    .filter(({c, d}) => d <= Math.max(2, Math.floor(c.length / 3)))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map(({c}) => `"junkmail ${c}"`)
  const message = `unknown command "${typed}"${close.length > 0 ? `; did you mean ${close.join(' or ')}?` : ''}`
  process.exitCode = 2
  writeError({message, code: 'usage_error'}, (argv ?? []).includes('--json'), ' (see: junkmail --help)')
}

export default hook

/** Levenshtein distance. */
export function distance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]
}
