import {junkmail} from './junkmail/index.js'
import type {ProviderProfile} from './provider-profile.js'

/** Every provider contract the emulator can play, by name. A new one is one entry here. */
export const profiles: Readonly<Record<string, ProviderProfile>> = {junkmail}

/** The default provider. */
export const DEFAULT_PROFILE = 'junkmail'
