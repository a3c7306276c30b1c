import {createHmac, timingSafeEqual} from 'node:crypto'
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {onTestFinished} from 'vitest'

// Four webhook endpoints written to be probed (issue 14): one correct, one that accepts anything,
// one that verifies JSON.stringify(req.body) as the JunkMail reference's Node example does, one slow.

export type Kind = 'correct' | 'accept-all' | 'stringify' | 'slow'

const sign = (payload: string | Buffer, secret: string) => 'sha256=' + createHmac('sha256', secret).update(payload).digest('hex')
const same = (a: string, b: string) => Buffer.byteLength(a) === Buffer.byteLength(b) && timingSafeEqual(Buffer.from(a), Buffer.from(b))

/** Starts one; resolves with its URL. `delayMs`: how long the slow one takes. */
export async function startEndpoint(kind: Kind, secret: string, options: {delayMs?: number; header?: string} = {}): Promise<string> {
  const header = (options.header ?? 'x-junkmail-signature').toLowerCase()
  const seen = new Set<string>()
  const handle = (req: IncomingMessage, res: ServerResponse, raw: Buffer) => {
    if (kind === 'accept-all') return res.writeHead(200).end('ok')
    if (req.method !== 'POST') return res.writeHead(405).end()
    const signature = String(req.headers[header] ?? '')
    let parsed: unknown
    try {
      parsed = JSON.parse(raw.toString('utf8'))
    } catch {
      return res.writeHead(400).end('not JSON')
    }
    // The reference's Node example: the signature of JSON.stringify(req.body).
    const payload = kind === 'stringify' ? JSON.stringify(parsed) : raw
    if (!same(signature, sign(payload, secret))) return res.writeHead(401).end('Invalid signature')
    const key = raw.toString('utf8')
    if (seen.has(key)) return res.writeHead(200).end('already handled')
    seen.add(key)
    res.writeHead(200).end('OK')
  }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks)
      if (kind === 'slow') setTimeout(() => handle(req, res, raw), options.delayMs ?? 1000)
      else handle(req, res, raw)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())))
  server.keepAliveTimeout = 1000
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
}
