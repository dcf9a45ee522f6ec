// Durations ("10m", "1h30m", "250ms") and sizes ("10MB", "512KiB") as people write them in YAML.

const DURATION_UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

// Decimal units are powers of 1000, binary units (KiB…) powers of 1024, as the SI/IEC prefixes say.
const SIZE_UNIT_BYTES: Record<string, number> = {
  b: 1,
  kb: 1_000,
  mb: 1_000_000,
  gb: 1_000_000_000,
  tb: 1_000_000_000_000,
  kib: 1_024,
  mib: 1_048_576,
  gib: 1_073_741_824,
  tib: 1_099_511_627_776,
};

/** Thrown when a duration or size cannot be read; the message says what was expected. */
export class UnitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnitError";
  }
}

const DURATION_PART = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/y;

/** Reads a duration such as `10m`, `90s`, `1h30m`, `14d` or `250ms` and returns milliseconds. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  const invalid = new UnitError(`expected a duration like 10m, got '${text}'`);
  if (trimmed === "") throw invalid;
  let total = 0;
  let index = 0;
  while (index < trimmed.length) {
    DURATION_PART.lastIndex = index;
    const part = DURATION_PART.exec(trimmed);
    if (part === null) throw invalid;
    total += Number(part[1]) * (DURATION_UNIT_MS[part[2] as string] as number);
    index = DURATION_PART.lastIndex;
    while (trimmed[index] === " ") index += 1;
  }
  return Math.round(total);
}

const SIZE_PATTERN = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i;

/** Reads a size such as `10MB`, `512KB`, `1GiB` or a plain number of bytes and returns bytes. */
export function parseSize(value: string | number): number {
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < 0) {
      throw new UnitError(`expected a size like 10MB, got ${value}`);
    }
    return value;
  }
  const match = SIZE_PATTERN.exec(value.trim());
  const unit = (match?.[2] ?? "").toLowerCase();
  const multiplier = unit === "" ? 1 : SIZE_UNIT_BYTES[unit];
  if (match === null || multiplier === undefined) {
    throw new UnitError(`expected a size like 10MB, got '${value}'`);
  }
  return Math.round(Number(match[1]) * multiplier);
}
