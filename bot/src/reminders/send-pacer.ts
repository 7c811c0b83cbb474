/**
 * Paces proactive sends within Teams' published rate limits (docs/teams.md section 9,
 * https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit), with sliding windows kept in this
 * process: per bot and thread (a 1:1 chat, a group chat or a channel) 7 sends in 1 s, 8 in 2 s, 60 in 30 s and 1800 in
 * 3600 s; per app and tenant 50 requests per second, of which we use 40 to keep a margin. A send waits until every
 * window of its thread and of its tenant has room. Each window also waits a small margin past its end, so network
 * jitter does not put one send too many into a window as Teams measures it.
 *
 * Teams counts a request when it arrives, and a send may reach it well after it was let through (the database work
 * before it, a busy event loop, the network). So a send holds its place as "now" while it is in flight and is
 * counted at the moment its answer came (`slot.done()`): the arrival lies before that, so a later send, paced from
 * it, cannot arrive inside the same window. A slot never finished counts from its start after `IN_FLIGHT_MAX_MS`.
 *
 * The windows are per process: several server copies each pace their own sends, and a 429 Teams answers because of
 * the others is retried by the delivery step (Retry-After, backoff), not prevented here.
 */

/** At most `limit` sends in any `windowMs`. */
export interface PaceWindow {
  limit: number;
  windowMs: number;
}

/** docs/teams.md section 9: per bot, per thread, "Send a message, create a conversation". */
export const THREAD_WINDOWS: readonly PaceWindow[] = [
  { limit: 7, windowMs: 1_000 },
  { limit: 8, windowMs: 2_000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1_800, windowMs: 3_600_000 },
];

/** docs/teams.md section 9: per app, per tenant, 50 requests per second; 40 leaves a margin. */
export const TENANT_WINDOWS: readonly PaceWindow[] = [{ limit: 40, windowMs: 1_000 }];

/** Extra wait past each window's end, ms (network jitter between our clock and Teams'). */
export const WINDOW_MARGIN_MS = 100;

/** How long an unfinished slot holds its place as "now", ms (the outbound timeout is 15 s). */
export const IN_FLIGHT_MAX_MS = 30_000;

/** A send let through: `done()` when its answer came (or it failed), so it is counted from then. */
export interface PaceSlot {
  done(): void;
}

/** Real time by default; tests pass a fake clock whose `sleep` advances it. */
export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The real clock. `sleep`'s timer is unref'd: a pending send never keeps the process alive. */
export const REAL_CLOCK: PacerClock = {
  now: () => Date.now(),
  sleep: (ms) =>
    new Promise((resolve) => {
      setTimeout(resolve, ms).unref();
    }),
};

/** What a send is paced by: its thread (the conversation id) and its tenant. */
export interface PaceKeys {
  thread: string;
  tenant: string;
}

/** Options of {@link createSendPacer}; every default is Teams' value. */
export interface SendPacerOptions {
  thread?: readonly PaceWindow[];
  tenant?: readonly PaceWindow[];
  marginMs?: number;
  clock?: PacerClock;
}

/** The pacer. */
export interface SendPacer {
  /** How long a send to `keys` would have to wait now, ms (0: it may go now). */
  waitFor(keys: PaceKeys): number;
  /**
   * Waits until a send to `keys` fits every window, then counts it (in flight) and resolves to its slot, which the
   * caller finishes with `done()` once the answer came. Resolves false at once, counting nothing, when the wait would
   * exceed `maxWaitMs` (the caller tries again later).
   */
  acquire(keys: PaceKeys, maxWaitMs?: number): Promise<PaceSlot | false>;
}

/** Creates a pacer. */
export function createSendPacer(options: SendPacerOptions = {}): SendPacer {
  const clock = options.clock ?? REAL_CLOCK;
  const margin = options.marginMs ?? WINDOW_MARGIN_MS;
  const threadWindows = options.thread ?? THREAD_WINDOWS;
  const tenantWindows = options.tenant ?? TENANT_WINDOWS;
  /** Sends per key: when each was counted (in flight: `started`, counted as now; finished: `at`). */
  const sent = new Map<string, { started: number; at: number | undefined }[]>();
  const longest = Math.max(0, ...threadWindows.map((w) => w.windowMs), ...tenantWindows.map((w) => w.windowMs));

  /** The times that count now, oldest first (in flight: now, or the start once it is too old). */
  const times = (key: string, now: number): number[] => {
    const list = sent.get(key);
    if (!list) return [];
    const kept = list.filter((e) => (e.at ?? e.started + IN_FLIGHT_MAX_MS) + longest + margin > now);
    if (kept.length === 0) sent.delete(key);
    else if (kept.length !== list.length) sent.set(key, kept);
    return kept.map((e) => e.at ?? (now - e.started < IN_FLIGHT_MAX_MS ? now : e.started)).sort((a, b) => a - b);
  };

  const waitOf = (list: readonly number[], windows: readonly PaceWindow[], now: number): number => {
    let wait = 0;
    for (const { limit, windowMs } of windows) {
      // Sends still inside this window (a send at t counts until t + windowMs + margin).
      let first = list.length;
      while (first > 0 && (list[first - 1] as number) + windowMs + margin > now) first--;
      const inWindow = list.length - first;
      if (inWindow < limit) continue;
      // Room comes when enough of them have left: the (inWindow - limit + 1)th oldest in the window.
      const freeing = list[first + inWindow - limit] as number;
      wait = Math.max(wait, freeing + windowMs + margin - now);
    }
    return wait;
  };

  const keysOf = (keys: PaceKeys) =>
    [
      [`thread:${keys.thread}`, threadWindows],
      [`tenant:${keys.tenant}`, tenantWindows],
    ] as const;

  const pacer: SendPacer = {
    waitFor(keys) {
      const now = clock.now();
      let wait = 0;
      for (const [key, windows] of keysOf(keys)) wait = Math.max(wait, waitOf(times(key, now), windows, now));
      return wait;
    },
    async acquire(keys, maxWaitMs = Number.POSITIVE_INFINITY) {
      const start = clock.now();
      for (;;) {
        const wait = pacer.waitFor(keys);
        if (wait <= 0) {
          // Checked and counted in one synchronous step: concurrent callers cannot both take the last room.
          const entry: { started: number; at: number | undefined } = { started: clock.now(), at: undefined };
          for (const [key] of keysOf(keys)) {
            const list = sent.get(key) ?? [];
            list.push(entry);
            sent.set(key, list);
          }
          return {
            done() {
              entry.at ??= clock.now();
            },
          };
        }
        if (clock.now() - start + wait > maxWaitMs) return false;
        await clock.sleep(wait);
      }
    },
  };
  return pacer;
}
