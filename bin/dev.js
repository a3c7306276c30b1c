#!/usr/bin/env -S node --import tsx
// Runs the TypeScript sources directly (no build step): `./bin/dev.js webhooks list`.
// The same Node version gate as bin/run.js, before oclif and the sources are imported.
import {enginesRange, unsupportedNodeMessage} from './node-version.js'

const unsupported = unsupportedNodeMessage(process.version, enginesRange())
if (unsupported) {
  process.stderr.write(unsupported + '\n')
  process.exitCode = 1
} else {
  const {execute} = await import('@oclif/core')
  await execute({development: true, dir: import.meta.url})
}
