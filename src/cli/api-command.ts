import * as Flags from '@oclif/core/flags'
import {ApiClient} from './api-client.js'
import {apiKeyFlag} from './api-key-flag.js'
import {JunkmailCommand} from './junkmail-command.js'
import {locateEmulator} from './locate-emulator.js'

/** Prefix of the emulator's own routes. */
export const EMULATOR_PREFIX = '/_emulator/v1'

/** A command that talks to a running emulator over HTTP. */
export abstract class ApiCommand extends JunkmailCommand {
  static baseFlags = {
    'api-url': Flags.string({
      env: 'JUNKMAIL_API_URL',
      helpGroup: 'EMULATOR',
      description: 'Base URL of the emulator (default: found through the runtime file in the data dir).',
    }),
    'api-key': apiKeyFlag({env: 'JUNKMAIL_API_KEY', helpGroup: 'EMULATOR', description: 'API key (default: the running emulator\'s key).'}),
    'data-dir': Flags.string({env: 'JUNKMAIL_DATA_DIR', helpGroup: 'EMULATOR', description: 'Data dir of the emulator to talk to.', default: '.junkmail'}),
  }

  static strict = true

  /** A client of the emulator named by the flags, or found in the data dir. */
  protected async client(flags: {'api-url'?: string; 'api-key'?: string; 'data-dir'?: string}): Promise<ApiClient> {
    const target = await locateEmulator({apiUrl: flags['api-url'], apiKey: flags['api-key'], dataDir: flags['data-dir']})
    return new ApiClient(target.apiUrl, target.apiKey)
  }
}
