import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDigest } from "../../../src/digest/build.js";
import { createChannel } from "../../../src/digest/channels/create-channel.js";
import { digestFileName } from "../../../src/digest/channels/file.js";
import { NewswatchError } from "../../../src/errors.js";
import { digestMatch, digestSpec } from "../../unit/digest/fixtures.js";
import { type HttpReceiver, startHttpReceiver, startSmtpReceiver } from "./receivers.js";

// Channel adapters against real receivers: how failures are sorted into retryable or not.

const tmp = mkdtempSync(path.join(os.tmpdir(), "nwtest-digest-channels-"));
let http: HttpReceiver;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
let silentServer: Server;
let silentUrl: string;

const digest = buildDigest(
  digestSpec({ timezone: "UTC" }),
  [digestMatch({ story: "a" })],
  new Date("2026-03-01T07:00:00.000Z"),
);
const delivery = {
  deliveryId: "morning-0123456789abcdef01234567",
  digest,
  attemptAt: new Date("2026-03-01T07:00:01.000Z"),
};

beforeAll(async () => {
  http = await startHttpReceiver();
  smtp = await startSmtpReceiver();
  // Accepts connections and never answers: for timeouts.
  silentServer = createServer(() => {});
  await new Promise<void>((resolve) => silentServer.listen(0, "127.0.0.1", resolve));
  silentUrl = `http://127.0.0.1:${(silentServer.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  await http.close();
  await smtp.close();
  silentServer.closeAllConnections();
  await new Promise<void>((resolve) => silentServer.close(() => resolve()));
  rmSync(tmp, { recursive: true, force: true });
});

async function failureOf(send: () => Promise<void>): Promise<NewswatchError> {
  try {
    await send();
  } catch (err) {
    if (err instanceof NewswatchError) return err;
    throw err;
  }
  throw new Error("expected the send to fail");
}

describe("HTTP channels", () => {
  it.each([
    [503, true],
    [429, true],
    [500, true],
    [404, false],
    [400, false],
  ])("HTTP %i is retryable: %s", async (status, retryable) => {
    http.failNext(`/status/${status}`, 1, status);
    const channel = createChannel({ type: "slack", url: http.url(`/status/${status}`), timeoutMs: 5000 });
    const err = await failureOf(() => channel.send(delivery));
    expect(err.code).toBe("NW_DELIVERY_FAILED");
    expect(err.retryable).toBe(retryable);
    expect(err.message).toContain(`HTTP ${status}`);
  });

  it("times out a receiver that never answers (retryable) and names only the origin", async () => {
    const channel = createChannel({
      type: "webhook",
      url: `${silentUrl}?token=secret-token`,
      headers: {},
      timeoutMs: 200,
    });
    const err = await failureOf(() => channel.send(delivery));
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/no answer within 200 ms/);
    expect(err.message).not.toContain("secret-token");
  });

  it("treats a refused connection as retryable", async () => {
    const channel = createChannel({
      type: "webhook",
      url: "http://127.0.0.1:9/hook",
      headers: {},
      timeoutMs: 2000,
    });
    const err = await failureOf(() => channel.send(delivery));
    expect(err.retryable).toBe(true);
  });
});

describe("e-mail channel", () => {
  it("refuses wrong credentials as a configuration problem (not retried)", async () => {
    const channel = createChannel({
      type: "email",
      smtp: smtp.url("desk:wrong"),
      from: "nw@example.org",
      to: ["desk@example.org"],
      timeoutMs: 5000,
    });
    const err = await failureOf(() => channel.send(delivery));
    expect(err.code).toBe("NW_SMTP_REJECTED");
    expect(err.retryable).toBe(false);
    expect(err.message).not.toContain("wrong");
  });

  it("treats an unreachable server as retryable", async () => {
    const channel = createChannel({
      type: "email",
      smtp: "smtp://127.0.0.1:9",
      from: "nw@example.org",
      to: ["desk@example.org"],
      timeoutMs: 2000,
    });
    const err = await failureOf(() => channel.send(delivery));
    expect(err.code).toBe("NW_DELIVERY_FAILED");
    expect(err.retryable).toBe(true);
  });
});

describe("file channel", () => {
  it("writes one file per delivery, atomically, and replaces it when the same delivery is re-sent", async () => {
    const dir = path.join(tmp, "nested", "digests");
    const channel = createChannel({ type: "file", dir, format: "json" });
    await channel.send(delivery);
    await channel.send({ ...delivery, attemptAt: new Date("2026-03-01T07:05:00.000Z") });
    const files = readdirSync(dir);
    expect(files).toEqual(["morning-20260301T070000Z-0123456789abcdef01234567.json"]);
    expect(JSON.parse(readFileSync(path.join(dir, files[0] ?? ""), "utf8")).deliveryId).toBe(
      delivery.deliveryId,
    );
  });

  it("resolves a relative directory against the base directory", async () => {
    const channel = createChannel({ type: "file", dir: "./relative", format: "text" }, { baseDir: tmp });
    await channel.send(delivery);
    expect(readdirSync(path.join(tmp, "relative"))).toEqual([
      digestFileName("morning", digest.generatedAt, delivery.deliveryId, "text"),
    ]);
  });
});
