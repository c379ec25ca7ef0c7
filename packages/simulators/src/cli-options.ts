/** commander option parsers shared by the simulator commands: a bad value fails with the flag's name. */

/** An integer in [min, max], for `--name`. */
export function int(name: string, min: number, max: number) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`--${name} must be an integer ${min}..${max}`);
    return n;
  };
}

/** A finite number > 0 (the `--speed` factor). */
export function positive(raw: string): number {
  const n = Number(raw);
  if (!(n > 0) || !Number.isFinite(n)) throw new Error("--speed must be a number > 0");
  return n;
}
