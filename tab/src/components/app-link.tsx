/**
 * A real `<a href>` (so it can be opened in a new tab, copied, read by screen readers as a link) that navigates
 * client-side on a plain click.
 */
import { Link } from "@fluentui/react-components";
import type { MouseEvent, ReactNode } from "react";
import { navigate } from "../app/router";

/** Props of AppLink. */
export interface AppLinkProps {
  /** A path inside the tab, e.g. `/services/123`. */
  href: string;
  children: ReactNode;
  className?: string;
  /** Fluent's inline style, for links inside running text. */
  inline?: boolean;
}

/** A Fluent Link that routes inside the tab. */
export function AppLink({ href, children, className, inline }: AppLinkProps) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    // Modified clicks keep their browser meaning (new tab, new window, download).
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <Link as="a" href={href} onClick={handleClick} className={className} inline={inline}>
      {children}
    </Link>
  );
}
