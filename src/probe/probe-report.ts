import {formatTable} from '../cli/format-table.js'
import {oneLine} from '../cli/terminal-text.js'
import type {ProbeReport} from './run-probe.js'

const MARK: Readonly<Record<string, string>> = {pass: 'PASS', fail: 'FAIL', info: 'INFO', skipped: 'SKIP'}

/** The report card as text: a table (check, level, expected, got, verdict), advice under it, a summary line. */
export function reportText(report: ProbeReport): string {
  const rows = report.checks.map((c) => [MARK[c.verdict], c.level, c.title, c.expected, c.got])
  const lines = [`Probe of ${report.url} as ${report.provider}${report.signed ? ' (signed)' : ''}: ${report.checks.length} checks in ${report.durationMs} ms`, '', formatTable(['VERDICT', 'LEVEL', 'CHECK', 'EXPECTED', 'GOT'], rows)]
  const advice = report.checks.filter((c) => c.advice && c.verdict !== 'pass')
  if (advice.length > 0) {
    lines.push('', 'Advice')
    for (const c of advice) lines.push(`  ${c.id}: ${oneLine(c.advice!)}`)
  }
  const s = report.summary
  lines.push('', `MUST ${s.must.passed} passed, ${s.must.failed} failed · SHOULD ${s.should.passed} passed, ${s.should.failed} failed · ${s.info} for information${s.skipped ? ` · ${s.skipped} skipped` : ''}`)
  lines.push(report.ok ? 'Result: the endpoint meets every MUST.' : 'Result: FAILED, a MUST check failed.')
  return lines.join('\n')
}

const xml = (text: string) => text.replace(/[<>&"']/g, (c) => ({'<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;'})[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')

/** The report as JUnit XML, for CI systems: one test case per check; a failed MUST is a failure, a failed SHOULD is reported as skipped with its advice. */
export function reportJunit(report: ProbeReport): string {
  const cases = report.checks.map((c) => {
    const name = `${c.level} ${c.id}: ${c.title}`
    const body =
      c.verdict === 'fail' && c.level === 'MUST'
        ? `<failure message="${xml(`expected ${c.expected}, got ${c.got}`)}">${xml(c.advice ?? '')}</failure>`
        : c.verdict === 'fail' || c.verdict === 'skipped'
          ? `<skipped message="${xml(c.verdict === 'skipped' ? (c.advice ?? 'skipped') : `SHOULD: expected ${c.expected}, got ${c.got}. ${c.advice ?? ''}`)}"/>`
          : `<system-out>${xml(`got ${c.got}${c.advice ? `. ${c.advice}` : ''}`)}</system-out>`
    return `    <testcase classname="junkmail.probe" name="${xml(name)}">${body}</testcase>`
  })
  const failures = report.checks.filter((c) => c.verdict === 'fail' && c.level === 'MUST').length
  const skipped = report.checks.filter((c) => c.verdict === 'skipped' || (c.verdict === 'fail' && c.level !== 'MUST')).length
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="junkmail probe" tests="${report.checks.length}" failures="${failures}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    `  <testsuite name="${xml(`probe ${report.url}`)}" tests="${report.checks.length}" failures="${failures}" skipped="${skipped}" timestamp="${report.startedAt}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n')
}
