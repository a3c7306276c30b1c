// The mail of the spool tests: its bytes derived from its subject, so a reader can check them
// without being told. Plain ESM, shared by the tests and the child process they run.
import {createHash} from 'node:crypto'

/** Headers, then a body of 300–2,300 bytes derived from the subject (CRLF lines). */
export function seededMail(subject) {
  const digest = createHash('sha256').update(subject).digest()
  const size = 300 + (((digest[0] << 8) | digest[1]) % 2000)
  let body = ''
  for (let i = 0; body.length < size; i++) body += createHash('sha256').update(`${subject}/${i}`).digest('base64') + '\r\n'
  return `From: writer@example.com\r\nTo: spool@junkmail.local\r\nSubject: ${subject}\r\n\r\n${body}`
}
