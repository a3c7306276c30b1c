import * as Args from '@oclif/core/args'
import {JunkMailResourceCommand} from '../../src/cli/provider-command.js'

export default class EmailsRaw extends JunkMailResourceCommand {
  static summary = 'Print the exact bytes received (the .eml).'
  static examples = ['<%= config.bin %> emails raw 6ba7b810-9dad-11d1-80b4-00c04fd430c8 > message.eml']
  static args = {id: Args.string({description: 'Email id.', required: true})}

  async run(): Promise<{id: string; size: number; raw: string}> {
    const {args, flags} = await this.parse(EmailsRaw)
    const client = await this.client(flags)
    const raw = await client.getBytes(`/api/v1/emails/${encodeURIComponent(args.id)}/raw`)
    if (!this.jsonEnabled()) process.stdout.write(raw)
    return {id: args.id, size: raw.length, raw: raw.toString('base64')}
  }
}
