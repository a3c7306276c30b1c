import * as Args from '@oclif/core/args'
import {JunkMailResourceCommand} from '../../src/cli/provider-command.js'

export default class EmailsDelete extends JunkMailResourceCommand {
  static summary = 'Delete an email (fires email.deleted).'
  static examples = ['<%= config.bin %> emails delete 6ba7b810-9dad-11d1-80b4-00c04fd430c8']
  static args = {id: Args.string({description: 'Email id.', required: true})}

  async run(): Promise<{message: string}> {
    const {args, flags} = await this.parse(EmailsDelete)
    const client = await this.client(flags)
    const result = await client.delete<{message: string}>(`/api/v1/emails/${encodeURIComponent(args.id)}`)
    this.say(result.message)
    return result
  }
}
