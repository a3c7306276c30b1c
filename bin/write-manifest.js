#!/usr/bin/env node
// Writes oclif.manifest.json after a build, as `oclif manifest` does, so `junkmail --help` and
// every command start without importing all the command files. Generated, never committed.
import {rm, writeFile} from 'node:fs/promises'
import {fileURLToPath} from 'node:url'
import {Config} from '@oclif/core'

const root = fileURLToPath(new URL('..', import.meta.url))
const file = new URL('../oclif.manifest.json', import.meta.url)
// Build it from the compiled commands, not from the manifest of the previous build.
await rm(file, {force: true})
const config = await Config.load(root)
const plugin = config.plugins.get(config.pjson.name)
const manifest = {...plugin.manifest, version: config.version}
await writeFile(file, JSON.stringify(manifest, null, 2) + '\n')
console.log(`oclif.manifest.json: ${Object.keys(manifest.commands).length} commands`)
