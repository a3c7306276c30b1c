import type {Provider} from './provider.js'

/**
 * Every provider the emulator can play, by name, each loaded only when asked for (naming them costs
 * nothing at start). A new provider is one folder and one entry here.
 */
const loaders: Readonly<Record<string, () => Promise<Provider>>> = {
  junkmail: async () => (await import('./junkmail/index.js')).junkmail,
  sendook: async () => (await import('./sendook/index.js')).sendook,
}

/** The names `--provider` takes, in the order help lists them. */
export const PROVIDER_NAMES: readonly string[] = Object.keys(loaders)

/** The default provider. */
export const DEFAULT_PROVIDER = 'junkmail'

/** The provider of that name; a RangeError lists the known ones. */
export async function loadProvider(name: string): Promise<Provider> {
  const load = Object.hasOwn(loaders, name) ? loaders[name] : undefined
  if (!load) throw new RangeError(`unknown provider "${name}"; known providers: ${PROVIDER_NAMES.join(', ')}`)
  return load()
}
