/**
 * The shell's texts (the app frame, its banners and the host gate), apart from the rest of i18n/en.ts so the tab's
 * initial JavaScript carries only these (docs/architecture.md, "Tab bundle budget"); `en.app` and `en.host` are
 * these same objects.
 */

/** The English texts of the shell. */
export const shell = {
  app: {
    /** Document title suffix and the product name. */
    productName: "Direct Routing onboarding",
    skipToContent: "Skip to content",
    loading: "Loading…",
    notFoundTitle: "Page not found",
    notFoundBody: "This address does not lead to a page of the app.",
    backToServices: "Back to services",
    standaloneTitle: "Running outside Microsoft Teams",
    /** Shown only where the server lets a browser in without Teams (development mode); entra mode shows `host`. */
    standaloneBody:
      "You are using the app in a browser. This server names the operator itself (development mode), so it works as in Teams; a production server signs operators in through Teams only.",
    retry: "Retry",
    close: "Close",
    cancel: "Cancel",
    save: "Save",
    /** A value the API did not provide. */
    none: "—",
    pageFailedTitle: "This page could not be shown.",
    pageFailedBody:
      "Its code did not load, or it stopped with an error. The app may have been updated meanwhile: Retry reloads it.",
    readOnlyTitle: "Read-only access",
    readOnlyBody:
      "Your app role lets you see the services, not change them. To onboard and validate, ask the provider's Teams admin for the role Onboarding.Operator.",
  },
  /** What the tab says when it cannot run where it was opened (teams-host.ts, app/host-gate.tsx). */
  host: {
    openInTeamsTitle: "Open this app in Microsoft Teams",
    openInTeamsBody:
      "Direct Routing onboarding signs you in through Microsoft Teams, so it works only inside Teams. In a browser it cannot show or change services.",
    openInTeamsLink: "Open Direct Routing onboarding in Teams",
    openTeamsLink: "Open Microsoft Teams",
    openInTeamsHelp:
      "In Teams, select Apps, then find Direct Routing onboarding under Built for your org (or ask your Teams admin to add it).",
    unansweredTitle: "Microsoft Teams did not answer",
    unansweredBody:
      "Teams did not start the app in time. This happens on slow connections, on mobile and on virtual desktops. Reload to try again.",
    reload: "Reload",
    waiting: "Connecting to Microsoft Teams…",
  },
} as const;
