import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

let cached: string | undefined

/** This package's version, read from the nearest `package.json` named `junkmail` (works from `src/` and `dist/`). */
export function packageVersion(): string {
  if (cached) return cached
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {name?: string; version?: string}
      if (pkg.name === 'junkmail') return (cached = pkg.version ?? '0.0.0')
    } catch {}
    dir = dirname(dir)
  }
  return (cached = '0.0.0')
}
