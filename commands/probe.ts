import {writeFile} from 'node:fs/promises'
import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {ApiCommand, EMULATOR_PREFIX} from '../src/cli/api-command.js'
import {UsageError} from '../src/cli/junkmail-command.js'
import {PROVIDER_NAMES} from '../src/providers/registry.js'
import type {ProbeReport} from '../src/probe/run-probe.js'

export default class Probe extends ApiCommand {
  static summary = 'Test your webhook endpoint the way an attacker and a flaky network would, and print a report card.'
  static description = `Sends valid signed events of each type, then forged and tampered ones (wrong, missing, other-secret, unprefixed signature; changed or cut body), duplicates, an unknown and out-of-order events, a body that breaks a verifier of JSON.stringify(req.body), stale and future timestamps, a 1 MB payload, a charset and a GET, and times the answers against the provider's deadline.

MUST checks fail the probe (exit 1); SHOULD checks are advice; INFO only reports. Without --webhook it needs no running emulator: give the URL and --secret. With --webhook ID the emulator probes that webhook's URL with its own secret.`
  static examples = [
    '<%= config.bin %> probe http://localhost:3000/webhooks/junkmail --secret whsec_…',
    '<%= config.bin %> probe --webhook f47ac10b-58cc-4372-a567-0e02b2c3d479 --junit probe.xml',
    '<%= config.bin %> probe http://localhost:3000/hook --provider sendook --sign --secret sksec_… --json',
  ]
  static args = {url: Args.string({description: 'Your endpoint (not with --webhook).'})}
  static flags = {
    secret: Flags.string({description: 'The webhook secret your endpoint verifies with.', env: 'JUNKMAIL_WEBHOOK_SECRET'}),
    webhook: Flags.string({description: 'Probe this registered webhook (its URL and secret) through the running emulator.', exclusive: ['secret', 'provider', 'sign', 'deadline']}),
    provider: Flags.string({description: 'The contract to speak.', options: [...PROVIDER_NAMES], default: 'junkmail'}),
    sign: Flags.boolean({description: 'Sign where the contract defines no signature (Sendook, as dev --sign).', default: false}),
    events: Flags.string({description: 'Event types to send valid deliveries of (default: all; with --webhook, its events).', multiple: true, delimiter: ','}),
    skip: Flags.string({description: 'Checks not to run, by id or group: signature, duplicate, unknown-event, out-of-order, raw-body, timestamp, deadline, large-payload, charset, get.', multiple: true, delimiter: ','}),
    junit: Flags.string({description: 'Also write the report as JUnit XML to this file.'}),
    deadline: Flags.integer({description: 'The deadline your endpoint must answer within, ms (default: the provider\'s attempt timeout: JunkMail 10000, Sendook 5000).', min: 1}),
  }

  async run(): Promise<ProbeReport> {
    const {args, flags} = await this.parse(Probe)
    let report: ProbeReport
    if (flags.webhook) {
      if (args.url) throw new UsageError('give either a URL (with --secret) or --webhook ID, not both')
      const client = await this.client(flags)
      report = (await client.post<{data: ProbeReport}>(`${EMULATOR_PREFIX}/webhooks/${encodeURIComponent(flags.webhook)}/probe`, {...(flags.events ? {events: flags.events} : {}), ...(flags.skip ? {skip: flags.skip} : {})})).data
    } else {
      if (!args.url) throw new UsageError('give the endpoint URL (and --secret), or --webhook ID')
      if (!/^https?:\/\/[^\s]+$/.test(args.url)) throw new UsageError(`the URL must be an absolute http(s) URL, got "${args.url}"`)
      const [{loadProvider}, {runProbe}] = await Promise.all([import('../src/providers/registry.js'), import('../src/probe/run-probe.js')])
      const provider = await loadProvider(flags.provider)
      if (!flags.secret && (provider.signature.always || flags.sign)) throw new UsageError('give the secret your endpoint verifies with: --secret (or JUNKMAIL_WEBHOOK_SECRET)')
      try {
        report = await runProbe({url: args.url, secret: flags.secret ?? '', provider, events: flags.events, skip: flags.skip, sign: flags.sign, deadlineMs: flags.deadline})
      } catch (error) {
        if (error instanceof RangeError) throw new UsageError(error.message)
        throw error
      }
    }
    const {reportJunit, reportText} = await import('../src/probe/probe-report.js')
    if (flags.junit) await writeFile(flags.junit, reportJunit(report))
    this.say(reportText(report))
    if (!report.ok) process.exitCode = 1
    return report
  }
}
