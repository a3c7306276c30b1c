import {useEffect, useState} from 'react'

/**
 * The time, updated every `everyMs` (aligned on the clock's second when it is 1000): countdowns
 * ask for 250 ms so that they change within a quarter of a second of their due second. `null`:
 * nothing on screen depends on the time, so nothing ticks (an idle viewer renders nothing and
 * allocates nothing, and V8 can give its memory back); when ticking starts again the time is
 * taken at once.
 */
export function useNow(everyMs: number | null = 1000): number {
  const [now, setNow] = useState(Date.now)
  useEffect(() => {
    if (everyMs === null) return
    let timer: NodeJS.Timeout
    const next = () => {
      const t = Date.now()
      return everyMs - (t % everyMs) + 2
    }
    const tick = () => {
      setNow(Date.now())
      timer = setTimeout(tick, next())
    }
    setNow(Date.now())
    timer = setTimeout(tick, next())
    return () => clearTimeout(timer)
  }, [everyMs])
  return now
}
