/**
 * A one-line progress bar on stderr, shown only when stderr is a terminal: piped output and logs stay clean.
 */
export interface Progress {
  update(done: number, total: number): void;
  done(): void;
}

export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update() {}, done() {} };
  let last = 0;
  let shown = false;
  return {
    update(done: number, total: number) {
      const now = Date.now();
      if (done < total && now - last < 100) return; // at most ten redraws a second
      last = now;
      const width = 30;
      const ratio = total > 0 ? Math.min(1, done / total) : 0;
      const filled = Math.round(ratio * width);
      stream.write(`\r${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}`);
      shown = true;
    },
    done() {
      if (shown) stream.write("\n");
    },
  };
}
