// What the SMTP benchmarks (smtp-ingest.js, smtp-builds.js) share: the signature-checking receiver,
// `junkmail dev` started for a run, Postfix's smtp-source, and a process's CPU time.
import {execFileSync, fork, spawn} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
/** Sessions every SMTP load uses. */
export const SESSIONS = 8

/** Forks a bench/ helper and resolves once it reports ready (its child and the fields it sent). */
export function forkReady(file, env = {}, children = []) {
  const child = fork(join(here, file), {env: {...process.env, ...env}, stdio: ['ignore', 'inherit', 'inherit', 'ipc']})
  children.push(child)
  return new Promise((resolve, reject) => {
    child.once('message', (m) => (m.type === 'ready' ? resolve({child, ...m}) : reject(new Error(JSON.stringify(m)))))
    child.once('exit', (code) => reject(new Error(`${file} exited ${code}`)))
  })
}

/** Arms the receiver for `count` webhooks signed with `secret`; resolves (once armed) to a function awaiting their arrival. */
export function expectWebhooks(receiver, count, secret = null) {
  return new Promise((resolve) => {
    receiver.child.once('message', (armed) => {
      if (armed.type !== 'armed') throw new Error('receiver not armed')
      const received = new Promise((done) => receiver.child.once('message', (m) => done(m)))
      resolve(() => received)
    })
    receiver.child.send({type: 'expect', count, secret})
  })
}

/**
 * `junkmail dev --json` of the build whose `bin/run.js` is `bin`, on `dataDir`, forwarding
 * email.received to `receiverUrl`. Resolves with its SMTP port and the webhook's secret.
 */
export async function startDev(bin, receiverUrl, dataDir, children = []) {
  const child = spawn(
    process.execPath,
    [bin, 'dev', '--json', '--port', '0', '--smtp-port', '0', '--data-dir', dataDir, '--forward-to', receiverUrl, '--events', 'email.received', '--address-lifetime', '2592000'],
    {stdio: ['ignore', 'pipe', 'inherit']},
  )
  children.push(child)
  // The ready line (NDJSON) gives the ports; the rest of the stream is drained unread, as a CI job
  // writing it to a log would (splitting it into lines here would cost this process CPU that the
  // client shares with the emulator on a 2-core machine).
  const ready = await new Promise((resolve, reject) => {
    let text = ''
    const onData = (chunk) => {
      text += chunk
      const nl = text.indexOf('\n')
      if (nl < 0) return
      child.stdout.off('data', onData)
      child.stdout.on('data', () => {})
      resolve(JSON.parse(text.slice(0, nl)))
    }
    child.stdout.on('data', onData)
    child.once('exit', (code) => reject(new Error(`junkmail dev exited ${code}`)))
  })
  return {child, port: ready.smtpPort, secret: ready.forwardTo.secret, stop: () => new Promise((r) => (child.once('exit', r), child.kill('SIGTERM')))}
}

/** Postfix's smtp-source: through $SMTP_SOURCE, /tmp/postfix-x or $PATH (see bench/README.md), or null. */
export function findSmtpSource() {
  const candidates = [process.env.SMTP_SOURCE, '/tmp/postfix-x/usr/sbin/smtp-source']
  try {
    candidates.push(execFileSync('sh', ['-c', 'command -v smtp-source'], {encoding: 'utf8'}).trim())
  } catch {}
  for (const path of candidates) {
    if (!path || !existsSync(path)) continue
    const libs = join(dirname(path), '..', 'lib', 'postfix')
    return {path, env: {...process.env, LD_LIBRARY_PATH: [libs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':')}}
  }
  return null
}

/** `count` mails of ~1 KB to bench@junkmail.local over SESSIONS sessions, with smtp-source. */
export function smtpSource(tool, port, count) {
  return new Promise((resolve, reject) => {
    const child = spawn(tool.path, ['-s', String(SESSIONS), '-m', String(count), '-l', '1000', '-d', '-f', 'bench@example.com', '-t', 'bench@junkmail.local', '-M', 'bench.local', `127.0.0.1:${port}`], {env: tool.env, stdio: ['ignore', 'ignore', 'pipe']})
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`smtp-source exited ${code}: ${err}`))))
  })
}

/** CPU time of a process so far (user + system, all its threads), ms. */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // utime and stime, fields 14 and 15 of proc(5), in clock ticks (100 a second on Linux).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
}
