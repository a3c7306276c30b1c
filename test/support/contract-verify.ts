import {execFile} from 'node:child_process'
import crypto from 'node:crypto'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {promisify} from 'node:util'

/** The contract's Node.js `verifySignature`, verbatim. */
export function verifySignature(payload: string, signature: string, secret: string): boolean {
  const expectedSignature = 'sha256=' + crypto.createHmac('sha256', secret).update(payload).digest('hex')
  // timingSafeEqual throws on different lengths, as in the contract's code.
  return crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expectedSignature))
}

/** The contract's Node.js handler check: `JSON.stringify(req.body)` of the parsed body. */
export function verifyLikeContractNodeHandler(rawBody: Buffer, signature: string, secret: string): boolean {
  const body = JSON.parse(rawBody.toString('utf8')) as unknown // what express.json() hands to the handler
  return verifySignature(JSON.stringify(body), signature, secret)
}

/** The contract's Python `verify_signature`, verbatim, applied to the raw body. */
const PYTHON = `
import hmac
import hashlib
import sys

def verify_signature(payload, signature, secret):
    expected = 'sha256=' + hmac.new(
        secret.encode(),
        payload.encode(),
        hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(signature, expected)

body_file, signature, secret = sys.argv[1], sys.argv[2], sys.argv[3]
with open(body_file, 'rb') as f:
    payload = f.read().decode('utf-8')
print('valid' if verify_signature(payload, signature, secret) else 'invalid')
`

/** Runs the contract's Python check for real with `python3`; true when it prints `valid`. */
export async function verifyWithPython(dir: string, rawBody: Buffer, signature: string, secret: string): Promise<boolean> {
  const script = join(dir, 'verify_signature.py')
  const bodyFile = join(dir, `body-${crypto.randomUUID()}.json`)
  await writeFile(script, PYTHON)
  await writeFile(bodyFile, rawBody)
  const {stdout} = await promisify(execFile)('python3', [script, bodyFile, signature, secret], {timeout: 10_000})
  return stdout.trim() === 'valid'
}
