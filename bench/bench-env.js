// What the benchmark scripts share to read their settings and give up.

/** A whole number >= 0 from the environment variable `name`, or `fallback` when it is unset or empty. */
export function intEnv(name, fallback) {
  const text = process.env[name]
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value < 0) fail(`${name} must be a whole number, not ${text}`)
  return value
}

/** Says why the benchmark cannot run, and exits 2 (the bench/ convention for "could not run"). */
export function fail(message) {
  console.error(message)
  process.exit(2)
}
