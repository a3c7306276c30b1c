import {existsSync} from 'node:fs'
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it, onTestFinished} from 'vitest'
import {runCli} from './support/cli.js'
import {startDevProcess} from './support/dev-process.js'
import {startReceiver} from './support/receiver.js'
import {tempDir} from './support/temp-dir.js'

const json = (text: string) => JSON.parse(text)

describe('junkmail CLI', () => {
  it('--help lists every command and topic; each command\'s help has a description, usage and examples', async () => {
    const {readdir} = await import('node:fs/promises')
    // The commands are the files in commands/: a file per command, a folder per topic.
    const entries = await readdir(new URL('../commands/', import.meta.url), {withFileTypes: true})
    const topics = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort()
    const commands = entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => e.name.slice(0, -3)).sort()
    const ids = [...commands.map((c) => [c])]
    for (const topic of topics) {
      // index.ts is the topic's own command (`junkmail clock`).
      for (const file of await readdir(new URL(`../commands/${topic}/`, import.meta.url))) ids.push(file === 'index.ts' ? [topic] : [topic, file.slice(0, -3)])
    }
    const help = await runCli(['--help'])
    expect(help.code).toBe(0)
    const section = (title: string) => {
      const lines = help.stdout.split(`\n${title}\n`)[1].split('\n\n')[0].split('\n')
      return lines.filter((l) => /^ {2}\S/.test(l)).map((l) => l.trim().split(/\s+/)[0]).sort()
    }
    expect(section('TOPICS')).toEqual(topics)
    // A topic with a command of its own (commands/clock/index.ts) is listed under both.
    const topicCommands = topics.filter((t) => ids.some((id) => id.length === 1 && id[0] === t))
    expect(section('COMMANDS')).toEqual([...commands, ...topicCommands].sort())
    expect(ids).toHaveLength(42)
    const pending = [...ids]
    const worker = async () => {
      for (let id = pending.shift(); id; id = pending.shift()) {
        const one = await runCli([...id, '--help'])
        expect(one.code, id.join(' ')).toBe(0)
        expect(one.stdout, id.join(' ')).toMatch(new RegExp(`^\\S.*\\n\\nUSAGE\\n {2}\\$ junkmail ${id.join(' ')}`))
        expect(one.stdout, id.join(' ')).toMatch(new RegExp(`\\nEXAMPLES\\n {2}\\$ junkmail ${id.join(' ')}`))
      }
    }
    await Promise.all([worker(), worker(), worker(), worker()])
    const create = await runCli(['webhooks', 'create', '--help'])
    expect(create.stdout).toContain('--events=<value>')
  })

  it('a bad flag, a bad value or a missing argument: one line on stderr, exit code 2', async () => {
    for (const args of [['dev', '--bogus'], ['dev', '--port', 'abc'], ['dev', '--time-scale', '0'], ['trigger'], ['webhooks', 'get'], ['events', 'list', '--limit', 'x'], ['send', '--to'], ['dev', '--port', '1', '--port', '2'], ['webhooks', 'list', 'extra'], ['bogus'], ['webhoks', 'list'], ['dev', '--api-key', ''], ['dev', '--api-key', 'has space'], ['dev', '--api-key', 'clé'], ['webhooks', 'list', '--api-key', 'a b'], ['dev', '--headers-timeout', '5000', '--request-timeout', '1000'], ['dev', '--smtp-timeout', '10']]) {
      const result = await runCli(args)
      expect(result.code, args.join(' ')).toBe(2)
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1)
      expect(result.stderr).toMatch(/^Error: /)
    }
    expect((await runCli(['dev', '--api-key', ''])).stderr).toBe('Error: Parsing --api-key: the API key is empty (see: junkmail dev --help)\n')
    const typo = await runCli(['webhoks', 'list'])
    expect(typo.stderr).toContain('did you mean "junkmail webhooks list"')
    const helpFor = await runCli(['help', 'webhooks', 'create'])
    expect(helpFor.code).toBe(0)
    expect(helpFor.stdout).toContain('--events')
    const helpTypo = await runCli(['help', 'trigerr'])
    expect(helpTypo.code).toBe(2)
    expect(helpTypo.stderr).toContain('did you mean "junkmail trigger"')
    const typoJson = await runCli(['emails', 'lst', '--json'])
    expect(typoJson.code).toBe(2)
    expect(json(typoJson.stdout).error).toMatchObject({code: 'usage_error', message: expect.stringContaining('junkmail emails list')})
  })

  it('with no emulator running, a command says so in one line, how to start one, exit 1 (JSON error under --json)', async () => {
    const cwd = await tempDir()
    const env = {JUNKMAIL_API_URL: 'http://127.0.0.1:9'}
    const human = await runCli(['status'], {cwd, env})
    expect(human.code).toBe(1)
    expect(human.stderr.trim().split('\n')).toHaveLength(1)
    expect(human.stderr).toContain('npx junkmail dev')
    const viaRuntimeFile = await runCli(['webhooks', 'list', '--data-dir', join(cwd, 'nothing-here')], {cwd})
    expect(viaRuntimeFile.code).toBe(1)
    expect(viaRuntimeFile.stderr).toContain('no junkmail emulator is running')
    const asJson = await runCli(['status', '--json'], {cwd, env})
    expect(asJson.code).toBe(1)
    expect(json(asJson.stdout).error.code).toBe('unreachable')
  })

  it('the whole loop against a running emulator found through its runtime file: create, list, trigger, inspect, resend, delete', async () => {
    const cwd = await tempDir()
    const receiver = await startReceiver(() => ({status: 200, body: '{"received":true}', headers: {'content-type': 'application/json'}}))
    const dev = await startDevProcess([], {cwd}) // default data dir: <cwd>/.junkmail
    expect(existsSync(join(cwd, '.junkmail', 'runtime.json'))).toBe(true)
    const cli = (...args: string[]) => runCli(args, {cwd})

    const created = await cli('webhooks', 'create', '--url', `${receiver.url}/hook`, '--events', 'email.received,address.expired', '--json')
    expect(created.code, created.stderr).toBe(0)
    const webhook = json(created.stdout)
    expect(Object.keys(webhook)).toEqual(['id', 'url', 'events', 'secret', 'createdAt'])
    expect(webhook.secret).toMatch(/^whsec_[0-9a-f]{48}$/)

    const listed = await cli('webhooks', 'list')
    expect(listed.code).toBe(0)
    expect(listed.stdout).toContain(webhook.id)
    expect(listed.stdout).toMatch(/enabled\s+0/)
    expect(listed.stdout).not.toContain(webhook.secret)

    const triggered = await cli('trigger', 'email.received', '--set', 'subject=Hello from the CLI', '--json')
    expect(triggered.code, triggered.stderr).toBe(0)
    const result = json(triggered.stdout)
    expect(result.event.payload.data.subject).toBe('Hello from the CLI')
    expect(result.deliveries).toHaveLength(1)
    expect(result.deliveries[0].firstAttempt).toMatchObject({outcome: 'success', number: 1, response: {status: 200, body: '{"received":true}'}})
    const [request] = await receiver.waitFor(1)
    expect(json(request.body.toString()).data.subject).toBe('Hello from the CLI')

    const human = await cli('trigger', 'address.expired')
    expect(human.stdout).toMatch(/^Triggered address\.expired [0-9a-f-]{36}\n/)
    expect(human.stdout).toContain('200 OK')

    const events = json((await cli('events', 'list', '--json')).stdout)
    expect(events).toMatchObject({total: 2, next: null})
    expect(events.data.map((e: any) => e.type)).toEqual(['address.expired', 'email.received'])
    // A list shorter than what there is says so: in text, and with total and next in JSON.
    const one = await cli('events', 'list', '--limit', '1')
    expect(one.stdout).toMatch(/\n1 of 2 \(use --limit or --all\)\n$/)
    const page = json((await cli('events', 'list', '--limit', '1', '--json')).stdout)
    expect(page).toMatchObject({total: 2, next: page.data[0].id})
    expect(json((await cli('events', 'list', '--all', '--json')).stdout).data).toHaveLength(2)
    const unknownType = await runCli(['events', 'list', '--type', 'email.sent'], {cwd})
    expect(unknownType.code).toBe(2)
    expect(unknownType.stderr).toContain('unknown event "email.sent"; known events: email.received, email.deleted, address.created, address.expired, address.deleted')
    const eventGet = await cli('events', 'get', result.event.id)
    expect(eventGet.stdout).toContain('"subject": "Hello from the CLI"')
    expect(eventGet.stdout).toContain('succeeded')

    const attempts = json((await cli('attempts', 'list', '--event', result.event.id, '--json')).stdout).data
    expect(attempts).toHaveLength(1)
    const attempt = json((await cli('attempts', 'get', attempts[0].id, '--json')).stdout)
    expect(attempt.request.body).toBe(request.body.toString())
    expect(attempt.request.headers['X-JunkMail-Signature']).toBe(request.headers['x-junkmail-signature'])
    const attemptHuman = await cli('attempts', 'get', attempts[0].id)
    expect(attemptHuman.stdout).toContain(`> POST ${receiver.url}/hook`)
    expect(attemptHuman.stdout).toContain('< 200')

    const resent = await cli('events', 'resend', result.event.id, '--json')
    expect(resent.code, resent.stderr).toBe(0)
    expect(json(resent.stdout).deliveries).toMatchObject([{eventId: result.event.id, webhookId: webhook.id, firstAttempt: {number: 1, outcome: 'success'}}])
    // The resend is the third request: the same bytes as the first, signed afresh.
    const requests = await receiver.waitFor(3)
    expect(requests).toHaveLength(3)
    expect(requests[2].body.equals(request.body)).toBe(true)
    expect(requests[2].headers['x-junkmail-signature']).toBe(request.headers['x-junkmail-signature'])

    const failedOnly = json((await cli('attempts', 'list', '--failed', '--json')).stdout)
    expect(failedOnly).toEqual({data: [], total: 0, next: null})

    const status = json((await cli('status', '--json')).stdout)
    expect(status.counts).toMatchObject({webhooks: 1, events: 2, deliveries: 3, attempts: 3, pendingDeliveries: 0})
    // Both triggers acted on real resources: one address each, one received mail.
    expect(status.counts).toMatchObject({addresses: 2, emails: 1})
    // The emulator runs on the same Node as this test (process.execPath).
    expect(status.node).toBe(process.version)
    expect(status.smtp).toEqual({host: '127.0.0.1', port: dev.ready.smtpPort, sessions: 0, messagesInProgress: 0})
    const statusText = (await cli('status')).stdout
    expect(statusText.split('\n').slice(0, 2)).toEqual([expect.stringMatching(new RegExp(`^junkmail \\d+\\.\\d+\\.\\d+ is running \\(pid ${dev.child.pid}, since \\S+\\)$`)), `  Node.js     ${process.version}`])
    expect(statusText).toContain(`SMTP        ${status.smtp.host}:${status.smtp.port}\n`)
    expect(statusText).toMatch(/addresses {3}2\n {2}emails {6}1\n/)

    const unknown = await cli('trigger', 'email.exploded')
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('known events: email.received')
    const missing = await cli('webhooks', 'get', '00000000-0000-0000-0000-000000000000')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('no webhook with id')
    const badUrl = await cli('webhooks', 'create', '--url', '/relative', '--events', 'email.received', '--json')
    expect(badUrl.code).toBe(2)
    expect(json(badUrl.stdout).error).toMatchObject({status: 400, field: 'url'})

    const deleted = await cli('webhooks', 'delete', webhook.id)
    expect(deleted.stdout.trim()).toBe('Webhook deleted successfully')
    expect(json((await cli('webhooks', 'list', '--json')).stdout)).toEqual([])
    await receiver.close()
  }, 60_000)

  it('dev --forward-to registers a webhook and prints its secret; a restart reuses it', async () => {
    const dataDir = await tempDir()
    const receiver = await startReceiver()
    const first = await startDevProcess(['--data-dir', dataDir, '--forward-to', `${receiver.url}/in`, '--events', 'email.received'])
    const forward = first.ready.forwardTo as any
    expect(forward).toMatchObject({url: `${receiver.url}/in`, events: ['email.received'], reused: false})
    expect(forward.secret).toMatch(/^whsec_/)
    first.child.kill('SIGTERM')
    await first.waitForExit()
    const second = await startDevProcess(['--data-dir', dataDir, '--forward-to', `${receiver.url}/in`, '--events', 'email.received'])
    expect(second.ready.forwardTo).toMatchObject({webhookId: forward.webhookId, secret: forward.secret, reused: true})
    second.child.kill('SIGTERM')
    await second.waitForExit()
    // Other events for the same URL: the same webhook and secret, its events brought up to date.
    const third = await startDevProcess(['--data-dir', dataDir, '--forward-to', `${receiver.url}/in`, '--events', 'email.received,address.created'])
    expect(third.ready.forwardTo).toMatchObject({webhookId: forward.webhookId, secret: forward.secret, events: ['email.received', 'address.created'], reused: true})
    const hooks = JSON.parse((await runCli(['webhooks', 'list', '--json', '--data-dir', dataDir])).stdout)
    expect(hooks).toHaveLength(1)
    const bad = await runCli(['dev', '--port', '0', '--smtp-port', '0', '--in-memory', '--forward-to', 'not a url'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--forward-to')
    await receiver.close()
  })

  it('dev --in-memory leaves nothing on disk; headless dev prints where the API listens and the key', async () => {
    const cwd = await tempDir()
    const dev = await startDevProcess(['--in-memory', '--api-key', 'jm_test_custom'], {cwd})
    expect(dev.ready).toMatchObject({apiKey: 'jm_test_custom', dataDir: null})
    expect(dev.ready).not.toHaveProperty('allowedHosts')
    expect(dev.ready.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/)
    expect(existsSync(join(cwd, '.junkmail'))).toBe(false)
    dev.child.kill('SIGTERM')
    await dev.waitForExit()

    const {spawn} = await import('node:child_process')
    const {BIN} = await import('./support/cli.js')
    const {waitUntil} = await import('./support/wait-until.js')
    // NODE_ENV cleared as for a user (with vitest's NODE_ENV=test oclif would load dist/ through tsx).
    const child = spawn(process.execPath, [BIN, 'dev', '--port', '0', '--smtp-port', '0', '--in-memory'], {cwd, stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, NODE_ENV: undefined}})
    onTestFinished(() => void child.kill('SIGKILL'))
    let out = ''
    let exitCode: number | null | undefined
    child.stdout.on('data', (c: Buffer) => (out += c))
    child.on('exit', (code) => (exitCode = code))
    await waitUntil(() => `the ready text (got: ${JSON.stringify(out)}, exit ${exitCode})`, () => (out.includes('Ctrl+C') ? true : undefined))
    expect(out).toMatch(/API\s+http:\/\/127\.0\.0\.1:\d+\/api\/v1/)
    expect(out).toMatch(/API key\s+jm_test_local/)
    child.kill('SIGINT')
    await waitUntil('dev to exit after SIGINT', () => (exitCode === undefined ? undefined : true))
    expect(exitCode).toBe(0)
    expect(out).toContain('Stopped.')
  })

  it('dev beyond loopback: refused with the public default key (exit 2); with a key of its own it starts and warns on stderr and in NDJSON', async () => {
    for (const host of ['0.0.0.0', '::']) {
      const refused = await runCli(['dev', '--host', host, '--port', '0', '--smtp-port', '0', '--in-memory'])
      expect(refused.code).toBe(2)
      expect(refused.stderr).toBe(`Error: --host ${host} listens beyond this machine, and the default API key jm_test_local is public: pass --api-key with a key of your own (see: junkmail dev --help)\n`)
    }
    const {randomBytes} = await import('node:crypto')
    const dev = await startDevProcess(['--host', '0.0.0.0', '--in-memory', '--api-key', `jm_${randomBytes(16).toString('hex')}`])
    const warning = 'the API and the SMTP sink listen on 0.0.0.0, beyond this machine: whoever can reach it and has the API key can read every mail and register webhooks'
    expect(dev.lines[0].type).toBe('ready')
    expect(await dev.waitForLine((l) => l.type === 'warning')).toMatchObject({message: warning, host: '0.0.0.0'})
    const {waitUntil} = await import('./support/wait-until.js')
    await waitUntil('the warning on stderr', () => (dev.stderr() ? true : undefined))
    expect(dev.stderr()).toBe(`Warning: ${warning}\n`)
    // Loopback addresses other than 127.0.0.1 need no key of their own and print no warning.
    const local = await startDevProcess(['--host', '127.0.0.2', '--in-memory'])
    expect(local.ready.apiUrl).toMatch(/^http:\/\/127\.0\.0\.2:\d+\/api\/v1$/)
    expect(local.stderr()).toBe('')
  })

  it('dev --headers-timeout, --request-timeout and --smtp-timeout (or their env vars) bound slow clients', async () => {
    const {connect} = await import('node:net')
    const dev = await startDevProcess(['--in-memory', '--headers-timeout', '300', '--request-timeout', '600'], {env: {JUNKMAIL_SMTP_TIMEOUT: '300'}})
    const closedAfter = (port: number, bytes: string) =>
      new Promise<{ms: number; text: string}>((resolve) => {
        const started = Date.now()
        let text = ''
        const socket = connect(port, '127.0.0.1', () => bytes && socket.write(bytes))
        socket.on('data', (c) => (text += c))
        socket.on('close', () => resolve({ms: Date.now() - started, text}))
        socket.on('error', () => {})
      })
    const [headers, body, smtp] = await Promise.all([
      closedAfter(dev.ready.port, 'GET /api/v1/webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\n'),
      closedAfter(dev.ready.port, `POST /api/v1/webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${dev.ready.apiKey}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`),
      closedAfter(dev.ready.smtpPort as number, ''), // greeted, then silent
    ])
    expect(headers.text).toMatch(/^HTTP\/1\.1 408 /)
    expect(headers.ms).toBeGreaterThanOrEqual(250)
    expect(headers.ms).toBeLessThan(5000)
    expect(body.text).toMatch(/^HTTP\/1\.1 408 /)
    expect(body.ms).toBeGreaterThanOrEqual(550)
    expect(smtp.text).toMatch(/\r\n421 junkmail\.local Timeout: no command completed in 0\.3 s, closing connection\r\n$/)
    expect(smtp.ms).toBeGreaterThanOrEqual(250)
    expect(smtp.ms).toBeLessThan(5000)
  })

  it('readiness: once the API answers, the SMTP sink already accepts connections (a script may poll the API, then send mail)', async () => {
    const {createServer, connect} = await import('node:net')
    const {spawn} = await import('node:child_process')
    const {BIN} = await import('./support/cli.js')
    const {waitUntil} = await import('./support/wait-until.js')
    // Two free ports, known before the start (as a script that does not read the ready line has them).
    const free = async () => {
      const server = createServer()
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      const {port} = server.address() as {port: number}
      await new Promise((resolve) => server.close(resolve))
      return port
    }
    const [port, smtpPort] = [await free(), await free()]
    const child = spawn(process.execPath, [BIN, 'dev', '--port', String(port), '--smtp-port', String(smtpPort), '--in-memory'], {stdio: 'ignore', env: {...process.env, NODE_ENV: undefined}})
    onTestFinished(() => void child.kill('SIGKILL'))
    await waitUntil('the API to answer', () =>
      fetch(`http://127.0.0.1:${port}/api/v1/webhooks`, {headers: {authorization: 'Bearer jm_test_local'}}).then(
        (r) => (r.status === 200 ? true : undefined),
        () => undefined,
      ),
    15_000)
    const greeting = await new Promise<string>((resolve, reject) => {
      const socket = connect(smtpPort, '127.0.0.1')
      socket.once('data', (data) => (socket.destroy(), resolve(data.toString())))
      socket.once('error', reject)
    })
    expect(greeting).toMatch(/^220 junkmail\.local /)
  })

  it('dev --allowed-hosts (or JUNKMAIL_ALLOWED_HOSTS): the ready line lists the names, which are answered as Host; a bad name is a usage error', async () => {
    const cwd = await tempDir()
    const dev = await startDevProcess(['--in-memory', '--allowed-hosts', 'host.docker.internal, junkmail'], {cwd})
    expect(dev.ready.allowedHosts).toEqual(['host.docker.internal', 'junkmail'])
    const {request} = await import('node:http')
    const statusFor = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({host: '127.0.0.1', port: dev.ready.port, path: '/api/v1/webhooks', headers: {host, authorization: `Bearer ${dev.ready.apiKey}`}, agent: false}, (res) => {
          res.resume()
          resolve(res.statusCode!)
        })
        req.on('error', reject)
        req.end()
      })
    expect(await statusFor(`junkmail:${dev.ready.port}`)).toBe(200)
    expect(await statusFor('host.docker.internal')).toBe(200)
    expect(await statusFor('evil.example')).toBe(403)
    const fromEnv = await startDevProcess(['--in-memory'], {cwd, env: {JUNKMAIL_ALLOWED_HOSTS: 'junkmail'}})
    expect(fromEnv.ready.allowedHosts).toEqual(['junkmail'])
    for (const [args, env] of [
      [['dev', '--allowed-hosts', 'junkmail:8080'], {}],
      [['dev', '--allowed-hosts', 'http://junkmail'], {}],
      [['dev'], {JUNKMAIL_ALLOWED_HOSTS: '*.example'}],
    ] as Array<[string[], Record<string, string>]>) {
      const bad = await runCli(args, {cwd, env})
      expect(bad.code, bad.stderr).toBe(2)
      expect(bad.stderr.trim().split('\n')).toHaveLength(1)
      expect(bad.stderr).toMatch(/^Error: Parsing --allowed-hosts: ".*" is not a host name or IP address/)
    }
  })

  it('dev on a port in use (API or SMTP): one line naming the port and the flag, exit 1, and nothing left listening or on disk', async () => {
    const {createServer} = await import('node:net')
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const taken = (blocker.address() as {port: number}).port
    try {
      const cwd = await tempDir()
      const api = await runCli(['dev', '--port', String(taken), '--smtp-port', '0'], {cwd})
      expect(api.code).toBe(1)
      expect(api.stderr).toBe(`Error: port ${taken} on 127.0.0.1 is already in use; pick another with --port (or --port 0 for any free port)\n`)
      const smtp = await runCli(['dev', '--port', '0', '--smtp-port', String(taken)], {cwd})
      expect(smtp.code).toBe(1)
      expect(smtp.stderr).toBe(`Error: SMTP port ${taken} on 127.0.0.1 is already in use; pick another with --smtp-port (or --smtp-port 0 for any free port)\n`)
      const asJson = await runCli(['dev', '--port', '0', '--smtp-port', String(taken), '--json'], {cwd})
      expect(asJson.code).toBe(1)
      // One compact NDJSON line, as a reader of dev's stream expects: `head -1 | jq` sees the failure.
      expect(asJson.stdout.split('\n')).toEqual([expect.any(String), ''])
      expect(JSON.parse(asJson.stdout)).toMatchObject({type: 'error', code: 'error', message: expect.stringContaining(`SMTP port ${taken} on 127.0.0.1 is already in use`)})
      const badFlag = await runCli(['dev', '--port', 'x', '--json'], {cwd})
      expect(badFlag.code).toBe(2)
      expect(JSON.parse(badFlag.stdout)).toMatchObject({type: 'error', code: 'usage_error'})
      expect(badFlag.stdout.trim().split('\n')).toHaveLength(1)
      // The data dir was released: no runtime file names a process that is not running.
      expect(existsSync(join(cwd, '.junkmail', 'runtime.json'))).toBe(false)
      const started = await startDevProcess([], {cwd})
      expect(started.ready.port).toBeGreaterThan(0)
    } finally {
      blocker.close()
    }
  })

  it('catalog works without an emulator', async () => {
    const list = await runCli(['catalog', '--json'])
    expect(list.code).toBe(0)
    expect(json(list.stdout).map((e: any) => e.type)).toEqual(['email.received', 'email.deleted', 'address.created', 'address.expired', 'address.deleted'])
    const one = await runCli(['catalog', 'email.received'])
    expect(one.stdout).toContain('data.emailId')
    expect(one.stdout).toContain('"event": "email.received"')
  })

  it('verify: valid, and the likely reason when not', async () => {
    const dir = await tempDir()
    const {createHmac} = await import('node:crypto')
    const secret = 'whsec_0123456789abcdef'
    const body = '{"event":"email.received","timestamp":1705415400000,"data":{"subject":"Hi"}}'
    const signature = 'sha256=' + createHmac('sha256', secret).update(body).digest('hex')
    const file = join(dir, 'body.json')
    await writeFile(file, body)
    const ok = await runCli(['verify', '--secret', secret, '--signature', signature, '--payload', file])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toBe('Signature is valid.\n')

    const cases: Array<[string, string[], RegExp]> = [
      [JSON.stringify(JSON.parse(body), null, 2), ['--signature', signature, '--secret', secret], /re-serialised/],
      [body + '\n', ['--signature', signature, '--secret', secret], /trailing whitespace/],
      [body, ['--signature', signature.slice(7), '--secret', secret], /sha256=/],
      [body, ['--signature', signature, '--secret', secret.slice(6)], /whsec_/],
      [body, ['--signature', signature, '--secret', 'whsec_other'], /wrong secret/],
    ]
    for (const [payload, flags, reason] of cases) {
      const result = await runCli(['verify', ...flags], {input: payload})
      expect(result.code, reason.source).toBe(1)
      expect(result.stdout).toMatch(reason)
    }
  })
})
