#!/usr/bin/env node
// @oclif/core checks the Node version against its own engines field on import, loading semver
// for it (about 30 ms of every command). npm already checks junkmail's engines at install.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1'
const {execute} = await import('@oclif/core/execute')

await execute({dir: import.meta.url})
