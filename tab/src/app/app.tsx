/**
 * The shell: skip link, banners, the `<main>` landmark and the routes. Every page loads on demand, the first one
 * while the tab starts (see main.tsx), so the first chunk holds only the shell.
 */
import {
  Button,
  MessageBar,
  MessageBarActions,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Spinner,
  tokens,
} from "@fluentui/react-components";
import { DismissRegular } from "@fluentui/react-icons";
import { Suspense, useEffect, useRef, useState } from "react";
import { AppLink } from "../components/app-link";
import { PageErrorBoundary } from "../components/page-error-boundary";
import { shell as en } from "../i18n/en.shell";
import { useApp, useCan } from "./app.context";
import { preloadable } from "./preloadable";
import { matchRoute, paths, useLocation } from "./router";

// Every page loads on demand; main.tsx starts loading the first page's code while it asks for the settings.
const pages = {
  services: preloadable(() => import("../pages/services.page")),
  wizard: preloadable(() => import("../wizard/wizard.page")),
  portal: preloadable(() => import("../portal/portal.page")),
  config: preloadable(() => import("../pages/config.page")),
  outbox: preloadable(() => import("../outbox/outbox.page")),
  fleet: preloadable(() => import("../fleet/fleet.page")),
  provisioning: preloadable(() => import("../provisioning/provisioning.page")),
};
const ServicesPage = pages.services.Component;
const WizardPage = pages.wizard.Component;
const PortalPage = pages.portal.Component;
const ConfigPage = pages.config.Component;
const OutboxPage = pages.outbox.Component;
const FleetPage = pages.fleet.Component;
const ProvisioningPage = pages.provisioning.Component;
/** Loaded before the first render when the server is in sandbox mode (see boot-settings.ts). */
export const sandboxBanner = preloadable(() => import("./sandbox-banner"));
const SandboxBanner = sandboxBanner.Component;

/** Loads the code of the page at `pathname`, so it arrives while other start-up work runs. */
export async function preloadPage(pathname: string): Promise<void> {
  const route = matchRoute(pathname);
  if (route.name !== "not-found") await pages[route.name].preload();
}

const useStyles = makeStyles({
  shell: {
    maxWidth: "1200px",
    margin: "0 auto",
    padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalXL}`,
    display: "flex",
    flexDirection: "column",
    gap: tokens.spacingVerticalM,
    boxSizing: "border-box",
    "@media (max-width: 480px)": { padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalS}` },
  },
  skip: {
    position: "absolute",
    left: tokens.spacingHorizontalS,
    top: "-100px",
    zIndex: 1000,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorBrandForegroundLink,
    borderRadius: tokens.borderRadiusMedium,
    boxShadow: tokens.shadow16,
    ":focus": { top: tokens.spacingVerticalS },
  },
  main: { minWidth: 0, outlineStyle: "none" },
  banners: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, ":empty": { display: "none" } },
});

/** The routed application inside the root FluentProvider. */
export function App() {
  const styles = useStyles();
  const { hostContext, settings } = useApp();
  const can = useCan();
  const { pathname } = useLocation();
  const route = matchRoute(pathname);
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  const [standaloneDismissed, setStandaloneDismissed] = useState(false);

  // After a client-side navigation, put focus at the new page's start as a full page load would.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on purpose whenever the path changes
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    mainRef.current?.focus();
    window.scrollTo(0, 0);
  }, [pathname]);

  return (
    <div className={styles.shell}>
      <a href="#main" className={styles.skip}>
        {en.app.skipToContent}
      </a>
      <header className={styles.banners}>
        {!hostContext.inTeams && !standaloneDismissed && (
          <MessageBar intent="info" layout="multiline">
            <MessageBarBody>
              <MessageBarTitle>{en.app.standaloneTitle}</MessageBarTitle>
              {en.app.standaloneBody}
            </MessageBarBody>
            <MessageBarActions
              containerAction={
                <Button
                  appearance="transparent"
                  aria-label={en.app.close}
                  icon={<DismissRegular />}
                  onClick={() => setStandaloneDismissed(true)}
                />
              }
            />
          </MessageBar>
        )}
        {settings?.mode === "sandbox" && (
          <Suspense fallback={null}>
            <SandboxBanner />
          </Suspense>
        )}
        {!can("operate") && (
          <MessageBar intent="info" layout="multiline">
            <MessageBarBody>
              <MessageBarTitle>{en.app.readOnlyTitle}</MessageBarTitle>
              {en.app.readOnlyBody}
            </MessageBarBody>
          </MessageBar>
        )}
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className={styles.main}>
        <PageErrorBoundary key={pathname}>
          <Suspense fallback={<Spinner label={en.app.loading} />}>
            {route.name === "services" && <ServicesPage />}
            {route.name === "wizard" && <WizardPage />}
            {route.name === "portal" && <PortalPage id={route.id} />}
            {route.name === "config" && <ConfigPage />}
            {route.name === "outbox" && <OutboxPage />}
            {route.name === "fleet" && <FleetPage />}
            {route.name === "provisioning" && <ProvisioningPage {...(route.id ? { id: route.id } : {})} />}
            {route.name === "not-found" && (
              <>
                <h1>{en.app.notFoundTitle}</h1>
                <p>{en.app.notFoundBody}</p>
                <AppLink href={paths.services()}>{en.app.backToServices}</AppLink>
              </>
            )}
          </Suspense>
        </PageErrorBoundary>
      </main>
    </div>
  );
}
