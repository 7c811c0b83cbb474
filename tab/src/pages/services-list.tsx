/**
 * The body of the services page once the list has arrived: the services with their status badges, or the empty
 * state. A chunk of its own that starts loading with the page, in parallel with GET /api/services, so the first
 * chunk stays small and nothing waits for it.
 */

import type { Service, ServiceStatus } from "@dr/contract";
import { Body1, Button, Caption1, makeStyles, Subtitle2, Text, tokens } from "@fluentui/react-components";
import { AddRegular } from "@fluentui/react-icons";
import { paths } from "../app/router";
import { AppLink } from "../components/app-link";
import { useSharedStyles } from "../components/shared.styles";
import { StatusBadge } from "../components/status-badge";
import { formatDate, formatDateTime } from "../format/format";
import { en } from "../i18n/en";

const useStyles = makeStyles({
  list: {
    listStyleType: "none",
    margin: 0,
    padding: 0,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalS,
  },
  item: {
    display: "grid",
    gridTemplateColumns: "minmax(0, 2fr) minmax(0, 2fr) auto",
    alignItems: "center",
    gap: tokens.spacingHorizontalL,
    "@media (max-width: 640px)": { gridTemplateColumns: "minmax(0, 1fr)", gap: tokens.spacingVerticalS },
  },
  name: { display: "flex", flexDirection: "column", minWidth: 0, overflowWrap: "anywhere" },
  meta: { display: "flex", flexDirection: "column", minWidth: 0, color: tokens.colorNeutralForeground2 },
  badge: { justifySelf: "start" },
  empty: {
    display: "flex",
    flexDirection: "column",
    alignItems: "flex-start",
    gap: tokens.spacingVerticalM,
  },
});

/** Props of ServicesList. */
export interface ServicesListProps {
  items: Service[];
  /** The active status filter, if any. */
  status: ServiceStatus | undefined;
  /** Opens the wizard (the empty state's button); absent when the operator may not onboard. */
  onAdd?: () => void;
  /** The list's accessible name (default: the services page's). */
  label?: string;
}

/** The list or the empty state (default export for React.lazy). */
export default function ServicesList({ items, status, onAdd, label }: ServicesListProps) {
  const styles = useStyles();
  const shared = useSharedStyles();

  if (items.length === 0 && status === undefined) {
    return (
      <section className={`${shared.surface} ${styles.empty}`} aria-labelledby="services-empty">
        <Subtitle2 as="h2" id="services-empty">
          {en.services.emptyTitle}
        </Subtitle2>
        <Body1>{en.services.emptyBody}</Body1>
        {onAdd && (
          <Button appearance="primary" icon={<AddRegular />} onClick={onAdd}>
            {en.services.emptyAction}
          </Button>
        )}
      </section>
    );
  }
  if (items.length === 0) return <Body1>{en.services.emptyFiltered}</Body1>;

  return (
    <ul className={styles.list} aria-label={label ?? en.services.listLabel}>
      {items.map((service) => (
        <li key={service.id} className={`${shared.surface} ${styles.item}`} data-service={service.shortName}>
          <div className={styles.name}>
            <AppLink href={paths.portal(service.id)}>
              <Text weight="semibold" size={400}>
                {service.shortName}
              </Text>
            </AppLink>
            {service.fullName && <Text>{service.fullName}</Text>}
            <Caption1>
              {en.services.customer}: {service.customerName}
            </Caption1>
          </div>
          <div className={styles.meta}>
            <Caption1>
              {en.services.tenant}: {service.m365.tenantName ?? service.m365.tenantId}
            </Caption1>
            <Caption1>
              {en.services.secretExpires}: {formatDate(service.m365.secretExpiresAt)}
            </Caption1>
            <Caption1>
              {en.services.lastValidated}:{" "}
              {service.m365.lastValidatedAt ? formatDateTime(service.m365.lastValidatedAt) : en.services.neverValidated}
            </Caption1>
          </div>
          <div className={styles.badge}>
            <StatusBadge status={service.status} daysUntilExpire={service.m365.daysUntilExpire} />
          </div>
        </li>
      ))}
    </ul>
  );
}
