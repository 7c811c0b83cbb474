/**
 * The shell: skip link, banners, the `<main>` landmark and the three routes. The services page ships in the first
 * chunk; the wizard and the portal load on demand.
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
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { AppLink } from "../components/app-link";
import { en } from "../i18n/en";
import { ServicesPage } from "../pages/services.page";
import { useApp } from "./app.context";
import { matchRoute, paths, useLocation } from "./router";

const WizardPage = lazy(() => import("../wizard/wizard.page"));
const PortalPage = lazy(() => import("../portal/portal.page"));
const ConfigPage = lazy(() => import("../pages/config.page"));
// The sandbox banner shows only after /api/settings answered, so it can load then rather than with the first chunk.
const SandboxBanner = lazy(() => import("./sandbox-banner"));

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
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className={styles.main}>
        <Suspense fallback={<Spinner label={en.app.loading} />}>
          {route.name === "services" && <ServicesPage />}
          {route.name === "wizard" && <WizardPage />}
          {route.name === "portal" && <PortalPage id={route.id} />}
          {route.name === "config" && <ConfigPage />}
          {route.name === "not-found" && (
            <>
              <h1>{en.app.notFoundTitle}</h1>
              <p>{en.app.notFoundBody}</p>
              <AppLink href={paths.services()}>{en.app.backToServices}</AppLink>
            </>
          )}
        </Suspense>
      </main>
    </div>
  );
}
