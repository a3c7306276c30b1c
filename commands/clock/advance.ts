import * as Args from '@oclif/core/args'
import {ApiCommand, EMULATOR_PREFIX} from '../../src/cli/api-command.js'
import {UsageError} from '../../src/cli/junkmail-command.js'
import {formatDuration, parseDuration} from '../../src/clock/duration.js'

import type {ClockState} from '../../src/clock/emulator-clock.js'

type Advanced = ClockState & {advancedMs: number; tookMs: number}

export default class ClockAdvance extends ApiCommand {
  static summary = 'Move emulator time forward, running every retry, expiry and outcome due on the way, in order.'
  static description = 'Returns once everything due on the way has run (each attempt to its end), so a script can check the outcome right after: a whole retry schedule, or an address lifetime, in a moment of real time.'
  static examples = ['<%= config.bin %> clock advance 90s', '<%= config.bin %> clock advance 3h --json', '<%= config.bin %> clock advance 1h30m']
  static args = {duration: Args.string({description: 'How far: 90s, 30m, 2h, 1h30m, 500ms, 2d.', required: true})}

  async run(): Promise<Advanced> {
    const {args, flags} = await this.parse(ClockAdvance)
    let ms: number
    try {
      ms = parseDuration(args.duration)
    } catch (error) {
      throw new UsageError((error as Error).message)
    }
    const client = await this.client(flags)
    const {data} = await client.post<{data: Advanced}>(`${EMULATOR_PREFIX}/clock/advance`, {duration: ms})
    this.say(`Advanced ${formatDuration(ms)}: emulator time is ${data.now} (${formatDuration(data.offsetMs)} ahead of real time; took ${data.tookMs} ms)`)
    return data
  }
}
