import * as Args from '@oclif/core/args'
import {ApiCommand, EMULATOR_PREFIX} from '../../src/cli/api-command.js'
import {describeAttempt} from '../../src/cli/describe-attempt.js'
import type {PresentedAttempt} from '../../src/emulator/present.js'
import {oneLine} from '../../src/cli/terminal-text.js'

export default class AttemptsGet extends ApiCommand {
  static summary = 'Show one attempt: the exact request sent and the response received.'
  static examples = ['<%= config.bin %> attempts get 9d3c7e4a-1b2c-4d5e-8f90-a1b2c3d4e5f6', '<%= config.bin %> attempts get 9d3c7e4a-1b2c-4d5e-8f90-a1b2c3d4e5f6 --json']
  static args = {id: Args.string({description: 'Attempt id.', required: true})}

  async run(): Promise<PresentedAttempt> {
    const {args, flags} = await this.parse(AttemptsGet)
    const client = await this.client(flags)
    const {data: a} = await client.get<{data: PresentedAttempt}>(`${EMULATOR_PREFIX}/attempts/${encodeURIComponent(args.id)}`)
    this.say(`Attempt ${a.number}/${a.maxAttempts} of ${a.eventType} ${a.eventId} to webhook ${a.webhookId}`)
    this.say(`  scheduled ${a.scheduledAt}, sent ${a.sentAt}: ${describeAttempt(a, a.maxAttempts)}`)
    this.say('')
    this.say(`> ${a.request.method} ${oneLine(a.request.url)}`)
    for (const [k, v] of Object.entries(a.request.headers)) this.say(`> ${k}: ${oneLine(v)}`)
    this.say('>')
    this.say(a.request.body ?? '(body pruned)')
    this.say('')
    if (a.response) {
      this.say(`< ${a.response.status}`)
      for (const [k, v] of Object.entries(a.response.headers)) this.say(`< ${oneLine(k)}: ${oneLine(Array.isArray(v) ? v.join(', ') : v)}`)
      this.say('<')
      const dropped = a.response.bodyBytesDropped
      this.say(a.response.body + (a.response.bodyTruncated ? `\n(truncated${dropped ? `: ${dropped.toLocaleString('en-US')} more bytes not kept` : ''})` : ''))
    } else this.say(`< no response: ${a.errorClass}${a.errorMessage ? ` (${oneLine(a.errorMessage)})` : ''}`)
    return a
  }
}
