/**
 * Work that outlives the turn that started it. Teams gives an invoke about 10 to 15 seconds (docs/teams.md section
 * 5), and a validation against a slow tenant can take longer, so a step that asks Microsoft waits for its work only
 * for a short budget: done by then, the step answers with the result; otherwise it answers with a working card and
 * the result replaces the message when the work ends (an update outside the turn). The work keeps running here; the
 * server waits for it (`drain`) before it closes the database.
 */

/** The outcome of waiting for work within a budget. */
export type WithinBudget<T> = { done: true; value: T } | { done: false; later: Promise<T> };

/** Background work of the bot. */
export interface Background {
  /** Waits for `work` at most `budgetMs`; the work is not cancelled when the budget runs out. */
  within<T>(work: Promise<T>, budgetMs: number): Promise<WithinBudget<T>>;
  /** Keeps `work` until it settles; a rejection is logged (never unhandled). */
  track(work: Promise<unknown>, what: string): void;
  /** Settles when every tracked piece of work has settled (the server's shutdown, the tests). */
  drain(): Promise<void>;
}

/** Creates the tracker. */
export function createBackground(log?: { error(o: object, m?: string): void }): Background {
  const running = new Set<Promise<unknown>>();
  return {
    async within<T>(work: Promise<T>, budgetMs: number): Promise<WithinBudget<T>> {
      let timer: NodeJS.Timeout | undefined;
      const late = Symbol("late");
      const outcome = await Promise.race([
        work,
        new Promise<typeof late>((resolve) => {
          timer = setTimeout(() => resolve(late), Math.max(0, budgetMs));
        }),
      ]).finally(() => clearTimeout(timer));
      return outcome === late ? { done: false, later: work } : { done: true, value: outcome as T };
    },
    track(work, what) {
      const settled = work.then(
        () => undefined,
        (error: unknown) => {
          log?.error({ err: { name: (error as Error)?.name, message: (error as Error)?.message } }, `${what} failed`);
        },
      );
      running.add(settled);
      void settled.finally(() => running.delete(settled));
    },
    async drain() {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}
