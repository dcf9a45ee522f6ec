// Feed dates as feeds really write them: RFC 822 with named or military zones, missing seconds,
// two-digit years and wrong day names; ISO 8601 / W3C-DTF with or without a zone, with a space for
// the `T`; and a few sloppy variants. Times without a zone are taken as UTC, never as the host's zone,
// so the result does not depend on where newswatch runs.

const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

/** Offsets in minutes of the zone names feeds use (RFC 822's, and common ones it never listed). */
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  wet: 0,
  bst: 60,
  cet: 60,
  met: 60,
  mez: 60,
  west: 60,
  cest: 120,
  mest: 120,
  mesz: 120,
  eet: 120,
  eest: 180,
  msk: 180,
  ist: 330,
  ict: 420,
  wib: 420,
  hkt: 480,
  sgt: 480,
  awst: 480,
  pht: 480,
  jst: 540,
  kst: 540,
  acst: 570,
  aest: 600,
  aedt: 660,
  nzst: 720,
  nzdt: 780,
  ast: -240,
  adt: -180,
  edt: -240,
  est: -300,
  cdt: -300,
  cst: -360,
  mdt: -360,
  mst: -420,
  pdt: -420,
  pst: -480,
  akdt: -480,
  akst: -540,
  hst: -600,
};

/** RFC 822 military zones (A–I: +1…+9, K–M: +10…+12, N–Y: −1…−12, Z: UTC). */
function militaryZoneOffset(letter: string): number | undefined {
  const code = letter.toUpperCase().charCodeAt(0);
  if (letter.length !== 1 || code < 65 || code > 90 || letter.toUpperCase() === "J") return undefined;
  if (code === 90) return 0;
  if (code <= 73) return (code - 64) * 60;
  if (code <= 77) return (code - 65) * 60;
  return -(code - 77) * 60;
}

/** Minutes east of UTC for `+0900`, `-05:00`, `+9`, `GMT+2`, `EST`, `Z`…; undefined if not a zone. */
function zoneOffset(zone: string): number | undefined {
  const text = zone.trim().replace(/^\(|\)$/g, "");
  if (text === "") return 0;
  const numeric = /^(?:(?:gmt|utc|ut)\s*)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(text);
  if (numeric !== null) {
    const minutes = Number(numeric[2]) * 60 + Number(numeric[3] ?? 0);
    if (minutes > 14 * 60) return undefined;
    return numeric[1] === "-" ? -minutes : minutes;
  }
  const named = ZONES[text.toLowerCase()];
  if (named !== undefined) return named;
  return militaryZoneOffset(text);
}

function fullYear(year: string): number {
  const value = Number(year);
  if (year.length > 2) return value;
  // RFC 2822 §4.3: 00–49 are 2000–2049, 50–99 are 1950–1999.
  return value < 50 ? 2000 + value : 1900 + value;
}

function utc(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millisecond: number,
  offsetMinutes: number,
): Date | undefined {
  if (
    year < 1000 ||
    month < 0 ||
    month > 11 ||
    day < 1 ||
    day > 31 ||
    hour > 24 ||
    minute > 59 ||
    second > 60
  )
    return undefined;
  // Date.UTC would roll 31 September over into October: a day the month does not have is no date.
  if (new Date(Date.UTC(year, month, day)).getUTCMonth() !== month) return undefined;
  const time =
    Date.UTC(year, month, day, hour, minute, Math.min(second, 59), millisecond) - offsetMinutes * 60_000;
  return Number.isNaN(time) ? undefined : new Date(time);
}

// 2023-09-04T12:34:56.789+09:00, 2023-09-04 12:34, 2023-09-04, 2023-09, 20230904T123456Z
const ISO_8601 =
  /^(\d{4})-?(\d{2})(?:-?(\d{2})(?:[T\s]+(\d{1,2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?)?\s*(Z|[+-]\d{1,2}(?::?\d{2})?|[A-Za-z]{1,5})?$/i;

function parseIso8601(text: string): Date | undefined {
  const match = ISO_8601.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const offset = zoneOffset(zone ?? "");
  if (offset === undefined) return undefined;
  const millisecond = fraction === undefined ? 0 : Math.round(Number(`0.${fraction}`) * 1000);
  return utc(
    Number(year),
    Number(month) - 1,
    Number(day ?? 1),
    Number(hour ?? 0),
    Number(minute ?? 0),
    Number(second ?? 0),
    Math.min(millisecond, 999),
    offset,
  );
}

/** Month names of other languages that feeds leave untranslated (Portuguese, Spanish, French, German, Italian). */
const OTHER_MONTHS: Record<string, number> = {
  ene: 0,
  gen: 0,
  janv: 0,
  fev: 1,
  fevr: 1,
  mrz: 2,
  maer: 2,
  mars: 2,
  abr: 3,
  avr: 3,
  mai: 4,
  mag: 4,
  juin: 5,
  giu: 5,
  juil: 6,
  lug: 6,
  ago: 7,
  aou: 7,
  aout: 7,
  set: 8,
  okt: 9,
  out: 9,
  ott: 9,
  dez: 11,
  dic: 11,
};

function monthIndex(name: string): number | undefined {
  const plain = name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace("ä", "ae");
  return (
    OTHER_MONTHS[plain] ??
    OTHER_MONTHS[plain.slice(0, 4)] ??
    MONTHS[plain.slice(0, 3)] ??
    OTHER_MONTHS[plain.slice(0, 3)]
  );
}

// [Day,] 4 Sep 2023 12:34[:56] [zone] — the day name may be wrong, misspelt or absent.
const RFC_822 =
  /^(?:\p{L}+\.?,?\s+)?(\d{1,2})[\s-]+(\p{L}{3,9})\.?[\s-]+(\d{2,4})(?:[\sT,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(am|pm)?)?\s*(.*)$/iu;

// Sep 4, 2023 12:34:56 PM EST / Monday, September 4 2023 12:34 / Mon Sep 04 12:34:56 UTC 2023
const MONTH_FIRST =
  /^(?:\p{L}+\.?,?\s+)?(\p{L}{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?:[\s,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(am|pm)?)?\s*(.*)$/iu;
const ASCTIME =
  /^[A-Za-z]{3}\s+([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(?:([A-Za-z]+|[+-]\d{4})\s+)?(\d{4})$/;

// 2023/09/04 12:34:56 +0900, 04.09.2023 12:34 (day first when dots are used, as in Europe)
const SLASHED = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:[\sT]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(.*)$/;
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[\s,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(.*)$/;

function hour24(hour: string | undefined, meridiem: string | undefined): number {
  const value = Number(hour ?? 0);
  if (meridiem === undefined) return value;
  const pm = meridiem.toLowerCase() === "pm";
  return (value % 12) + (pm ? 12 : 0);
}

/** A date written with a month name, once the pattern has split it into its parts. */
function fromNamedMonth(parts: {
  year: number;
  monthName: string;
  day: string;
  hour: string | undefined;
  minute: string | undefined;
  second: string | undefined;
  meridiem?: string | undefined;
  zone: string | undefined;
}): Date | undefined {
  const month = monthIndex(parts.monthName);
  const offset = zoneOffset(parts.zone ?? "");
  if (month === undefined || offset === undefined) return undefined;
  return utc(
    parts.year,
    month,
    Number(parts.day),
    hour24(parts.hour, parts.meridiem),
    Number(parts.minute ?? 0),
    Number(parts.second ?? 0),
    0,
    offset,
  );
}

function parseRfc822(text: string): Date | undefined {
  const match = RFC_822.exec(text);
  if (match === null) return undefined;
  const [, day, monthName, year, hour, minute, second, meridiem, zone] = match;
  return fromNamedMonth({
    year: fullYear(year!),
    monthName: monthName!,
    day: day!,
    hour,
    minute,
    second,
    meridiem,
    zone,
  });
}

function parseMonthFirst(text: string): Date | undefined {
  const asctime = ASCTIME.exec(text);
  if (asctime !== null) {
    const [, monthName, day, hour, minute, second, zone, year] = asctime;
    return fromNamedMonth({
      year: Number(year),
      monthName: monthName!,
      day: day!,
      hour,
      minute,
      second,
      zone,
    });
  }
  const match = MONTH_FIRST.exec(text);
  if (match === null) return undefined;
  const [, monthName, day, year, hour, minute, second, meridiem, zone] = match;
  return fromNamedMonth({
    year: Number(year),
    monthName: monthName!,
    day: day!,
    hour,
    minute,
    second,
    meridiem,
    zone,
  });
}

function parseNumeric(text: string): Date | undefined {
  const slashed = SLASHED.exec(text);
  const dotted = slashed === null ? DOTTED.exec(text) : null;
  if (slashed === null && dotted === null) return undefined;
  const [year, month, day] =
    slashed !== null ? [slashed[1], slashed[2], slashed[3]] : [dotted![3], dotted![2], dotted![1]];
  const [hour, minute, second, zone] = (slashed ?? dotted!).slice(4);
  const offset = zoneOffset(zone ?? "");
  if (offset === undefined) return undefined;
  return utc(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour ?? 0),
    Number(minute ?? 0),
    Number(second ?? 0),
    0,
    offset,
  );
}

/** Reads a feed date; undefined when the text is not a date we can trust. */
export function parseFeedDate(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const cleaned = text
    .replace(/[\u00A0\s]+/g, " ")
    .trim()
    // "Mon, 04 Sep 2023 12:00:00 +0000 (UTC)": the comment repeats the zone.
    .replace(/\s*\([^)]*\)$/, "");
  if (cleaned === "" || cleaned.length > 80) return undefined;
  const date =
    parseIso8601(cleaned) ?? parseRfc822(cleaned) ?? parseMonthFirst(cleaned) ?? parseNumeric(cleaned);
  if (date === undefined) return undefined;
  const year = date.getUTCFullYear();
  return year >= 1900 && year <= 9999 ? date : undefined;
}

export interface ItemDates {
  /** ISO 8601 UTC: the first readable of the item's dates, else `now`; never after `now`. */
  published: string;
  /** ISO 8601 UTC, when the feed gives an update time that differs from `published`. */
  updated?: string;
}

function clamp(date: Date, now: Date): Date {
  return date.getTime() > now.getTime() ? now : date;
}

/**
 * Chooses an item's publication and update times: pubDate, then published, then dc:date, then updated;
 * none readable → `now` (first seen); in the future → `now`.
 */
export function resolveItemDates(
  raw: { pubDate?: string; published?: string; updated?: string; dcDate?: string },
  now: Date,
): ItemDates {
  const published =
    parseFeedDate(raw.pubDate) ??
    parseFeedDate(raw.published) ??
    parseFeedDate(raw.dcDate) ??
    parseFeedDate(raw.updated);
  const publishedIso = clamp(published ?? now, now).toISOString();
  const updated = parseFeedDate(raw.updated);
  const updatedIso = updated === undefined ? undefined : clamp(updated, now).toISOString();
  return updatedIso === undefined || updatedIso === publishedIso
    ? { published: publishedIso }
    : { published: publishedIso, updated: updatedIso };
}
