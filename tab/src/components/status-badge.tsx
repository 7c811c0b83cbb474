/**
 * A service status as a badge with an icon and a word, so colour is never the only signal.
 */

import type { ServiceStatus } from "@dr/contract";
import { Badge, type BadgeProps } from "@fluentui/react-components";
import {
  CheckmarkCircle16Filled,
  DismissCircle16Filled,
  QuestionCircle16Regular,
  Warning16Filled,
} from "@fluentui/react-icons";
import type { ReactElement } from "react";
import { en } from "../i18n/en";

/** The words of a status, e.g. "Expiring in 5 days". */
export function statusLabel(status: ServiceStatus, daysUntilExpire?: number): string {
  return status === "expiring" ? en.status.expiring(daysUntilExpire) : en.status[status];
}

const LOOK: Record<ServiceStatus, { color: BadgeProps["color"]; icon: ReactElement }> = {
  connected: { color: "success", icon: <CheckmarkCircle16Filled /> },
  expiring: { color: "warning", icon: <Warning16Filled /> },
  auth_failed: { color: "danger", icon: <DismissCircle16Filled /> },
  not_validated: { color: "informative", icon: <QuestionCircle16Regular /> },
};

/** Props of StatusBadge. */
export interface StatusBadgeProps {
  status: ServiceStatus;
  daysUntilExpire?: number;
  size?: BadgeProps["size"];
}

/** The status badge of a service. */
export function StatusBadge({ status, daysUntilExpire, size = "large" }: StatusBadgeProps) {
  const look = LOOK[status];
  return (
    <Badge appearance="tint" color={look.color} icon={look.icon} size={size} data-status={status}>
      {statusLabel(status, daysUntilExpire)}
    </Badge>
  );
}
