/**
 * Catches what a page throws while rendering, above all a page's code that could not be loaded (the network
 * dropped, or the server was updated and the old chunk is gone), so the tab shows what happened and a way out
 * instead of going blank. The app keys it by path: moving to another page starts afresh.
 */
import { Component, type ErrorInfo, type ReactNode } from "react";
import { shell as en } from "../i18n/en.shell";
import { RetryMessage } from "./retry-message";

/** Props of PageErrorBoundary. */
export interface PageErrorBoundaryProps {
  children: ReactNode;
  /** Reloads the tab (a test seam; the default reloads the document). */
  reload?: () => void;
}

interface State {
  failed: boolean;
}

/** The boundary around the routed page. */
export class PageErrorBoundary extends Component<PageErrorBoundaryProps, State> {
  override state: State = { failed: false };

  static getDerivedStateFromError(): State {
    return { failed: true };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    // The console is the browser's own log; nothing here can hold a secret (pages never render one).
    console.error("page failed", error instanceof Error ? error.message : String(error), info.componentStack);
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    const reload = this.props.reload ?? (() => window.location.reload());
    return (
      <RetryMessage onRetry={reload}>
        <strong>{en.app.pageFailedTitle}</strong> {en.app.pageFailedBody}
      </RetryMessage>
    );
  }
}
