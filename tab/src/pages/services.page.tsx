/**
 * The services page (route `/`): every Direct Routing service with its status (the API sorts those needing
 * attention first), a status filter kept in the `status` query parameter, and the "Add service" menu that opens
 * the wizard. The list itself and the menu are small chunks loaded with the page (see their files for why). Below
 * the services, "Pending invitations" (tab/src/invitations/), and for operators "Invite the customer's admin".
 */

import type { Service, ServiceStatus } from "@dr/contract";
import {
  Button,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Spinner,
  ToggleButton,
  tokens,
} from "@fluentui/react-components";
import { AddRegular, ChevronDownRegular, PersonMailRegular } from "@fluentui/react-icons";
import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import type { ApiProblem } from "../api/api.client";
import { useApp, useCan } from "../app/app.context";
import { useFlash } from "../app/flash";
import { navigate, paths, setQueryParam, useLocation } from "../app/router";
import { AppLink } from "../components/app-link";
import { RetryMessage } from "../components/retry-message";
import { useSharedStyles } from "../components/shared.styles";
import { en } from "../i18n/en";
import { invitationsEn } from "../invitations/invitations.en";

const loadInviteDialog = () => import("../invitations/invite.dialog");
const loadPending = () => import("../invitations/pending-invitations");
const InviteDialog = lazy(loadInviteDialog);
const PendingInvitations = lazy(loadPending);
const loadMenu = () => import("./add-service.menu");
const loadList = () => import("./services-list");
const AddServiceMenu = lazy(loadMenu);
const ServicesList = lazy(loadList);

/** Statuses in the order of the filter (attention first, as the list is sorted). */
const STATUSES: readonly ServiceStatus[] = ["auth_failed", "expiring", "not_validated", "connected"];

function isStatus(value: string | null): value is ServiceStatus {
  return value !== null && (STATUSES as readonly string[]).includes(value);
}

const useStyles = makeStyles({
  page: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL, minWidth: 0 },
  header: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "center",
    justifyContent: "space-between",
    gap: tokens.spacingHorizontalM,
  },
  h1: { margin: 0, fontSize: tokens.fontSizeBase600, lineHeight: tokens.lineHeightBase600 },
  toolbar: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "center",
    gap: tokens.spacingHorizontalS,
    border: "none",
    margin: 0,
    padding: 0,
    minWidth: 0,
  },
  chevron: { marginLeft: tokens.spacingHorizontalXS, fontSize: "20px" },
  headerActions: { display: "flex", flexWrap: "wrap", gap: tokens.spacingHorizontalS, alignItems: "center" },
});

/** The services page (default export for React.lazy). */
export default function ServicesPage() {
  const styles = useStyles();
  const shared = useSharedStyles();
  const { api } = useApp();
  const can = useCan();
  const { search } = useLocation();
  const statusParam = search.get("status");
  const status = isStatus(statusParam) ? statusParam : undefined;
  const [items, setItems] = useState<Service[] | undefined>(undefined);
  const [error, setError] = useState<ApiProblem | undefined>(undefined);
  const [reload, setReload] = useState(0);
  const flash = useFlash();
  const [menuWanted, setMenuWanted] = useState(false);
  const [inviting, setInviting] = useState(false);
  const [invitationsVersion, setInvitationsVersion] = useState(0);

  useEffect(() => {
    document.title = `${en.services.title} – ${en.app.productName}`;
    // Fetch the list's and the menu's code now, in parallel with the data.
    void loadList();
    void loadMenu();
    void loadPending();
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `reload` is the Retry trigger
  useEffect(() => {
    const controller = new AbortController();
    setError(undefined);
    setItems(undefined);
    api.listServices(status, { signal: controller.signal }).then(
      (body) => setItems(body.items),
      (problem: ApiProblem) => {
        if (!controller.signal.aborted) setError(problem);
      },
    );
    return () => controller.abort();
  }, [api, status, reload]);

  const retry = useCallback(() => setReload((n) => n + 1), []);
  const openWizard = useCallback(() => navigate(paths.wizard()), []);
  const noServicesAtAll = items !== undefined && items.length === 0 && status === undefined;

  return (
    <div className={styles.page}>
      <div className={styles.header}>
        <div className={styles.headerActions}>
          <h1 className={styles.h1}>{en.services.title}</h1>
          <AppLink href={paths.fleet()}>{en.fleet.link}</AppLink>
        </div>
        {can("operate") && (
          <div className={styles.headerActions}>
            <Button
              icon={<PersonMailRegular />}
              onPointerEnter={() => void loadInviteDialog()}
              onFocus={() => void loadInviteDialog()}
              onClick={() => setInviting(true)}
            >
              {invitationsEn.invite}
            </Button>
            <Suspense
              fallback={
                // Looks and reads like the menu button; a click before the menu chunk lands opens the menu once it does.
                <Button
                  appearance="primary"
                  icon={<AddRegular />}
                  aria-haspopup="menu"
                  aria-expanded={false}
                  onClick={() => setMenuWanted(true)}
                >
                  {en.services.addService}
                  <ChevronDownRegular className={styles.chevron} />
                </Button>
              }
            >
              <AddServiceMenu initiallyOpen={menuWanted} />
            </Suspense>
          </div>
        )}
      </div>

      {flash && (
        <MessageBar intent="success">
          <MessageBarBody>{flash}</MessageBarBody>
        </MessageBar>
      )}

      {!noServicesAtAll && (
        // Toggle buttons rather than a Dropdown: one press to filter, and no popup code in the first chunk.
        <fieldset className={styles.toolbar}>
          <legend className={shared.visuallyHidden}>{en.services.filterLabel}</legend>
          <ToggleButton size="small" checked={status === undefined} onClick={() => setQueryParam("status", undefined)}>
            {en.services.filterAll}
          </ToggleButton>
          {STATUSES.map((s) => (
            <ToggleButton
              key={s}
              size="small"
              checked={status === s}
              onClick={() => setQueryParam("status", status === s ? undefined : s)}
            >
              {en.services.filters[s]}
            </ToggleButton>
          ))}
        </fieldset>
      )}

      {error && (
        <RetryMessage onRetry={retry}>
          {en.services.loadError} {error.detail}
        </RetryMessage>
      )}

      {!error && items === undefined && <Spinner label={en.services.loading} />}

      {items !== undefined && (
        <Suspense fallback={<Spinner label={en.services.loading} />}>
          <ServicesList items={items} status={status} {...(can("operate") ? { onAdd: openWizard } : {})} />
        </Suspense>
      )}

      <Suspense fallback={<Spinner size="small" label={invitationsEn.pendingLoading} />}>
        <PendingInvitations reloadKey={invitationsVersion} />
      </Suspense>

      {inviting && (
        <Suspense fallback={null}>
          <InviteDialog
            open={inviting}
            onClose={() => setInviting(false)}
            onCreated={() => setInvitationsVersion((n) => n + 1)}
          />
        </Suspense>
      )}

      <div aria-live="polite" className={shared.visuallyHidden}>
        {items !== undefined ? en.services.count(items.length) : ""}
      </div>
    </div>
  );
}
