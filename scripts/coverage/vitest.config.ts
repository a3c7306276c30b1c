// The suite's vitest config, for `npm run coverage` only (scripts/coverage/run.js).
// Every process of the run (vitest workers, the CLI, `junkmail dev`, test/support/*.mjs) runs
// the same tsc output in dist/, loaded by Node itself, and the report maps it back to src/ and
// commands/ through dist's .js.map files. Code that vitest transforms (src/*.ts imported by a
// test) has no source map Node can see, so its V8 coverage could not be placed in the .ts.
import {existsSync} from 'node:fs'
import {join, relative, sep} from 'node:path'
import {fileURLToPath} from 'node:url'
import {mergeConfig, type Plugin} from 'vitest/config'
import base from '../../vitest.config.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** Resolves a test's import of `src/` or `commands/` TypeScript to its compiled file in `dist/`. */
function compiledSources(): Plugin {
  return {
    name: 'junkmail:compiled-sources',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (!importer) return null
      const resolved = await this.resolve(source, importer, {...options, skipSelf: true})
      if (!resolved || resolved.external) return null
      const path = relative(root, resolved.id.split('?')[0])
      if (!/^(src|commands)[\\/].*\.tsx?$/.test(path)) return null
      const compiled = join(root, 'dist', path.replace(/\.tsx?$/, '.js'))
      if (!existsSync(compiled)) throw new Error(`${compiled} does not exist: run npm run build`)
      return compiled
    },
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export default mergeConfig(base, {
  root,
  plugins: [compiledSources()],
  test: {
    // dist/ is loaded by Node, as in the CLI, not transformed by vitest. (A string here would
    // only match under node_modules/.)
    server: {deps: {external: [new RegExp(`^${escapeRegExp(join(root, 'dist', sep))}`)]}},
    setupFiles: [fileURLToPath(new URL('./write-worker-coverage.ts', import.meta.url))],
  },
})
