/**
 * What every page needs: the API client, the host (Teams or a browser), the host context and the server's tab
 * settings. Provided once by the root; pages read it with `useApp()`.
 */

import type { OperatorPermission, OperatorSettings } from "@dr/contract";
import { createContext, useContext } from "react";
import type { ApiClient } from "../api/api.client";
import type { HostContext, TeamsHost } from "../teams/teams-host";

/** The shared services of the tab. */
export interface AppServices {
  api: ApiClient;
  host: TeamsHost;
  hostContext: HostContext;
  /** Undefined while loading, or when the server does not answer /api/settings (pages then use server defaults). */
  settings: OperatorSettings | undefined;
}

/** React context carrying `AppServices`. */
export const AppContext = createContext<AppServices | undefined>(undefined);

/** The shared services; throws when used outside the root (a programming error). */
export function useApp(): AppServices {
  const value = useContext(AppContext);
  if (!value) throw new Error("useApp() used outside <AppContext>");
  return value;
}

/**
 * Whether the operator may do what needs `permission`. True while the settings are unknown: the server decides
 * anyway, and hiding every action on a slow answer would be worse than one 403 message.
 */
export function useCan(): (permission: OperatorPermission) => boolean {
  const granted = useApp().settings?.operator?.permissions;
  return (permission) => granted === undefined || granted.includes(permission);
}
