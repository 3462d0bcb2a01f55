// The filesystem the LaunchDarkly SDK's file data source reads the flags file through, made steady.
// The SDK's loader calls stat and read from an fs.watch callback without catching: a flags file that
// is removed (a deploy that deletes and rewrites it) rejects there and ended the facade's process.
// And fs.watch follows the inode: a file replaced by rename (an editor's atomic save, `mv`, Ansible,
// a Kubernetes ConfigMap) was seen once, and every later edit never (a rollback in the file ignored).

/** The SDK's platform filesystem (@launchdarkly/js-sdk-common `Filesystem`), as its file loader uses it. */
export interface FlagFilesystem {
  getFileTimestamp(path: string): Promise<number>;
  readFile(path: string): Promise<string>;
  watch(path: string, callback: (eventType: string, path: string) => void): { close(): void };
}

/** The timestamp of a file that cannot be read: the loader then reads it once, and gets the last content. */
const GONE = -1;

/**
 * Wraps the SDK's filesystem: a file that cannot be stat'ed or read keeps serving the content last read
 * from it (warned once, and again when it is back); a watch is re-armed on the path after every rename,
 * at once when a new file is there, else every `pollMs` until one is, and the loader is told of it.
 */
export function steadyFlagFilesystem(inner: FlagFilesystem, warn: (msg: string) => void, pollMs = 1000): FlagFilesystem {
  const last = new Map<string, string>();
  const gone = new Set<string>();
  const lost = (path: string, err: unknown): void => {
    if (gone.has(path)) return;
    gone.add(path);
    warn(`launchdarkly: flags file ${path} cannot be read (${(err as Error).message}); serving the flags last read from it until it is back`);
  };
  return {
    async getFileTimestamp(path) {
      try {
        return await inner.getFileTimestamp(path);
      } catch (err) {
        lost(path, err);
        return GONE;
      }
    },
    async readFile(path) {
      try {
        const text = await inner.readFile(path);
        if (gone.delete(path)) warn(`launchdarkly: flags file ${path} is back; reading it again`);
        last.set(path, text);
        return text;
      } catch (err) {
        const previous = last.get(path);
        if (previous === undefined) throw err; // never read: the SDK's start-up reports it
        lost(path, err);
        return previous;
      }
    },
    watch(path, callback) {
      let watcher: { close(): void } | null = null;
      let timer: NodeJS.Timeout | null = null;
      let closed = false;
      const arm = (): boolean => {
        try {
          const w = inner.watch(path, (eventType, p) => {
            callback(eventType, p);
            if (eventType === 'rename') rearm();
          });
          (w as { on?: (e: string, f: () => void) => void }).on?.('error', () => rearm());
          watcher = w;
          return true;
        } catch {
          return false;
        }
      };
      const rearm = (): void => {
        watcher?.close();
        watcher = null;
        if (closed || timer) return;
        // A rename that put a new file at the path: watch that one now (the event above loads it).
        if (arm()) return;
        const poll = (): void => {
          timer = null;
          if (closed) return;
          if (arm()) callback('rename', path);
          else timer = setTimeout(poll, pollMs).unref();
        };
        timer = setTimeout(poll, pollMs).unref();
      };
      if (!arm()) rearm();
      return {
        close() {
          closed = true;
          if (timer) clearTimeout(timer);
          watcher?.close();
        },
      };
    },
  };
}
