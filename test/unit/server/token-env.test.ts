import { describe, expect, it } from "vitest";
import { withTokenFromEnvironment } from "../../../src/cli/run-command.js";
import type { NewswatchConfig } from "../../../src/config/types.js";

const config = (token?: string) =>
  ({
    server: token === undefined ? { host: "0.0.0.0", port: 8080 } : { host: "0.0.0.0", port: 8080, token },
  }) as NewswatchConfig;

describe("withTokenFromEnvironment", () => {
  it("takes NEWSWATCH_TOKEN when the configuration names no token", () => {
    expect(withTokenFromEnvironment(config(), { NEWSWATCH_TOKEN: "from-env" }).server.token).toBe("from-env");
  });

  it("keeps the configured token over the environment", () => {
    expect(withTokenFromEnvironment(config("from-yaml"), { NEWSWATCH_TOKEN: "from-env" }).server.token).toBe(
      "from-yaml",
    );
  });

  it("ignores an empty or blank variable", () => {
    expect(withTokenFromEnvironment(config(), { NEWSWATCH_TOKEN: "" }).server.token).toBeUndefined();
    expect(withTokenFromEnvironment(config(), { NEWSWATCH_TOKEN: "  " }).server.token).toBeUndefined();
    expect(withTokenFromEnvironment(config(), {}).server.token).toBeUndefined();
  });
});
