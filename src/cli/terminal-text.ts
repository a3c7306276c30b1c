/**
 * Characters that must not reach a terminal raw from untrusted text (a mail subject, a URL, an
 * endpoint's answer): C0 controls (ESC starts colour and cursor sequences, CR rewrites the line),
 * DEL, C1 controls, and the bidirectional overrides that make text read other than it is.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g
const NAMED: Readonly<Record<string, string>> = {'\n': '\\n', '\r': '\\r', '\t': '\\t'}

/** `text` with every unsafe character shown as an escape (`\n`, `\x1b`, `\u202e`): one line, as typed. */
export function oneLine(text: string): string {
  return text.replace(UNSAFE, escape)
}

/** Like {@link oneLine}, but line feeds and tabs are kept: for multi-line text such as a body. */
export function safeText(text: string): string {
  return text.replace(UNSAFE, (c) => (c === '\n' || c === '\t' ? c : escape(c)))
}

function escape(c: string): string {
  const code = c.charCodeAt(0)
  return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`)
}
