import {describe, expect, it} from 'vitest'
import {junkmail} from '../src/providers/junkmail/index.js'
import {sendook} from '../src/providers/sendook/index.js'
import {runCli} from './support/cli.js'
import {startTestEmulator} from './support/emulator.js'

// The Sendook vocabulary in the CLI (issue 12): inboxes and messages, --json, and a clear line
// when the emulator plays another provider.

describe('junkmail inboxes and messages', () => {
  it('create, list, send with outcomes, receive over SMTP, reply, read, rename, delete: text and --json', async () => {
    const emulator = await startTestEmulator({provider: sendook, timeScale: 3600})
    const at = ['--api-url', emulator.url, '--api-key', emulator.apiKey]
    const cli = async (...args: string[]) => {
      const r = await runCli([...args, ...at])
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
      return r
    }
    const json = async (...args: string[]) => JSON.parse((await cli(...args, '--json')).stdout)

    const created = await cli('inboxes', 'create', '--name', 'support')
    expect(created.stdout).toMatch(/^Created inbox [0-9a-f]{24}: support@sendook\.local\n$/)
    const inbox = (await json('inboxes', 'list'))[0]
    expect(inbox).toMatchObject({name: 'support', email: 'support@sendook.local'})
    expect((await cli('inboxes', 'list')).stdout).toMatch(/ID +EMAIL +NAME +CREATED\n[0-9a-f]{24} +support@sendook\.local +support /)

    const sent = await json('messages', 'send', '--inbox', 'support@sendook.local', '--to', 'jane@example.com,bounce@simulator.amazonses.com', '--subject', 'Welcome', '--text', 'Hi there', '--label', 'onboarding')
    expect(sent).toMatchObject({from: 'support@sendook.local', to: ['jane@example.com', 'bounce@simulator.amazonses.com'], labels: ['onboarding'], subject: 'Welcome', text: 'Hi there', html: 'Hi there'})
    // The outcomes come 1.4 ms later: the status is the last one.
    await expect.poll(async () => (await json('messages', 'get', sent._id)).status).toMatch(/^(delivered|bounced)$/)

    const smtp = await runCli(['send', '--to', 'support', '--subject', 'Help', '--text', 'Where is my order?', ...at])
    expect(smtp.code, smtp.stderr).toBe(0)
    const listed = await json('messages', 'list', '--inbox', inbox._id)
    expect(listed.map((m: {subject: string}) => m.subject)).toEqual(['Welcome', 'Help'])
    const text = (await cli('messages', 'list', '--inbox', 'support@sendook.local', '--query', 'order')).stdout
    expect(text).toMatch(/received +sender@example\.com +support@sendook\.local +Help /)
    expect(text).not.toContain('Welcome')

    const received = listed[1]
    const reply = await json('messages', 'reply', received._id, '--inbox', 'support@sendook.local', '--text', 'On its way')
    expect(reply).toMatchObject({to: ['sender@example.com'], subject: 'Re: Help', threadId: received.threadId})
    const read = (await cli('messages', 'get', reply._id)).stdout
    expect(read).toContain('subject  Re: Help')
    expect(read).toContain('On its way')

    expect(await json('inboxes', 'rename', inbox._id, '--name', 'Help desk')).toMatchObject({name: 'Help desk'})
    expect((await cli('inboxes', 'delete', inbox._id)).stdout).toBe(`Deleted inbox ${inbox._id} (support@sendook.local) and its messages\n`)
    const gone = await runCli(['inboxes', 'get', inbox._id, ...at])
    expect(gone.code).toBe(1)
    expect(gone.stderr).toBe('Error: Inbox not found\n')
    const invalid = await runCli(['messages', 'send', '--inbox', 'nobody@sendook.local', '--to', 'a@b.example', ...at])
    expect(invalid).toMatchObject({code: 1, stderr: 'Error: no inbox has the address nobody@sendook.local; see: junkmail inboxes list\n'})
  })

  it('against a JunkMail emulator: one line saying which provider runs and what to do', async () => {
    const emulator = await startTestEmulator({provider: junkmail, smtpPort: false})
    const r = await runCli(['inboxes', 'list', '--api-url', emulator.url, '--api-key', emulator.apiKey])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(`Error: junkmail inboxes list manages Sendook's resources, and the emulator at ${emulator.url} plays JunkMail; start one with: junkmail dev --provider sendook\n`)
  })

  it('a send with an invalid recipient names the field, exit 2; JunkMail\'s commands say which provider runs; status in Sendook\'s words', async () => {
    const emulator = await startTestEmulator({provider: sendook, smtpPort: false})
    const at = ['--api-url', emulator.url, '--api-key', emulator.apiKey]
    const addresses = await runCli(['addresses', 'list', ...at])
    expect(addresses).toMatchObject({code: 1, stderr: `Error: junkmail addresses list manages JunkMail's resources, and the emulator at ${emulator.url} plays Sendook; start one with: junkmail dev --provider junkmail\n`})
    expect((await runCli(['inboxes', 'create', ...at])).code).toBe(0)
    const r = await runCli(['messages', 'send', '--inbox', 'inbox@sendook.local', '--to', 'not-an-address', ...at, '--json'])
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout).error).toMatchObject({status: 400, field: 'to[0]', message: 'to[0]: must be an email address'})
    const status = await runCli(['status', ...at])
    expect(status.stdout).toMatch(/\n {2}inboxes {5}1\n {2}messages {4}0\n/)
  })
})
