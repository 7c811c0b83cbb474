/** An invitation's state as a badge with an icon and a word, so colour is never the only signal. */
import type { InvitationStatus } from "@dr/contract";
import { Badge, type BadgeProps } from "@fluentui/react-components";
import {
  Archive16Regular,
  CheckmarkCircle16Filled,
  Clock16Regular,
  DismissCircle16Regular,
  Eye16Regular,
  Mail16Regular,
} from "@fluentui/react-icons";
import type { ReactElement } from "react";
import { invitationsEn as t } from "./invitations.en";

const LOOK: Record<InvitationStatus, { color: BadgeProps["color"]; icon: ReactElement }> = {
  sent: { color: "informative", icon: <Mail16Regular /> },
  opened: { color: "brand", icon: <Eye16Regular /> },
  completed: { color: "success", icon: <CheckmarkCircle16Filled /> },
  expired: { color: "warning", icon: <Clock16Regular /> },
  revoked: { color: "danger", icon: <DismissCircle16Regular /> },
  used: { color: "subtle", icon: <Archive16Regular /> },
};

/** The badge. */
export function InvitationStatusBadge({ status }: { status: InvitationStatus }) {
  const look = LOOK[status];
  return (
    <Badge appearance="tint" color={look.color} icon={look.icon} data-invitation-status={status}>
      {t.states[status]}
    </Badge>
  );
}
