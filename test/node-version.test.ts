import {execFile} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {promisify} from 'node:util'
import {describe, expect, it} from 'vitest'
// Plain JavaScript in bin/, so that an old Node parses it: vitest imports it as is.
import {compareVersions, enginesRange, minimumOf, unsupportedNodeMessage} from '../bin/node-version.js'
import {BIN, runCli} from './support/cli.js'

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')

describe('the Node version gate (bin/node-version.js)', () => {
  it('compareVersions orders X.Y.Z numerically, with or without a leading v', () => {
    expect(compareVersions('20.18.1', '20.18.1')).toBe(0)
    expect(compareVersions('v20.18.1', '20.18.1')).toBe(0)
    expect(compareVersions('v18.20.8', '20.18.1')).toBeLessThan(0)
    expect(compareVersions('v20.18.0', '20.18.1')).toBeLessThan(0)
    expect(compareVersions('v20.9.0', '20.18.1')).toBeLessThan(0)
    expect(compareVersions('v20.20.2', '20.18.1')).toBeGreaterThan(0)
    expect(compareVersions('v20.18.10', '20.18.9')).toBeGreaterThan(0)
    expect(compareVersions('v22.0.0', '20.18.1')).toBeGreaterThan(0)
    expect(compareVersions('v100.0.0', '20.18.1')).toBeGreaterThan(0)
    expect(compareVersions('v24.0.0-pre', '24.0.0')).toBe(0)
    expect(compareVersions('v21', '20.18.1')).toBeGreaterThan(0)
  })

  it('minimumOf reads a ">=X.Y.Z" range and nothing else', () => {
    expect(minimumOf('>=20.18.1')).toBe('20.18.1')
    expect(minimumOf(' >= 20.18.1 ')).toBe('20.18.1')
    expect(minimumOf('^20.18.1 || >=22')).toBeUndefined()
    expect(minimumOf(undefined)).toBeUndefined()
  })

  it('unsupportedNodeMessage: one line below the minimum, nothing at or above it', () => {
    expect(unsupportedNodeMessage('v18.20.8', '>=20.18.1')).toBe(
      'junkmail needs Node.js 20.18.1 or later; this is Node.js v18.20.8. Install Node 22 or 24 LTS: https://nodejs.org',
    )
    expect(unsupportedNodeMessage('v20.18.0', '>=20.18.1')).toContain('needs Node.js 20.18.1 or later')
    expect(unsupportedNodeMessage('v20.18.1', '>=20.18.1')).toBeUndefined()
    expect(unsupportedNodeMessage('v24.22.3', '>=20.18.1')).toBeUndefined()
    // A range the gate can't read lets every Node through rather than lock users out.
    expect(unsupportedNodeMessage('v18.20.8', '^20.18.1')).toBeUndefined()
  })

  it("reads its minimum from package.json's engines.node, which the running Node satisfies", () => {
    const range = enginesRange()
    expect(range).toBe(JSON.parse(read('package.json')).engines.node)
    expect(minimumOf(range)).toMatch(/^\d+\.\d+\.\d+$/)
    expect(unsupportedNodeMessage(process.version, range)).toBeUndefined()
  })
})

const node18 = process.env.JUNKMAIL_TEST_NODE18
if (!node18) console.warn('node-version.test.ts: skipping the Node 18 start test: JUNKMAIL_TEST_NODE18 (a Node 18 binary) is not set; .ci/run sets it')

describe('junkmail on an unsupported Node', () => {
  it.skipIf(!node18)('Node 18: bin/run.js --help prints one line on stderr and exits 1', async () => {
    const run = promisify(execFile)
    const {stdout: version} = await run(node18!, ['--version'])
    const minimum = minimumOf(enginesRange())
    const result = await run(node18!, [BIN, '--help'], {env: {...process.env, NODE_ENV: undefined}}).then(
      () => ({code: 0, stdout: '', stderr: ''}),
      (error: {code: number; stdout: string; stderr: string}) => error,
    )
    expect(version.trim()).toMatch(/^v18\./)
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(`junkmail needs Node.js ${minimum} or later; this is Node.js ${version.trim()}. Install Node 22 or 24 LTS: https://nodejs.org\n`)
  })
})

describe('the Node versions tested', () => {
  it('junkmail --version names the Node in use', async () => {
    const {code, stdout} = await runCli(['--version'])
    expect(code).toBe(0)
    expect(stdout).toContain(process.version)
  })

  it('examples/github-actions.yml tests the same Node majors as .ci/run', () => {
    const matrix = /^\s*node: \[([\d, ]+)\]\s*$/m.exec(read('examples/github-actions.yml'))
    const ciMajors = /^node_majors=\(([\d ]+)\)$/m.exec(read('.ci/run'))
    expect(matrix, 'a "node: [..]" matrix line in the workflow').not.toBeNull()
    expect(ciMajors, 'a "node_majors=(..)" line in .ci/run').not.toBeNull()
    // .ci/run's first run is on the machine's Node, the oldest major that engines allows.
    const oldest = minimumOf(enginesRange())!.split('.')[0]
    expect(matrix![1].split(/, */)).toEqual([oldest, ...ciMajors![1].split(' ')])
  })
})
