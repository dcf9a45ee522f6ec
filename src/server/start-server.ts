import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { NewswatchError } from "../errors.js";
import { isLoopbackHost } from "./auth.js";

/**
 * Refuses a server that anyone on the network could reach without a token: binding a non-loopback
 * address (0.0.0.0 in a container, a LAN address) needs `server.token`.
 */
export function assertProtectedBinding(server: { host: string; token?: string }): void {
  if (server.token === undefined && !isLoopbackHost(server.host)) {
    throw new NewswatchError(
      "NW_SERVER_UNPROTECTED",
      `refusing to serve the API and the queue dashboard on ${server.host} without a token: set server.token ` +
        "(read from the environment, e.g. NEWSWATCH_TOKEN) or bind 127.0.0.1",
    );
  }
}

/** Listens on host:port and returns the base URL actually bound (port 0 picks a free port). */
export async function listenServer(
  app: FastifyInstance,
  server: { host: string; port: number; token?: string },
): Promise<string> {
  assertProtectedBinding(server);
  await app.listen({ host: server.host, port: server.port });
  const address = app.server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
