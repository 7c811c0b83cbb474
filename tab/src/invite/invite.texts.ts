/**
 * Every visible text of the customer's invitation page (the field labels, check names and error sentences are the
 * tab's own, from src/i18n/en.ts, so the page says exactly what the wizard says). The guide to creating the App
 * registration follows docs/entra.md: single-tenant app, the Graph application permissions the validator requires
 * by default (the contract's DEFAULT_REQUIRED_PERMISSIONS), admin consent, the Teams Administrator role Teams
 * PowerShell needs (section 11), and a client secret's Value with its lifetime (section 10).
 */
import { DEFAULT_REQUIRED_PERMISSIONS, EXPIRY_WARNING_DAYS } from "@dr/contract";

/** The page's texts. */
export const inviteTexts = {
  documentTitle: "Connect your Microsoft 365 tenant",
  loading: "Loading the invitation…",
  goneTitle: "This link is not valid any more",
  goneBody: "This link is not valid any more. Ask your provider for a new one.",
  loadFailedTitle: "The invitation could not be loaded",
  reload: "Reload",
  title: (provider: string) => `Connect your Microsoft 365 tenant to ${provider}`,
  invitedBy: "Invitation from",
  customer: "For",
  expires: "Link valid until",
  intro: (provider: string) =>
    `${provider} asks you, as an administrator of your Microsoft 365 tenant, to create an App registration and to check it here. The client secret goes straight to ${provider}'s service over this page: never send it by e-mail. The link works once.`,
  support: "Questions about this invitation:",

  guideTitle: "Create the App registration",
  guideIntro: "In your tenant, as an administrator who can register apps and grant admin consent:",
  portalLink: "Open the Microsoft Entra admin centre",
  portalLinkNational: "Open the Azure portal of your cloud",
  steps: {
    register: {
      title: "Register a single-tenant app",
      body: 'Go to App registrations and select New registration. Give it a name such as "Direct Routing", choose "Accounts in this organizational directory only (Single tenant)", leave the redirect URI empty and select Register.',
      copy: "On the app's Overview page, copy the Directory (tenant) ID and the Application (client) ID.",
    },
    permissions: {
      title: "Add the Microsoft Graph application permissions",
      body: "Open API permissions, select Add a permission, Microsoft Graph, then Application permissions (not Delegated), and add exactly these:",
      list: DEFAULT_REQUIRED_PERMISSIONS,
    },
    consent: {
      title: "Grant admin consent",
      body: 'Still under API permissions, select "Grant admin consent for" your organisation and confirm. Each permission\'s status must show Granted. A Global Administrator or Privileged Role Administrator can grant Microsoft Graph application permissions; the consent can take a few minutes to apply.',
      link: "Open the admin consent page for this app (works only if the app has a redirect URI; otherwise use Grant admin consent as above)",
      linkHint:
        "Once you have entered the Tenant ID and the Application (client) ID below, a link to this app's admin consent page appears under them.",
    },
    role: {
      title: "Assign the Teams Administrator role to the app",
      body: "Your provider sets up Direct Routing through Teams PowerShell with this app, which needs the Teams Administrator directory role. Under Roles & admins, open Teams Administrator, select Add assignments and pick the app. Assigning a role needs a Privileged Role Administrator or Global Administrator. The check on this page does not test the role.",
    },
    secret: {
      title: "Create a client secret and copy its Value",
      body: "Open Certificates & secrets, Client secrets, and select New client secret.",
      lifetime: `Expires: choose 180 days (Microsoft's recommendation) up to 12 months; 24 months is the longest Microsoft allows. ${EXPIRY_WARNING_DAYS} days before it expires, your provider is reminded and will ask you for a new one.`,
      value:
        "Copy the Value column at once: Microsoft shows it only now. The Secret ID is not the secret; pasting it is the commonest mistake.",
      certificate:
        "Or, as Microsoft recommends, use a certificate: under Certificates & secrets, Certificates, upload the certificate's public part (.cer, .pem or .crt), then choose Certificate below and give the certificate with its private key (a .pfx file and its password, or PEM files). The key is sealed on the server and never shown; its thumbprint is.",
    },
  },

  formTitle: "Check the App registration",
  formIntro:
    "Enter the three values (or a certificate in place of the secret). Start authentication signs in to your tenant as the app and checks what it needs.",
  start: "Start authentication",
  checking: "Checking…",
  changed: "The values changed since this check: Start authentication checks them again.",
  resultTitle: "Result",
  validTitle: "Application Registration is valid",
  validWarnings: "It works; read the warnings below.",
  nextTitle: "What happens next",
  next: (provider: string) =>
    `${provider} has been told and finishes the Direct Routing set-up with this App registration. There is nothing more for you to do here, and this link no longer works. Keep the app, its permissions and its secret in place.`,
  failedTitle: "The App registration did not pass",
  failedBody:
    "See the failed checks below and what to do for each. Fix it in your tenant, correct the values if needed (you may enter the secret again), then try again.",
  tryAgain: "Try again",

  // The choice, and "Create it for me" (automatic App registration; the run's own texts: provisioning.en.ts)
  choiceTitle: "How would you like to connect?",
  choiceLabel: "How to connect",
  createForMe: "Create it for me",
  createForMeHint: "Sign in once as an administrator of your tenant; the App registration is created for you.",
  haveValues: "I have the values",
  haveValuesHint: "Create the App registration yourself and enter its three values.",
  createTitle: "Create the App registration for me",
  createIntro: (provider: string) =>
    `You sign in once with a code, as an administrator of your Microsoft 365 tenant. ${provider}'s service then creates a single-tenant App registration in your tenant, grants it the Microsoft Graph permissions it needs, assigns it the Teams Administrator role and makes its client secret. No value is copied by hand, and your password never reaches ${provider}.`,
  rolesTitle: "Which administrator should sign in",
  roles: [
    "Application Administrator (or Cloud Application Administrator) can create the App registration.",
    "Privileged Role Administrator or Global Administrator is needed to grant admin consent to the Graph permissions and to assign the Teams Administrator role.",
  ],
  appName: "App name",
  appNameHint: "What the App registration is called in your tenant.",
  selfRotation: "Let the service rotate the secret before it expires",
  selfRotationHint:
    "The app is made an owner of itself with the Application.ReadWrite.OwnedBy permission, so it can replace its own secret and touch no other app. Nobody has to send you a reminder for a new secret.",
  createLoading: "Loading…",
  startCreate: "Sign in and create",
  starting: "Starting…",
} as const;
