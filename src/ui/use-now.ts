import {useEffect, useState} from 'react'

/**
 * The time, updated every `everyMs` (aligned on the clock's second when it is 1000): countdowns
 * ask for 250 ms so that they change within a quarter of a second of their due second.
 */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(Date.now)
  useEffect(() => {
    let timer: NodeJS.Timeout
    const next = () => {
      const t = Date.now()
      return everyMs - (t % everyMs) + 2
    }
    const tick = () => {
      setNow(Date.now())
      timer = setTimeout(tick, next())
    }
    timer = setTimeout(tick, next())
    return () => clearTimeout(timer)
  }, [everyMs])
  return now
}
