/** Headers, then a body of 300–2,300 bytes derived from the subject (CRLF lines). */
export function seededMail(subject: string): string
