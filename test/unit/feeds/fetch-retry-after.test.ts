import { describe, expect, it } from "vitest";
import { parseHttpDate, parseRetryAfter } from "../../../src/feeds/retry-after.js";

const NOW = new Date("2026-03-01T12:00:00.000Z");

describe("parseRetryAfter", () => {
  const cases: Array<[name: string, header: string | undefined, expectedMs: number | undefined]> = [
    ["reads delta-seconds", "120", 120_000],
    ["reads zero seconds", "0", 0],
    ["tolerates surrounding spaces", "  30 ", 30_000],
    ["reads an IMF-fixdate", "Sun, 01 Mar 2026 12:02:00 GMT", 120_000],
    ["reads an RFC 850 date", "Sunday, 01-Mar-26 12:01:30 GMT", 90_000],
    ["reads an asctime date as UTC", "Sun Mar  1 12:00:45 2026", 45_000],
    ["treats a date in the past as now", "Sat, 28 Feb 2026 12:00:00 GMT", 0],
    ["ignores an absent header", undefined, undefined],
    ["ignores a negative number", "-5", undefined],
    ["ignores a fraction", "1.5", undefined],
    ["ignores words", "soon", undefined],
    ["ignores an impossible date", "Tue, 31 Feb 2026 12:00:00 GMT", undefined],
    ["ignores an empty header", "", undefined],
  ];
  for (const [name, header, expected] of cases) {
    it(name, () => {
      expect(parseRetryAfter(header, NOW)).toBe(expected);
    });
  }
});

describe("parseHttpDate", () => {
  it("reads all three forms as the same instant", () => {
    const expected = Date.UTC(1994, 10, 6, 8, 49, 37);
    expect(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT")?.getTime()).toBe(expected);
    expect(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT")?.getTime()).toBe(expected);
    expect(parseHttpDate("Sun Nov  6 08:49:37 1994")?.getTime()).toBe(expected);
  });

  it("accepts a lower-case month and zone", () => {
    expect(parseHttpDate("sun, 06 nov 1994 08:49:37 gmt")?.getTime()).toBe(Date.UTC(1994, 10, 6, 8, 49, 37));
  });

  it("rejects a date with another zone", () => {
    expect(parseHttpDate("Sun, 06 Nov 1994 08:49:37 PST")).toBeUndefined();
  });
});
