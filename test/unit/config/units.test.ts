import { describe, expect, it } from "vitest";
import { parseDuration, parseSize, UnitError } from "../../../src/config/units.js";

describe("parseDuration", () => {
  it.each([
    ["250ms", 250],
    ["90s", 90_000],
    ["10m", 600_000],
    ["1h", 3_600_000],
    ["1h30m", 5_400_000],
    ["1h 30m", 5_400_000],
    ["14d", 1_209_600_000],
    ["2w", 1_209_600_000],
    ["1.5h", 5_400_000],
    [" 72h ", 259_200_000],
    ["0s", 0],
  ])("reads %s as %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["soon", "", "10", "10 minutes", "m10", "1h30", "-5m", "10M", "1y"])("refuses '%s'", (text) => {
    expect(() => parseDuration(text)).toThrow(UnitError);
  });

  it("says what it expected and what it got", () => {
    expect(() => parseDuration("soon")).toThrow("expected a duration like 10m, got 'soon'");
  });
});

describe("parseSize", () => {
  it.each([
    ["10MB", 10_000_000],
    ["512KB", 512_000],
    ["1GiB", 1_073_741_824],
    ["512KiB", 524_288],
    ["2 MiB", 2_097_152],
    ["10mb", 10_000_000],
    ["100B", 100],
    ["100", 100],
    ["1.5KB", 1_500],
    [1234, 1234],
    [0, 0],
  ] as const)("reads %s as %d bytes", (value, bytes) => {
    expect(parseSize(value)).toBe(bytes);
  });

  it.each(["big", "", "10XB", "MB", "-1MB", 1.5, -3])("refuses %s", (value) => {
    expect(() => parseSize(value)).toThrow(UnitError);
  });
});
