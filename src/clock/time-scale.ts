/** Compresses documented delays: a delay of `ms` real milliseconds lasts `ms / scale` in the emulator. */
export class TimeScale {
  /** @param scale how many times faster than real time; 60 turns a minute into a second. */
  constructor(readonly scale: number) {
    if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`time scale must be a positive number, got ${scale}`)
  }

  /** The emulator's duration for a documented one. */
  compress(ms: number): number {
    return ms / this.scale
  }
}
