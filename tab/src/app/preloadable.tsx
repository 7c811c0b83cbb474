/**
 * A component whose code loads on demand, like React.lazy, that can also be loaded ahead of its first render. Once
 * loaded it renders directly: React.lazy would suspend for a tick even then, show the fallback and hold the real
 * content back behind Suspense's reveal throttle (a few hundred milliseconds).
 */
import { type ComponentType, lazy, useState } from "react";

/** A lazily loaded component with a `preload()` to start (or await) loading its code. */
export interface Preloadable<P extends object> {
  Component: ComponentType<P>;
  preload(): Promise<void>;
}

/** Wraps a dynamic import of a module whose default export is the component. */
export function preloadable<P extends object>(load: () => Promise<{ default: ComponentType<P> }>): Preloadable<P> {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<void> | undefined;
  const preload = () => {
    pending ??= load().then(
      (module) => {
        loaded = module.default;
      },
      (error: unknown) => {
        pending = undefined; // a later render or preload tries again
        throw error;
      },
    );
    return pending;
  };
  const Lazy = lazy(() => preload().then(() => ({ default: loaded as ComponentType<P> })));
  // biome-ignore lint/correctness/noComponentHookFactories: like React.lazy, called once per module at its top level
  function Component(props: P) {
    // Chosen once per mount, so the element type never changes under a mounted page (which would reset it).
    const [Direct] = useState(() => loaded);
    return Direct ? <Direct {...props} /> : <Lazy {...props} />;
  }
  return { Component, preload };
}
