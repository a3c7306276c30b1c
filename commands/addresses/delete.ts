import * as Args from '@oclif/core/args'
import {JunkMailResourceCommand} from '../../src/cli/provider-command.js'

export default class AddressesDelete extends JunkMailResourceCommand {
  static summary = 'Delete an address and all its mail (fires address.deleted).'
  static examples = ['<%= config.bin %> addresses delete 550e8400-e29b-41d4-a716-446655440000']
  static args = {id: Args.string({description: 'Address id.', required: true})}

  async run(): Promise<{message: string}> {
    const {args, flags} = await this.parse(AddressesDelete)
    const client = await this.client(flags)
    const result = await client.delete<{message: string}>(`/api/v1/addresses/${encodeURIComponent(args.id)}`)
    this.say(result.message)
    return result
  }
}
