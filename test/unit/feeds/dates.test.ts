import { describe, expect, it } from "vitest";
import { parseFeedDate, resolveItemDates } from "../../../src/feeds/dates.js";

describe("parseFeedDate", () => {
  const readable: Array<[form: string, input: string, iso: string]> = [
    ["RFC 822 with GMT", "Mon, 04 Sep 2023 12:34:56 GMT", "2023-09-04T12:34:56.000Z"],
    ["RFC 822 with a numeric zone", "Wed, 22 Jan 2014 20:31:31 +0600", "2014-01-22T14:31:31.000Z"],
    ["RFC 822 with -0000", "Mon, 04 Sep 2023 12:34:56 -0000", "2023-09-04T12:34:56.000Z"],
    ["RFC 822 with UT", "Mon, 04 Sep 2023 12:34:56 UT", "2023-09-04T12:34:56.000Z"],
    ["RFC 822 with Z", "Mon, 04 Sep 2023 12:34:56 Z", "2023-09-04T12:34:56.000Z"],
    ["RFC 822 with EST", "Mon, 04 Sep 2023 12:34:56 EST", "2023-09-04T17:34:56.000Z"],
    ["RFC 822 with EDT", "Mon, 04 Sep 2023 12:34:56 EDT", "2023-09-04T16:34:56.000Z"],
    ["RFC 822 with CST", "Mon, 04 Sep 2023 12:34:56 CST", "2023-09-04T18:34:56.000Z"],
    ["RFC 822 with PDT", "Mon, 04 Sep 2023 12:34:56 PDT", "2023-09-04T19:34:56.000Z"],
    ["RFC 822 with KST", "Mon, 04 Sep 2023 12:34:56 KST", "2023-09-04T03:34:56.000Z"],
    ["RFC 822 with a military zone", "Mon, 04 Sep 2023 12:34:56 R", "2023-09-04T17:34:56.000Z"],
    ["RFC 822 without seconds", "Mon, 04 Sep 2023 12:34 +0900", "2023-09-04T03:34:00.000Z"],
    ["RFC 822 without a zone (UTC)", "Mon, 04 Sep 2023 12:34:56", "2023-09-04T12:34:56.000Z"],
    ["RFC 822 with a two-digit year", "Mon, 04 Sep 23 12:34:56 GMT", "2023-09-04T12:34:56.000Z"],
    ["RFC 822 with a last-century two-digit year", "Sat, 04 Sep 99 12:34:56 GMT", "1999-09-04T12:34:56.000Z"],
    ["RFC 822 with the wrong day name", "Fri, 04 Sep 2023 12:34:56 GMT", "2023-09-04T12:34:56.000Z"],
    ["RFC 822 without a day name", "4 Sep 2023 12:34:56 GMT", "2023-09-04T12:34:56.000Z"],
    ["RFC 822 with a full month name", "Monday, 4 September 2023 12:34:56 GMT", "2023-09-04T12:34:56.000Z"],
    ["RFC 822 with a zone comment", "Mon, 04 Sep 2023 12:34:56 +0000 (UTC)", "2023-09-04T12:34:56.000Z"],
    ["RFC 822 with Portuguese names", "Seg, 24 Set 2018 19:42:40 -0300", "2018-09-24T22:42:40.000Z"],
    ["RFC 822 with a colon in the zone", "Mon, 04 Sep 2023 12:34:56 +09:00", "2023-09-04T03:34:56.000Z"],
    ["ISO 8601 with Z", "2023-09-04T12:34:56Z", "2023-09-04T12:34:56.000Z"],
    ["ISO 8601 with an offset", "2023-09-04T12:34:56+09:00", "2023-09-04T03:34:56.000Z"],
    ["ISO 8601 with fractions", "2003-12-13T18:30:02.25+01:00", "2003-12-13T17:30:02.250Z"],
    ["ISO 8601 without a zone (UTC)", "2023-09-04T12:34:56", "2023-09-04T12:34:56.000Z"],
    ["ISO 8601 with a space for T", "2022-03-01 12:34:56+00:00", "2022-03-01T12:34:56.000Z"],
    ["ISO 8601 without seconds", "2023-09-04T12:34-05:00", "2023-09-04T17:34:00.000Z"],
    ["a date alone", "2023-09-04", "2023-09-04T00:00:00.000Z"],
    ["a month alone", "2023-09", "2023-09-01T00:00:00.000Z"],
    ["compact ISO 8601", "20230904T123456Z", "2023-09-04T12:34:56.000Z"],
    ["month first with a comma", "Sep 4, 2023 12:34 PM EST", "2023-09-04T17:34:00.000Z"],
    ["asctime", "Mon Sep  4 12:34:56 2023", "2023-09-04T12:34:56.000Z"],
    ["asctime with a zone", "Mon Sep 04 12:34:56 UTC 2023", "2023-09-04T12:34:56.000Z"],
    ["slashes", "2023/09/04 12:34:56 +0900", "2023-09-04T03:34:56.000Z"],
    ["day-first dots", "04.09.2023 12:34", "2023-09-04T12:34:00.000Z"],
    ["surrounding white space", "  \n Mon, 04 Sep 2023 12:34:56 GMT \t", "2023-09-04T12:34:56.000Z"],
  ];

  it.each(readable)("reads %s", (_form, input, iso) => {
    expect(parseFeedDate(input)?.toISOString()).toBe(iso);
  });

  it.each([
    ["empty", ""],
    ["words", "yesterday afternoon"],
    ["an impossible day", "31 Sep 2023 12:00:00 GMT"],
    ["an impossible month", "2023-13-01"],
    ["an unknown zone", "Mon, 04 Sep 2023 12:34:56 XYZT"],
    ["a year out of range", "0001-01-01T00:00:00Z"],
    ["missing", undefined],
  ])("refuses %s", (_form, input) => {
    expect(parseFeedDate(input)).toBeUndefined();
  });
});

describe("resolveItemDates", () => {
  const now = new Date("2026-11-28T12:00:00Z");

  it("prefers pubDate, then published, then dc:date, then updated", () => {
    expect(
      resolveItemDates({ pubDate: "2023-01-01", published: "2023-02-01", dcDate: "2023-03-01" }, now)
        .published,
    ).toBe("2023-01-01T00:00:00.000Z");
    expect(resolveItemDates({ published: "garbage", dcDate: "2023-03-01" }, now).published).toBe(
      "2023-03-01T00:00:00.000Z",
    );
    expect(resolveItemDates({ updated: "2023-04-01" }, now).published).toBe("2023-04-01T00:00:00.000Z");
  });

  it("uses first-seen time when no date is readable", () => {
    expect(resolveItemDates({ pubDate: "soon" }, now)).toEqual({ published: now.toISOString() });
  });

  it("clamps a future date to now", () => {
    expect(resolveItemDates({ pubDate: "2030-01-01T00:00:00Z" }, now).published).toBe(now.toISOString());
  });

  it("keeps updated only when it differs", () => {
    expect(
      resolveItemDates({ published: "2023-01-01T00:00:00Z", updated: "2023-01-02T00:00:00Z" }, now),
    ).toEqual({
      published: "2023-01-01T00:00:00.000Z",
      updated: "2023-01-02T00:00:00.000Z",
    });
    expect(
      resolveItemDates({ published: "2023-01-01T09:00:00+09:00", updated: "2023-01-01T00:00:00Z" }, now),
    ).toEqual({
      published: "2023-01-01T00:00:00.000Z",
    });
  });
});
