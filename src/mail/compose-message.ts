/** A small, valid RFC 5322 message with a text body (for triggered `email.received`). */
export function composeMessage(input: {from: string; to: string; subject: string; text: string; date?: Date}): {raw: Buffer; messageId: string} {
  const date = (input.date ?? new Date()).toUTCString().replace('GMT', '+0000')
  const id = `<${Date.now().toString(36)}.${Math.random().toString(36).slice(2)}@junkmail.local>`
  const headers = [
    `From: ${input.from}`,
    `To: ${input.to}`,
    `Subject: ${encodeHeader(input.subject)}`,
    `Date: ${date}`,
    `Message-ID: ${id}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
  ]
  const body = Buffer.from(input.text, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n')
  return {raw: Buffer.from(headers.join('\r\n') + '\r\n\r\n' + body + '\r\n'), messageId: id}
}

/** RFC 2047 encoded-word for non-ASCII or control characters; plain text otherwise. */
function encodeHeader(text: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x20-\x7e]*$/.test(text)) return text
  return `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`
}
