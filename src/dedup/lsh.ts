// Locality-sensitive hashing by banding: the signature is cut into `bands` bands of `rows` positions;
// two articles become candidates when all rows of at least one band agree. For sets of Jaccard s that
// happens with probability 1 − (1 − s^rows)^bands, an S-curve whose steep part the banding places
// just below the confirmation threshold.

import { hashString32, mix32 } from "./minhash.js";

export interface Banding {
  bands: number;
  rows: number;
}

/** 10 bands × 2 rows: a pair of Jaccard 0.5 becomes a candidate with probability 0.94, 0.6 with 0.99. */
export const DEFAULT_BANDING: Banding = { bands: 10, rows: 2 };

/** Probability that two sets of Jaccard `similarity` share at least one band. */
export function candidateProbability(similarity: number, banding: Banding): number {
  return 1 - (1 - similarity ** banding.rows) ** banding.bands;
}

/** One 32-bit key per band, as 8 hex digits; the band number is part of the hash, so bands never collide by design. */
export function bandKeys(signature: Uint32Array, banding: Banding = DEFAULT_BANDING): string[] {
  if (banding.bands * banding.rows > signature.length) {
    throw new RangeError(
      `banding ${banding.bands}×${banding.rows} needs more than ${signature.length} positions`,
    );
  }
  const keys: string[] = [];
  for (let band = 0; band < banding.bands; band++) {
    let h = hashString32(`band${band}`);
    for (let row = 0; row < banding.rows; row++) {
      h = mix32(Math.imul(h ^ signature[band * banding.rows + row]!, 0x01000193));
    }
    keys.push(h.toString(16).padStart(8, "0"));
  }
  return keys;
}
