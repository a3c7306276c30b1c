import {readFile, rm, stat, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {startEmulator} from '../src/emulator/start-emulator.js'
import {PROVIDER_NAMES, loadProvider} from '../src/providers/registry.js'
import {ProviderMismatchError} from '../src/runtime/provider-marker.js'
import {runCli} from './support/cli.js'
import {startDevProcess} from './support/dev-process.js'
import {tempDir} from './support/temp-dir.js'

// One provider per emulator, chosen with --provider (env JUNKMAIL_PROVIDER), and one per data dir.

describe('providers', () => {
  it('--provider takes the registered names; another is a usage error (one line, exit 2)', async () => {
    expect(PROVIDER_NAMES).toContain('junkmail')
    const bad = await runCli(['dev', '--provider', 'nope', '--in-memory', '--port', '0', '--no-smtp'])
    expect(bad.code).toBe(2)
    expect(bad.stderr.trim().split('\n')).toHaveLength(1)
    expect(bad.stderr).toMatch(/--provider.*nope.*junkmail/)
    await expect(loadProvider('nope')).rejects.toThrow(/unknown provider "nope"; known providers: junkmail/)
  })

  it('the ready line, the status and the runtime file say which provider runs', async () => {
    const dir = await tempDir()
    const dev = await startDevProcess(['--data-dir', join(dir, 'data'), '--no-smtp'], {env: {JUNKMAIL_PROVIDER: 'junkmail'}})
    expect(dev.ready.provider).toBe('junkmail')
    expect(dev.ready.apiUrl).toBe(`${dev.ready.baseUrl}/api/v1`)
    const runtime = JSON.parse(await readFile(join(dir, 'data', 'runtime.json'), 'utf8'))
    expect(runtime.provider).toBe('junkmail')
    const status = await runCli(['status', '--json', '--data-dir', join(dir, 'data')])
    expect(JSON.parse(status.stdout)).toMatchObject({provider: 'junkmail', providerName: 'JunkMail', apiPath: '/api/v1'})
  })

  it('a data dir is marked with its provider; another provider is refused there, with nothing changed', async () => {
    const dir = await tempDir()
    const dataDir = join(dir, 'data')
    const first = await startEmulator({dataDir, port: 0, smtpPort: false})
    await first.stop()
    expect(await readFile(join(dataDir, 'provider'), 'utf8')).toBe('junkmail\n')
    expect((await stat(join(dataDir, 'provider'))).mode & 0o777).toBe(0o600)

    // A data dir marked for another provider (as one written by `dev --provider other` would be).
    await writeFile(join(dataDir, 'provider'), 'other\n')
    const refused = await startEmulator({dataDir, port: 0, smtpPort: false}).then(
      () => null,
      (error: unknown) => error,
    )
    expect(refused).toBeInstanceOf(ProviderMismatchError)
    // The library names its options; the CLI, its flags.
    expect((refused as Error).message).toBe(`${dataDir} holds the data of a other emulator, not junkmail: start it with the other provider, or give junkmail a dataDir of its own, or dataDir: null (in memory)`)
    await expect(stat(join(dataDir, 'runtime.json'))).rejects.toMatchObject({code: 'ENOENT'})
    const cli = await runCli(['dev', '--data-dir', dataDir, '--port', '0', '--no-smtp', '--json'])
    expect(cli.code).toBe(1)
    expect(JSON.parse(cli.stdout).message).toBe(
      `${dataDir} holds the data of a other emulator, not junkmail: start it with --provider other, or give junkmail a data dir of its own (--data-dir .junkmail-junkmail) or --in-memory`,
    )

    // Put back, it starts again: the refusal released the data dir.
    await writeFile(join(dataDir, 'provider'), 'junkmail\n')
    const again = await startEmulator({dataDir, port: 0, smtpPort: false})
    await again.stop()
  })

  it('a data dir from before the marker (db.json, no marker) holds the default provider, and gets the marker', async () => {
    const dir = await tempDir()
    const dataDir = join(dir, 'data')
    const first = await startEmulator({dataDir, port: 0, smtpPort: false})
    await first.stop()
    await rm(join(dataDir, 'provider'))
    const second = await startEmulator({dataDir, port: 0, smtpPort: false})
    await second.stop()
    expect(await readFile(join(dataDir, 'provider'), 'utf8')).toBe('junkmail\n')
  })
})
