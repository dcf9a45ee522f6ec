import { type FSWatcher, watch } from "node:fs";
import path from "node:path";

export interface FileWatch {
  /** Watch this set of files instead (the includes may have changed). */
  setFiles(files: readonly string[]): void;
  close(): void;
}

/**
 * Calls `onChange` once, `debounceMs` after the last change to any of `files`. Watches the files'
 * directories rather than the files themselves: editors that save by writing a new file and renaming it
 * over the old one (vim, many IDEs) replace the inode a file watch would be tied to.
 */
export function watchFiles(
  files: readonly string[],
  onChange: (changed: string[]) => void,
  options: { debounceMs?: number; onError?: (err: Error) => void } = {},
): FileWatch {
  const debounceMs = options.debounceMs ?? 250;
  let watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let pending = new Set<string>();
  let closed = false;

  const fire = () => {
    timer = undefined;
    const changed = [...pending];
    pending = new Set();
    onChange(changed);
  };

  const setFiles = (list: readonly string[]) => {
    for (const w of watchers) w.close();
    watchers = [];
    const byDir = new Map<string, Set<string>>();
    for (const file of list) {
      const dir = path.dirname(file);
      const names = byDir.get(dir) ?? new Set<string>();
      names.add(path.basename(file));
      byDir.set(dir, names);
    }
    for (const [dir, names] of byDir) {
      try {
        const watcher = watch(dir, { persistent: false }, (_event, filename) => {
          if (closed) return;
          const name = filename?.toString();
          // Some platforms omit the name: then any change in the directory counts.
          if (name !== undefined && !names.has(name)) return;
          pending.add(name === undefined ? dir : path.join(dir, name));
          if (timer) clearTimeout(timer);
          timer = setTimeout(fire, debounceMs);
        });
        watcher.on("error", (err) => options.onError?.(err));
        watchers.push(watcher);
      } catch (err) {
        options.onError?.(err as Error);
      }
    }
  };

  setFiles(files);
  return {
    setFiles,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const w of watchers) w.close();
      watchers = [];
    },
  };
}
