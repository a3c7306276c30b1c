import {randomUUID} from 'node:crypto'

const senders = [
  'noreply@example.com',
  'billing@shop.example',
  'security@accounts.example.org',
  'hello@newsletter.example.net',
]
const subjects = [
  'Confirmation de votre inscription',
  'Your verification code is 482913',
  'Reset your password',
  'Welcome aboard!',
  'Your order #10442 has shipped',
]
const words = ['amber', 'brisk', 'cedar', 'delta', 'ember', 'fable', 'gusty', 'harbor', 'ivory', 'jolly']

/** Picks one element at random. */
export function pick<T>(list: readonly T[]): T {
  return list[Math.floor(Math.random() * list.length)]
}

/** A plausible sender address. */
export const sampleSender = (): string => pick(senders)
/** A plausible subject line. */
export const sampleSubject = (): string => pick(subjects)
/** A new UUID, the id format JunkMail uses everywhere. */
export const sampleId = (): string => randomUUID()
/** A readable random local part, e.g. `brisk-cedar-4821`. */
export const sampleLocalPart = (): string =>
  `${pick(words)}-${pick(words)}-${Math.floor(1000 + Math.random() * 9000)}`
