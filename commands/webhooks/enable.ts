import * as Args from '@oclif/core/args'
import {ApiCommand, EMULATOR_PREFIX} from '../../src/cli/api-command.js'
import type {PublicWebhook} from '../../src/emulator/emulator-events.js'

export default class WebhooksEnable extends ApiCommand {
  static summary = 'Re-enable a webhook that was disabled after 5 failed attempts.'
  static description = 'Resets its failure count. Events that happened while it was disabled are not replayed; resend them with: junkmail events resend ID --webhook WEBHOOK_ID'
  static examples = ['<%= config.bin %> webhooks enable f47ac10b-58cc-4372-a567-0e02b2c3d479']
  static args = {id: Args.string({description: 'Webhook id.', required: true})}

  async run(): Promise<PublicWebhook> {
    const {args, flags} = await this.parse(WebhooksEnable)
    const client = await this.client(flags)
    const {data} = await client.post<{data: PublicWebhook}>(`${EMULATOR_PREFIX}/webhooks/${encodeURIComponent(args.id)}/enable`)
    this.say(`Webhook ${data.id} is enabled (failure count reset).`)
    return data
  }
}
