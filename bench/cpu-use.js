// How busy the machine is before a benchmark starts: the share of all cores in use over a short
// sample, from os.cpus() counters. The load average is a poor guide here: it still counts the
// previous benchmark run for a minute after it ended.
import {cpus} from 'node:os'

/** Share (0..1) of all cores busy over the next `ms` milliseconds. */
export async function measureCpuUse(ms = 500) {
  const before = totals()
  await new Promise((resolve) => setTimeout(resolve, ms))
  const after = totals()
  const all = after.all - before.all
  return all > 0 ? 1 - (after.idle - before.idle) / all : 0
}

function totals() {
  let idle = 0
  let all = 0
  for (const cpu of cpus()) {
    idle += cpu.times.idle
    all += cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.idle + cpu.times.irq
  }
  return {idle, all}
}
