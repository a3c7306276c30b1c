import type {ApiClient} from './api-client.js'
import {ApiCommand, EMULATOR_PREFIX} from './api-command.js'

/** What `GET /_emulator/v1/status` says about the provider. */
interface ProviderFacts {
  provider: string
  providerName: string
  apiPath?: string
}

/**
 * A command in one provider's vocabulary (Sendook's `inboxes`, `messages`): it checks that the
 * emulator it talks to plays that provider, and says in one line what to do when it does not.
 */
export abstract class ProviderApiCommand extends ApiCommand {
  /** The provider whose resources the command manages, and how people call it. */
  static provider: {name: string; displayName: string}

  protected override async client(flags: {'api-url'?: string; 'api-key'?: string; 'data-dir'?: string}): Promise<ApiClient> {
    const client = await super.client(flags)
    const wanted = (this.constructor as typeof ProviderApiCommand).provider
    const {data} = await client.get<{data: ProviderFacts}>(`${EMULATOR_PREFIX}/status`)
    if (data.provider !== wanted.name) {
      const command = this.id?.replaceAll(':', ' ') ?? 'this command'
      throw new Error(`junkmail ${command} manages ${wanted.displayName}'s resources, and the emulator at ${client.apiUrl} plays ${data.providerName ?? data.provider}; start one with: junkmail dev --provider ${wanted.name}`)
    }
    return client
  }
}

/** JunkMail's vocabulary commands (`addresses`, `emails`). */
export abstract class JunkMailResourceCommand extends ProviderApiCommand {
  static provider = {name: 'junkmail', displayName: 'JunkMail'}
}

/** Sendook's vocabulary commands (`inboxes`, `messages`). */
export abstract class SendookResourceCommand extends ProviderApiCommand {
  static provider = {name: 'sendook', displayName: 'Sendook'}
}
