import * as Flags from '@oclif/core/flags'
import {DEFAULT_PROVIDER, PROVIDER_NAMES} from '../providers/registry.js'

/** `--provider` (env `JUNKMAIL_PROVIDER`): which email service the emulator plays. */
export const providerFlag = (description: string) =>
  Flags.string({description, options: [...PROVIDER_NAMES], default: DEFAULT_PROVIDER, env: 'JUNKMAIL_PROVIDER'})
