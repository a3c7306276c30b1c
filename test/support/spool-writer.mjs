// Child process of mail-spool.test.ts: runs the real emulator (built, dist/) on a data dir with a
// small spool (32 KiB segments, compaction from 8 KiB of deleted mail) and real SMTP, and reports
// on stdout what the emulator acknowledged:
//   "ready"           the emulator is up;
//   "+<subject>"      that mail got 250 (its bytes are seededMail(subject), seeded-mail.mjs);
//   "-<subject>"      that mail's DELETE got 200.
// Modes (argv[3]):
//   "kill-at-copied"     send 90 mails, delete two of every three: the compaction that follows
//   "kill-at-relocated"  is killed (SIGKILL, by itself) at that step: "killed-at <step>" is printed first;
//   "load"              8 senders send mail until the parent kills it (at a moment of its choosing).
import {seededMail} from './seeded-mail.mjs'
import {startEmulator} from '../../dist/src/emulator/start-emulator.js'

const [dataDir, mode] = process.argv.slice(2)
const killAt = mode.startsWith('kill-at-') ? mode.slice('kill-at-'.length) : null
const say = (line) => process.stdout.write(`${line}\n`)

const emulator = await startEmulator({
  dataDir,
  port: 0,
  smtpPort: 0,
  spool: {
    segmentBytes: 32 * 1024,
    compactMinDeadBytes: 8 * 1024,
    onCompactionStep(step) {
      if (step !== killAt) return
      // Writes to a pipe are synchronous on Linux: the parent gets this line even after the kill.
      say(`killed-at ${step}`)
      process.kill(process.pid, 'SIGKILL')
    },
  },
})
say('ready')
const send = async (subject) => {
  await emulator.sendMail({to: 'spool@junkmail.local', from: 'writer@example.com', raw: seededMail(subject)})
  say(`+${subject}`)
}

if (mode === 'load') {
  await Promise.all(
    Array.from({length: 8}, async (_, s) => {
      for (let i = 0; ; i++) await send(`load-${process.pid}-${s}-${i}`)
    }),
  )
} else {
  const subjects = Array.from({length: 90}, (_, i) => `kept-${process.pid}-${i}`)
  for (const subject of subjects) await send(subject)
  const bySubject = new Map(emulator.mail().map((m) => [m.subject, m.id]))
  for (const [i, subject] of subjects.entries()) {
    if (i % 3 === 0) continue
    const response = await fetch(`${emulator.url}/api/v1/emails/${bySubject.get(subject)}`, {method: 'DELETE', headers: {authorization: `Bearer ${emulator.apiKey}`}})
    if (response.status !== 200) throw new Error(`DELETE ${subject}: ${response.status}`)
    say(`-${subject}`)
  }
  // The compaction these deletions start kills this process; give it time, then give up.
  await new Promise((resolve) => setTimeout(resolve, 10_000))
  say('no-kill')
  process.exit(3)
}
