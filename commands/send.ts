import {basename} from 'node:path'
import * as Flags from '@oclif/core/flags'
import {ApiCommand, EMULATOR_PREFIX} from '../src/cli/api-command.js'
import {UsageError} from '../src/cli/junkmail-command.js'

interface SendResult {
  accepted: string[]
  rejected: string[]
  response: string
  messageId: string | null
  emailIds: string[]
}

export default class Send extends ApiCommand {
  static summary = 'Send a mail through the emulator\'s SMTP sink, over real SMTP.'
  static description = 'A recipient without @ gets the local domain: --to signup is signup@junkmail.local. Unknown local addresses are created on the fly unless the emulator runs with --strict-recipients.'
  static examples = [
    '<%= config.bin %> send --to signup@junkmail.local --subject "Confirm your account" --text "Your code is 123456"',
    '<%= config.bin %> send --to alice --html "<p>Hello</p>" --attach ./invoice.pdf',
    '<%= config.bin %> send --to bob@junkmail.local --eml ./message.eml --json',
  ]
  static flags = {
    to: Flags.string({description: 'Recipient (repeatable, or comma-separated).', required: true, multiple: true, delimiter: ','}),
    from: Flags.string({description: 'Sender address.', default: 'sender@example.com'}),
    subject: Flags.string({description: 'Subject.', default: 'Test message from junkmail'}),
    text: Flags.string({description: 'Plain-text body.', exclusive: ['eml']}),
    html: Flags.string({description: 'HTML body.', exclusive: ['eml']}),
    eml: Flags.string({description: 'Send this file as the whole raw message (headers and body), byte for byte.', exclusive: ['text', 'html', 'attach']}),
    attach: Flags.string({description: 'Attach a file (repeatable).', multiple: true}),
    'smtp-host': Flags.string({description: 'SMTP host (default: the running emulator\'s; 127.0.0.1 when --smtp-port is given).', env: 'JUNKMAIL_SMTP_HOST', helpGroup: 'EMULATOR'}),
    'smtp-port': Flags.integer({description: 'SMTP port (default: the running emulator\'s).', env: 'JUNKMAIL_SMTP_PORT', min: 1, max: 65535, helpGroup: 'EMULATOR'}),
  }

  async run(): Promise<SendResult> {
    const {flags} = await this.parse(Send)
    let port = flags['smtp-port']
    // An explicit --smtp-port needs no running emulator to be found: the host defaults to loopback.
    let host = flags['smtp-host'] ?? (port ? '127.0.0.1' : undefined)
    let domain = 'junkmail.local'
    if (!host || !port) {
      const client = await this.client(flags)
      const {data} = await client.get<{data: {smtp: {host: string; port: number} | null; localDomain: string}}>(`${EMULATOR_PREFIX}/status`)
      if (!data.smtp) throw new Error('the running emulator has no SMTP sink (started with --no-smtp)')
      host ??= data.smtp.host
      port ??= data.smtp.port
      domain = data.localDomain
    }
    const to = flags.to.map((t) => t.trim()).filter(Boolean).map((t) => (t.includes('@') ? t : `${t}@${domain}`))
    if (to.length === 0) throw new UsageError('--to needs at least one address')
    const {default: nodemailer} = await import('nodemailer')
    const transport = nodemailer.createTransport({host, port, secure: false, ignoreTLS: true, connectionTimeout: 5000, greetingTimeout: 5000})
    const {readFile} = await import('node:fs/promises')
    const message = flags.eml
      ? {envelope: {from: flags.from, to}, raw: await readFile(flags.eml)}
      : {
          from: flags.from,
          to,
          subject: flags.subject,
          ...(flags.html === undefined ? {} : {html: flags.html}),
          text: flags.text ?? (flags.html === undefined ? 'Sent with junkmail send.' : undefined),
          attachments: (flags.attach ?? []).map((path) => ({path, filename: basename(path)})),
        }
    try {
      const info = await transport.sendMail(message)
      const emailIds = /queued as ([0-9a-f,-]+)/.exec(info.response)?.[1].split(',') ?? []
      const result: SendResult = {
        accepted: info.accepted.map(String),
        rejected: info.rejected.map(String),
        response: info.response,
        messageId: info.messageId ?? null,
        emailIds,
      }
      this.say(`Sent to ${result.accepted.join(', ')} via ${host}:${port}: ${info.response}`)
      if (result.rejected.length > 0) this.say(`Refused: ${result.rejected.join(', ')}`)
      return result
    } catch (error) {
      const e = error as {response?: string; code?: string; message: string}
      throw new Error(`SMTP ${host}:${port} refused the message: ${e.response ?? e.message}`)
    } finally {
      transport.close()
    }
  }
}
