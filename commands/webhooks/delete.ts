import * as Args from '@oclif/core/args'
import {ApiCommand, EMULATOR_PREFIX} from '../../src/cli/api-command.js'

export default class WebhooksDelete extends ApiCommand {
  static summary = 'Delete a webhook; its pending retries are cancelled.'
  static examples = ['<%= config.bin %> webhooks delete f47ac10b-58cc-4372-a567-0e02b2c3d479']
  static args = {id: Args.string({description: 'Webhook id.', required: true})}

  async run(): Promise<{message: string}> {
    const {args, flags} = await this.parse(WebhooksDelete)
    const client = await this.client(flags)
    const result = await client.delete<{message: string}>(`${EMULATOR_PREFIX}/webhooks/${encodeURIComponent(args.id)}`)
    this.say(result.message)
    return result
  }
}
