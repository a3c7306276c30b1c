#!/usr/bin/env node
// Checks the Node version before importing anything that an older Node can't load (see
// bin/node-version.js): one line and exit 1 instead of a stack trace. Keep this file's syntax plain.
import {enginesRange, unsupportedNodeMessage} from './node-version.js'

const unsupported = unsupportedNodeMessage(process.version, enginesRange())
if (unsupported) {
  process.stderr.write(unsupported + '\n')
  process.exitCode = 1
} else {
  // @oclif/core checks the Node version against its own engines field on import, loading semver
  // for it (about 30 ms of every command). npm already checks junkmail's engines at install.
  if (process.env.OCLIF_DISABLE_ENGINE_WARNING === undefined) process.env.OCLIF_DISABLE_ENGINE_WARNING = '1'
  // Node 22.1+ keeps the compiled code of the modules in a cache on disk (in the temp dir) and reuses
  // it: every command after the first starts faster. Older Node has no such cache.
  const nodeModule = await import('node:module')
  nodeModule.enableCompileCache?.()
  const {execute} = await import('@oclif/core/execute')
  await execute({dir: import.meta.url})
}
