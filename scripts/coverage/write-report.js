// Turns the raw V8 coverage of every process of a run (NODE_V8_COVERAGE files) into one
// istanbul report of src/, commands/ and bin/: a table on stdout, HTML and coverage-final.json
// in the report folder.
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {mergeProcessCovs} from '@bcoe/v8-coverage'
import {parse} from 'acorn'
import convert from 'ast-v8-to-istanbul'
import libCoverage from 'istanbul-lib-coverage'
import libReport from 'istanbul-lib-report'
import reports from 'istanbul-reports'

/**
 * Writes the report of the V8 coverage files in `rawDir` and returns its summary, with what
 * could not be counted: sources without a compiled file (`notBuilt`), compiled files some
 * process did not run as they are now on disk (`leftOut`), sources a test ran through vitest's
 * transform instead of dist/ (`notCompiled`), and how many coverage files were cut short.
 * @param {{root: string, rawDir: string, reportDir: string}} options
 */
export async function writeCoverageReport({root, rawDir, reportDir}) {
  const rootUrl = pathToFileURL(root).href.replace(/\/*$/, '/')
  const sources = [...listSources(root, 'src'), ...listSources(root, 'commands')]
  const notBuilt = sources.filter((source) => !existsSync(compiledPath(root, source)))
  const compiledUrls = new Set(sources.filter((source) => !notBuilt.includes(source)).map((source) => pathToFileURL(compiledPath(root, source)).href))
  const isReported = (url) => compiledUrls.has(url) || (url.startsWith(`${rootUrl}bin/`) && url.endsWith('.js'))
  const lineLengths = new Map()
  const diskLineLengths = (url) => {
    if (!lineLengths.has(url)) lineLengths.set(url, readFileSync(fileURLToPath(url), 'utf8').split('\n').map((line) => line.length))
    return lineLengths.get(url)
  }

  const processes = []
  const leftOut = new Set()
  const notCompiled = new Set()
  let cutShort = 0
  for (const name of readdirSync(rawDir)) {
    let raw
    try {
      raw = JSON.parse(readFileSync(join(rawDir, name), 'utf8'))
    } catch {
      cutShort++ // a process was SIGKILLed while writing it (child-preload.js writes every 100 ms)
      continue
    }
    const result = raw.result.filter((script) => {
      if (script.url.startsWith(rootUrl) && /^(src|commands)\/.*\.tsx?$/.test(script.url.slice(rootUrl.length))) notCompiled.add(script.url)
      if (!isReported(script.url)) return false
      // Under NODE_V8_COVERAGE, Node records the source map and line lengths of each file it loads
      // itself. Without them the code was loaded another way (vitest's transform, a loader hook);
      // with other line lengths, dist/ was rebuilt during the run. Either way the offsets are not
      // those of the file on disk.
      const ran = raw['source-map-cache']?.[script.url]?.lineLengths
      if (!compiledUrls.has(script.url) || ran?.join() === diskLineLengths(script.url).join()) return true
      leftOut.add(script.url)
      return false
    })
    processes.push({result})
  }
  const scripts = new Map(mergeProcessCovs(processes).result.map((script) => [script.url, script]))

  const coverageMap = libCoverage.createCoverageMap()
  const urls = new Set([...compiledUrls, ...scripts.keys()])
  for (const url of urls) {
    const path = fileURLToPath(url)
    const code = readFileSync(path, 'utf8')
    const sourceMap = compiledUrls.has(url) ? JSON.parse(readFileSync(`${path}.map`, 'utf8')) : undefined
    const ast = parse(code, {ecmaVersion: 'latest', sourceType: 'module'})
    // A file no process loaded counts with every statement unrun.
    const functions = scripts.get(url)?.functions ?? []
    coverageMap.merge(await convert({code, ast, sourceMap, wrapperLength: 0, coverage: {url, functions}}))
  }
  // Files of types only (src/store/types.ts) compile to nothing to run: leave them out.
  coverageMap.filter((file) => {
    const {statements, functions, branches} = coverageMap.fileCoverageFor(file).toSummary()
    return statements.total + functions.total + branches.total > 0
  })

  const context = libReport.createContext({dir: reportDir, coverageMap, defaultSummarizer: 'pkg'})
  reports.create('text', {maxCols: process.stdout.columns || 120}).execute(context)
  reports.create('text-summary').execute(context)
  reports.create('html').execute(context)
  reports.create('json').execute(context)
  const relativeTo = (url) => relative(root, fileURLToPath(url))
  return {summary: coverageMap.getCoverageSummary(), notBuilt, leftOut: [...leftOut].map(relativeTo), notCompiled: [...notCompiled].map(relativeTo), cutShort}
}

/** The TypeScript sources under `dir` (relative to `root`), declaration files excepted. */
function listSources(root, dir) {
  return readdirSync(join(root, dir), {recursive: true, withFileTypes: true})
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => relative(root, join(entry.parentPath ?? entry.path, entry.name)))
}

/** Where tsc writes the JavaScript of `source` (tsconfig: rootDir `.`, outDir `dist`). */
function compiledPath(root, source) {
  return join(root, 'dist', source.replace(/\.tsx?$/, '.js'))
}
