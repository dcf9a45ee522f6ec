import { describe, expect, it } from "vitest";
import { parseMatchesOptions, renderMatches } from "../../../src/cli/matches-command.js";

describe("parseMatchesOptions", () => {
  it("defaults to the table format and 50 matches", () => {
    expect(parseMatchesOptions({})).toEqual({ filter: { limit: 50 }, format: "table" });
  });

  it("reads topic, times and limit into a store filter", () => {
    expect(
      parseMatchesOptions({
        topic: "sanctions",
        since: "2026-03-01",
        until: "2026-03-02T07:00:00+09:00",
        limit: "100",
        json: true,
      }),
    ).toEqual({
      filter: {
        topic: "sanctions",
        since: new Date("2026-03-01T00:00:00Z"),
        until: new Date("2026-03-01T22:00:00Z"),
        limit: 100,
      },
      format: "json",
    });
  });

  it.each([
    [{ since: "yesterday" }, "--since must be an ISO 8601 time"],
    [{ until: "2026-13-45T99:00:00Z" }, "--until must be an ISO 8601 time"],
    [{ limit: "0" }, "--limit must be a positive whole number"],
    [{ limit: "ten" }, "--limit must be a positive whole number"],
    [{ format: "xml" }, "--format must be table, json or csv"],
    [{ json: true, format: "csv" }, "contradict"],
  ])("refuses %j", (options, message) => {
    expect(() => parseMatchesOptions(options)).toThrow(message);
  });
});

describe("renderMatches", () => {
  it("prints nothing at all as JSON Lines when there are no matches", () => {
    expect(renderMatches([], "json")).toBe("");
  });
});
