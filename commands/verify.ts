import {readFile} from 'node:fs/promises'
import * as Flags from '@oclif/core/flags'
import {diagnoseSignature, type SignatureCheck} from '../src/cli/diagnose-signature.js'
import {JunkmailCommand, UsageError} from '../src/cli/junkmail-command.js'

export default class Verify extends JunkmailCommand {
  static summary = 'Check a webhook signature, and say why it does not match.'
  static description = 'Computes sha256=HMAC-SHA256(payload, secret) over the exact bytes given and compares. When it does not match it names the likely mistake: re-serialised body, trailing newline, missing prefix, wrong secret. Exit code 0 when valid, 1 when not. Works without a running emulator.'
  static examples = [
    '<%= config.bin %> verify --secret whsec_abc --signature sha256=5d4f… --payload body.json',
    'cat body.json | <%= config.bin %> verify --secret "$WEBHOOK_SECRET" --signature "$SIG"',
  ]
  static flags = {
    secret: Flags.string({description: 'The webhook secret (whsec_…, or sksec_… for Sendook).', required: true, env: 'JUNKMAIL_WEBHOOK_SECRET'}),
    signature: Flags.string({description: 'Value of the X-JunkMail-Signature header (or X-Sendook-Signature, under dev --provider sendook --sign).', required: true}),
    payload: Flags.string({description: 'File holding the raw request body (default: read stdin).'}),
  }

  async run(): Promise<SignatureCheck> {
    const {flags} = await this.parse(Verify)
    let payload: Buffer
    if (flags.payload) payload = await readFile(flags.payload)
    else if (process.stdin.isTTY) throw new UsageError('give the raw body with --payload FILE or on stdin')
    else payload = await readStdin()
    const check = diagnoseSignature(payload, flags.signature, flags.secret)
    if (check.valid) this.say('Signature is valid.')
    else {
      this.say(`Signature is NOT valid: ${check.reason}.`)
      this.say(`Expected ${check.expected} for the ${payload.length} bytes given.`)
      process.exitCode = 1
    }
    return check
  }
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}
