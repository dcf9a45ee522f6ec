import { describe, expect, it } from "vitest";
import {
  canonicalTimeZone,
  describeCronProblem,
  describeTimeZoneProblem,
} from "../../../src/config/schedule.js";

describe("describeCronProblem", () => {
  it.each([
    "0 7 * * *",
    "*/15 * * * *",
    "0 7 * * MON-FRI",
    "0 7 1,15 * *",
    "30 0 7 * * *",
    "@daily",
    " 0 7 * * * ",
  ])("accepts %s", (expression) => {
    expect(describeCronProblem(expression)).toBeUndefined();
  });

  it.each([
    ["0 25 * * *", 2, "hour field '25'"],
    ["61 * * * *", 0, "minute field '61'"],
    ["0 7 * * 8", 8, "day-of-week field '8'"],
    ["0 7 32 * *", 4, "day-of-month field '32'"],
    ["0 7 * 13 *", 6, "month field '13'"],
    ["  0 7 * * nope", 10, "day-of-week field 'nope'"],
    ["0 7 * *", 0, "expected 5 fields (minute hour day-of-month month day-of-week), got 4"],
    ["", 0, "got 0"],
    ["0 0 7 * * * *", 0, "got 7"],
    ["@sometimes", 0, "invalid cron schedule '@sometimes'"],
  ])("refuses '%s', pointing at index %d", (expression, offset, text) => {
    const problem = describeCronProblem(expression);
    expect(problem?.offset).toBe(offset);
    expect(problem?.message).toContain(text);
  });
});

describe("time zones", () => {
  it("accepts IANA names in any case and returns their canonical spelling", () => {
    expect(canonicalTimeZone("asia/seoul")).toBe("Asia/Seoul");
    expect(canonicalTimeZone("Europe/Moscow")).toBe("Europe/Moscow");
    expect(canonicalTimeZone("UTC")).toBe("UTC");
    expect(describeTimeZoneProblem("Asia/Pyongyang")).toBeUndefined();
  });

  it("refuses unknown names, suggesting a close one", () => {
    expect(canonicalTimeZone("Mars/Olympus")).toBeUndefined();
    expect(describeTimeZoneProblem("Europe/Moskow")).toBe(
      "unknown time zone 'Europe/Moskow' (expected an IANA name; did you mean 'Europe/Moscow'?)",
    );
    expect(describeTimeZoneProblem("Nowhere")).toBe(
      "unknown time zone 'Nowhere' (expected an IANA name like Asia/Seoul or UTC)",
    );
  });
});
