// Reading the Retry-After header (RFC 9110 §10.2.3): either delta-seconds or an HTTP-date.
// Pure: the clock comes in as `now`.

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
const IMF_FIXDATE = /^[a-z]{3}, (\d{2}) ([a-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) gmt$/;
// Obsolete RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
const RFC_850 = /^[a-z]+, (\d{2})-([a-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) gmt$/;
// Obsolete asctime: "Sun Nov  6 08:49:37 1994" (always UTC, no zone written)
const ASCTIME = /^[a-z]{3} ([a-z]{3}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/**
 * Milliseconds from `now` until the remote wants to hear from us again, or undefined when the
 * header is absent or unreadable. A date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = parseHttpDate(text);
  if (at === undefined) return undefined;
  return Math.max(0, at.getTime() - now.getTime());
}

/** Parses the three HTTP-date forms HTTP/1.1 recipients must accept; undefined when none fits. */
export function parseHttpDate(value: string): Date | undefined {
  const text = value
    .trim()
    .replace(/\s+GMT$/i, " GMT")
    .toLowerCase();
  let m = IMF_FIXDATE.exec(text);
  if (m) return utcDate(Number(m[3]), m[2], Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  m = RFC_850.exec(text);
  if (m) {
    // Two-digit years: RFC 9110 says a year that looks more than 50 years ahead is in the past century.
    const twoDigit = Number(m[3]);
    const year = twoDigit + (twoDigit < 70 ? 2000 : 1900);
    return utcDate(year, m[2], Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  }
  m = ASCTIME.exec(text);
  if (m) return utcDate(Number(m[6]), m[1], Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
  return undefined;
}

function utcDate(
  year: number,
  monthName: string | undefined,
  day: number,
  hour: number,
  minute: number,
  second: number,
): Date | undefined {
  const month = MONTHS.indexOf(monthName ?? "");
  if (month < 0 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const date = new Date(Date.UTC(year, month, day, hour, minute, second));
  // Reject dates that rolled over (31 Feb → 3 Mar).
  if (date.getUTCDate() !== day) return undefined;
  return date;
}
