import {execFile} from 'node:child_process'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {describe, expect, it} from 'vitest'
import {tempDir} from './support/temp-dir.js'

// junkmail in someone else's project (issue 13): packed, installed as a dev dependency into an
// empty project with nothing prebuilt there, then used through npx.

const run = promisify(execFile)
const root = fileURLToPath(new URL('..', import.meta.url))
const env = {...process.env, NODE_ENV: undefined, JUNKMAIL_API_URL: undefined, JUNKMAIL_API_KEY: undefined, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false'}

describe('installed into another project', () => {
  it('npm pack, npm install --save-dev the tarball in an empty project, then npx junkmail --help and junkmail exec work there', async () => {
    const dir = await tempDir()
    // --ignore-scripts: dist/ is built (npm test builds first); rebuilding it here would rewrite files other tests are running.
    const {stdout: packed} = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, '--silent'], {cwd: root, env, timeout: 120_000})
    const tarball = join(dir, packed.trim().split('\n').at(-1)!)
    const project = join(dir, 'project')
    await run('mkdir', [project])
    await writeFile(join(project, 'package.json'), JSON.stringify({name: 'my-app', version: '1.0.0', private: true, type: 'module'}))
    await run('npm', ['install', '--save-dev', '--prefer-offline', tarball], {cwd: project, env, timeout: 180_000})

    const help = await run('npx', ['junkmail', '--help'], {cwd: project, env, timeout: 30_000})
    expect(help.stdout).toContain('junkmail/0.1.0')
    const exec = await run('npx', ['junkmail', 'exec', '--', 'node', '-e', 'console.log("env", process.env.JUNKMAIL_API_URL.startsWith("http://127.0.0.1:"), process.env.JUNKMAIL_PROVIDER)'], {cwd: project, env, timeout: 30_000})
    expect(exec.stdout).toBe('env true junkmail\n')
    // The library too, by its name.
    const lib = await run('node', ['--input-type=module', '-e', 'const {startEmulator} = await import("junkmail"); const e = await startEmulator(); console.log(e.dataDir, typeof e.trigger); await e.stop()'], {cwd: project, env, timeout: 30_000})
    expect(lib.stdout).toBe('null function\n')
  }, 240_000)
})
