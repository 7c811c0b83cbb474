/** The error bar shown when a read failed: what went wrong and, when trying again can help, a Retry button. */
import { Button, MessageBar, MessageBarActions, MessageBarBody } from "@fluentui/react-components";
import type { ReactNode } from "react";
import { shell as en } from "../i18n/en.shell";

/** Props of RetryMessage. */
export interface RetryMessageProps {
  children: ReactNode;
  /** Absent when retrying cannot help (e.g. the thing does not exist). */
  onRetry?: () => void;
}

/** The error bar. */
export function RetryMessage({ children, onRetry }: RetryMessageProps) {
  return (
    <MessageBar intent="error" layout="multiline">
      <MessageBarBody>{children}</MessageBarBody>
      {onRetry && (
        <MessageBarActions>
          <Button onClick={onRetry}>{en.app.retry}</Button>
        </MessageBarActions>
      )}
    </MessageBar>
  );
}
