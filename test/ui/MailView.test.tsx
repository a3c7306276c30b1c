import {describe, expect, it} from 'vitest'
import {MailView} from '../../src/ui/MailView.js'
import {FakeEmulator} from './support/fake-emulator.js'
import {KEY, renderWithTools} from './support/render-viewer.js'

describe('MailView', () => {
  it('received mail newest first; Tab shows the addresses, Enter an address’s mail; Enter reads a message; Esc goes back', async () => {
    const fake = new FakeEmulator()
    fake.receiveMail('signup@junkmail.local', 'shop@example.com', 'Confirm your order')
    fake.receiveMail('other@junkmail.local', 'bank@example.com', 'Your statement \u001b]0;pwned\u0007')
    let closed = 0
    const s = await renderWithTools(fake, <MailView revision={0} width={100} height={20} onClose={() => closed++} />)
    let f = await s.waitFor('Mail (2)')
    const lines = f.split('\n')
    expect(lines[1]).toMatch(/› \d\d:\d\d:\d\d other@junkmail\.local ← bank@example\.com · Your statement \\x1b\]0;pwned\\x07 · 420 B/)
    expect(lines[2]).toContain('signup@junkmail.local ← shop@example.com · Confirm your order')
    await s.press(KEY.tab)
    f = s.frame()
    expect(f).toMatch(/› other@junkmail\.local · active · expires \d\d:\d\d:\d\d/)
    await s.press('j', KEY.enter)
    f = await s.waitFor('Mail to signup@junkmail.local (1)')
    expect(f).not.toContain('bank@example.com')
    await s.press(KEY.enter)
    f = await s.waitFor('Message')
    expect(f).toContain('Confirm your order')
    expect(f).toContain('From shop@example.com')
    await s.press(KEY.escape)
    await s.waitFor('Mail to signup@junkmail.local')
    await s.press(KEY.escape)
    await s.waitFor('Mail (2)')
    await s.press(KEY.escape)
    expect(closed).toBe(1)
  })

  it('reads the lists again when mail arrives (the revision moves)', async () => {
    const fake = new FakeEmulator()
    const s = await renderWithTools(fake, <MailView revision={0} width={80} height={12} onClose={() => undefined} />)
    await s.waitFor('No mail yet')
    fake.receiveMail('new@junkmail.local', 'a@example.com', 'Fresh')
    s.rerender(<MailView revision={1} width={80} height={12} onClose={() => undefined} />)
    await s.waitFor('Fresh')
  })

  it("in the provider's words (Sendook: inboxes, messages), sent mail with its status; reading it shows each recipient's outcome", async () => {
    const fake = new FakeEmulator()
    const inbox = {id: 'a'.repeat(24), email: 'support@sendook.local', name: 'support', createdAt: new Date().toISOString(), status: null, expiresAt: null, expiredAt: null}
    fake.addressList.push(inbox)
    fake.emailList.push({
      id: 'b'.repeat(24),
      mailboxId: inbox.id,
      direction: 'sent',
      from: inbox.email,
      to: ['bounce@simulator.amazonses.com', 'jane@example.com'],
      cc: [],
      subject: 'Welcome',
      at: new Date().toISOString(),
      status: 'bounced',
      size: null,
      headers: [{name: 'Subject', value: 'Welcome'}],
      text: 'Hello!',
      html: '<p>Hello!</p>',
      attachments: [],
      outcomes: {'jane@example.com': 'delivered', 'bounce@simulator.amazonses.com': 'bounced'},
    })
    const nouns = {mailbox: ['inbox', 'inboxes'], message: ['message', 'messages']} as const
    const s = await renderWithTools(fake, <MailView revision={0} width={120} height={20} onClose={() => undefined} nouns={nouns} />)
    let f = await s.waitFor('Mail (1)')
    expect(f).toContain('Inboxes (1)')
    expect(f).toMatch(/› \d\d:\d\d:\d\d support@sendook\.local → bounce@simulator\.amazonses\.com, jane@example\.com · Welcome · bounced/)
    await s.press(KEY.tab)
    expect(s.frame()).toMatch(/› support@sendook\.local · support · created \d\d:\d\d:\d\d/)
    await s.press(KEY.tab, KEY.enter)
    f = await s.waitFor('Outcomes')
    expect(f).toMatch(/Sent \d\d:\d\d:\d\d .* · bounced/)
    expect(f).toContain('jane@example.com  delivered')
    expect(f).toContain('bounce@simulator.amazonses.com  bounced')
  })
})
