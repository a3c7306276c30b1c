import {describe, expect, it} from 'vitest'
import {MessageView} from '../../src/ui/MessageView.js'
import {FakeEmulator} from './support/fake-emulator.js'
import {KEY, renderWithTools} from './support/render-viewer.js'

describe('MessageView', () => {
  it('a message: subject, from, to, its text (escaped), its attachments and headers; scrolls; Esc closes', async () => {
    const fake = new FakeEmulator()
    const m = fake.receiveMail('inbox@junkmail.local', 'billing@example.com', 'Invoice 42', 'Dear customer,\n\tyour invoice\u001b[2J is attached.', [
      {index: 0, filename: 'invoice-42.pdf', contentType: 'application/pdf', size: 20480},
    ])
    let closed = 0
    const s = await renderWithTools(fake, <MessageView emailId={m.id} width={80} height={30} onClose={() => closed++} />)
    const f = await s.waitFor('Invoice 42')
    expect(f).toContain('From billing@example.com')
    expect(f).toContain('To inbox@junkmail.local')
    expect(f).toContain('Dear customer,')
    expect(f).toContain('  your invoice\\x1b[2J is attached.')
    expect(f).toContain('Attachments (1)')
    expect(f).toContain('0  invoice-42.pdf  application/pdf  20.0 KB')
    expect(f).toContain('Subject: Invoice 42')
    await s.press(KEY.escape)
    expect(closed).toBe(1)
  })

  it('an HTML-only message says so; an unknown one says it cannot be read', async () => {
    const fake = new FakeEmulator()
    const m = fake.receiveMail('inbox@junkmail.local', 'a@example.com', 'HTML only', null)
    const s = await renderWithTools(fake, <MessageView emailId={m.id} width={80} height={20} onClose={() => undefined} />)
    await s.waitFor('(no text part; an HTML part of 12 B)')
    const t = await renderWithTools(fake, <MessageView emailId="nope" width={80} height={20} onClose={() => undefined} />)
    await t.waitFor('Could not read the message: no email with id nope')
  })
})
