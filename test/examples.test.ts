import {execFile} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {describe, expect, it} from 'vitest'

describe('examples', () => {
  it('examples/ci-integration.sh (the README\'s CI recipe) runs green', async () => {
    const script = fileURLToPath(new URL('../examples/ci-integration.sh', import.meta.url))
    const {stdout} = await promisify(execFile)('bash', [script], {env: {...process.env, NODE_ENV: undefined} as NodeJS.ProcessEnv, timeout: 60_000})
    expect(stdout).toContain('failed attempts: 0')
    expect(stdout).toContain('ok: delivered, signed, verified by the app')
    expect(stdout).toContain('ok: emulator stopped')
  }, 60_000)
})
