import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { NewswatchError } from "../../errors.js";
import { type DigestFormat, FORMAT_EXTENSIONS, renderDigest } from "../render.js";
import { type Channel, channelKey, type OutgoingDelivery } from "./channel.js";

// One file per digest run in a directory (relative paths from `baseDir`, the working directory by
// default). Written to a temporary name and renamed, so a reader never sees half a digest; a re-sent
// delivery has the same name and replaces the file.

export function createFileChannel(
  spec: { type: "file"; dir: string; format: DigestFormat },
  baseDir: string = process.cwd(),
): Channel {
  const dir = path.resolve(baseDir, spec.dir);
  return {
    key: channelKey(spec),
    type: "file",
    target: dir,
    async send(delivery: OutgoingDelivery) {
      const name = digestFileName(
        delivery.digest.name,
        delivery.digest.generatedAt,
        delivery.deliveryId,
        spec.format,
      );
      const finalPath = path.join(dir, name);
      const temporary = path.join(dir, `.${name}.${randomBytes(4).toString("hex")}.tmp`);
      try {
        await mkdir(dir, { recursive: true });
        await writeFile(temporary, renderDigest(delivery.digest, spec.format, delivery.deliveryId), {
          mode: 0o644,
        });
        await rename(temporary, finalPath);
      } catch (err) {
        await rm(temporary, { force: true }).catch(() => {});
        // A full disk may clear up; a missing permission will not, but retrying it costs nothing.
        throw new NewswatchError(
          "NW_DELIVERY_FAILED",
          `could not write the digest to ${finalPath}: ${(err as Error).message}`,
          { retryable: true, cause: err },
        );
      }
    },
  };
}

/** `morning-20260301T070000Z-<delivery hash>.md`: sorts by time, unique per run. */
export function digestFileName(
  digest: string,
  generatedAt: string,
  deliveryId: string,
  format: DigestFormat,
): string {
  const stamp = generatedAt.replace(/\.\d+Z$/, "Z").replace(/[-:]/g, "");
  const suffix = deliveryId.slice(deliveryId.lastIndexOf("-") + 1).replace(/[^A-Za-z0-9]/g, "");
  return `${digest.replace(/[^A-Za-z0-9_-]/g, "_")}-${stamp}-${suffix}.${FORMAT_EXTENSIONS[format]}`;
}
