// The Node.js version gate of bin/run.js and bin/dev.js. Plain JavaScript that an old Node parses
// and runs, imported before anything that needs a newer one. The minimum is package.json's
// engines.node (`>=X.Y.Z`), so that field stays the one place that says it.
import {readFileSync} from 'node:fs'

/** Compares two `X.Y.Z` versions (a leading `v` and a `-pre` suffix are ignored): <0, 0 or >0. */
export function compareVersions(a, b) {
  const left = parts(a)
  const right = parts(b)
  for (let i = 0; i < 3; i++) {
    if (left[i] !== right[i]) return left[i] - right[i]
  }
  return 0
}

/** The minimum version of an engines range of the form `>=X.Y.Z`; undefined for any other form. */
export function minimumOf(range) {
  const match = /^\s*>=\s*v?(\d+\.\d+\.\d+)\s*$/.exec(range || '')
  return match ? match[1] : undefined
}

/** The one line to print on a Node below the range's minimum; undefined when this Node will do. */
export function unsupportedNodeMessage(version, range) {
  const minimum = minimumOf(range)
  if (minimum === undefined || compareVersions(version, minimum) >= 0) return undefined
  return `junkmail needs Node.js ${minimum} or later; this is Node.js ${version}. Install Node 22 or 24 LTS: https://nodejs.org`
}

/** The engines.node range of junkmail's package.json. */
export function enginesRange() {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  return pkg.engines ? pkg.engines.node : undefined
}

function parts(version) {
  const numbers = String(version).replace(/^v/, '').split('.').map((n) => Number.parseInt(n, 10) || 0)
  while (numbers.length < 3) numbers.push(0)
  return numbers
}
