import {execFile} from 'node:child_process'
import {randomUUID} from 'node:crypto'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {promisify} from 'node:util'

/**
 * One transaction of a Python session. `sendmail` goes through `smtplib.SMTP.sendmail` (which
 * declares SIZE when offered); `steps` drives `mail()`, `rcpt()` and `data()` one by one, so no
 * SIZE is declared and every reply is reported.
 */
export interface PythonTransaction {
  mode: 'sendmail' | 'steps'
  from: string
  to: string[]
  message: Buffer
}

/** What one transaction got back. `error` is set when smtplib raised. */
export interface PythonResult {
  ok: boolean
  /** sendmail: the refused recipients, `{address: [code, text]}`. */
  refused?: Record<string, [number, string]>
  /** steps: each reply as `[code, text]`. */
  mail?: [number, string]
  rcpt?: Array<[number, string]>
  data?: [number, string]
  error?: {type: string; code: number | null; message: string}
}

export interface PythonSession {
  ehlo: {code: number; features: string[]}
  auth: {code: number; message: string} | null
  results: PythonResult[]
}

/** A real `smtplib` client: one session, optional AUTH (smtplib picks PLAIN), transactions in order. */
const SCRIPT = `
import json, smtplib, sys

def text(b):
    return b.decode('utf-8', 'replace') if isinstance(b, bytes) else str(b)

def error(e):
    code = getattr(e, 'smtp_code', None)
    msg = text(getattr(e, 'smtp_error', b'')) or str(e)
    if isinstance(e, smtplib.SMTPRecipientsRefused):
        first = list(e.recipients.values())[0]
        code, msg = first[0], text(first[1])
    return {'type': type(e).__name__, 'code': code, 'message': msg}

cfg = json.load(open(sys.argv[1]))
s = smtplib.SMTP('127.0.0.1', cfg['port'], local_hostname='python.test', timeout=20)
code, _ = s.ehlo()
out = {'ehlo': {'code': code, 'features': sorted(s.esmtp_features.keys())}, 'auth': None, 'results': []}
if cfg.get('auth'):
    code, msg = s.login(cfg['auth']['user'], cfg['auth']['pass'])
    out['auth'] = {'code': code, 'message': text(msg)}
for t in cfg['transactions']:
    raw = open(t['file'], 'rb').read()
    r = {'ok': True}
    try:
        if t['mode'] == 'sendmail':
            refused = s.sendmail(t['from'], t['to'], raw)
            r['refused'] = {k: [v[0], text(v[1])] for k, v in refused.items()}
        else:
            code, msg = s.mail(t['from'])
            r['mail'] = [code, text(msg)]
            r['rcpt'] = []
            for to in t['to']:
                code, msg = s.rcpt(to)
                r['rcpt'].append([code, text(msg)])
            if any(c == 250 for c, _ in r['rcpt']):
                code, msg = s.data(raw)
                r['data'] = [code, text(msg)]
            else:
                s.rset()
            r['ok'] = r.get('data', [0])[0] == 250
    except (smtplib.SMTPException, OSError) as e:
        r = {'ok': False, 'error': error(e)}
    out['results'].append(r)
s.quit()
print(json.dumps(out))
`

/** Runs one smtplib session against 127.0.0.1:`port` (files go to `dir`). */
export async function pythonSmtp(
  dir: string,
  port: number,
  transactions: PythonTransaction[],
  auth?: {user: string; pass: string},
): Promise<PythonSession> {
  const script = join(dir, 'smtp_session.py')
  await writeFile(script, SCRIPT)
  const list = []
  for (const t of transactions) {
    const file = join(dir, `message-${randomUUID()}.eml`)
    await writeFile(file, t.message)
    list.push({mode: t.mode, from: t.from, to: t.to, file})
  }
  const config = join(dir, `session-${randomUUID()}.json`)
  await writeFile(config, JSON.stringify({port, auth, transactions: list}))
  const {stdout} = await promisify(execFile)('python3', [script, config], {timeout: 30_000, maxBuffer: 10 * 1024 * 1024})
  return JSON.parse(stdout) as PythonSession
}
