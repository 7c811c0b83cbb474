/**
 * The import rules of docs/architecture.md, section "Allowed imports", checked by dependency-cruiser inside
 * `npm test` (`npm run lint`). A broken rule fails the run and names the import (from -> to).
 *
 * Paths are real paths from the repository root: `@dr/contract` and `@dr/bot` resolve through the workspace links
 * to `api/contract/src/…` and `bot/src/…`.
 */
/** Feature folders of the API: they hold the rules; http/ and storage/ serve them. */
const FEATURES = "onboarding|auth|m365|bot|invitations|provisioning|rotation|readiness|fleet|mail";
/** Tests, fixtures and benchmarks may reach any part they exercise. */
const TESTS = "(\\.test\\.tsx?$|\\.fixtures\\.ts$|^api/test/|^api/bench/|^scripts/)";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "contract-imports-nothing-of-ours",
      comment: "The contract is the shared language of the tab, the bot and the API; it depends on none of them.",
      severity: "error",
      from: { path: "^api/contract/src/" },
      to: { path: "^(api/src|bot|tab|scripts)/" },
    },
    {
      name: "features-do-not-import-http",
      comment:
        "onboarding/, auth/, m365/, provisioning/ and rotation/ speak the domain (api/src/errors.ts), never HTTP; http/ maps them.",
      severity: "error",
      from: { path: "^api/src/(onboarding|auth|m365|provisioning|rotation)/", pathNot: TESTS },
      to: { path: "^api/src/http/" },
    },
    {
      name: "storage-imports-no-feature",
      comment: "Storage implements the interfaces features declare; it never imports a feature (or the bot).",
      severity: "error",
      from: { path: "^api/src/storage/", pathNot: TESTS },
      to: { path: `^(api/src/(${FEATURES}|http)/|bot/)` },
    },
    {
      name: "only-api-bot-imports-the-bot",
      comment: "api/src/bot/ implements the bot's ports and mounts it; nothing else in the API knows the bot.",
      severity: "error",
      from: { path: "^api/", pathNot: `^api/src/bot/|${TESTS}` },
      to: { path: "^bot/" },
    },
    {
      name: "only-the-composition-root-imports-the-emulator",
      comment: "The emulator is a sandbox part: app.ts starts it; the product code never depends on it.",
      severity: "error",
      from: { path: "^(api|bot|tab)/", pathNot: `^api/src/app\\.ts$|^api/src/m365/emulator/|${TESTS}` },
      to: { path: "^api/src/m365/emulator/" },
    },
    {
      name: "botbuilder-only-in-its-adapter",
      comment: "botbuilder is archived; it stays in one folder so a move to another SDK replaces that folder alone.",
      severity: "error",
      from: { pathNot: "^bot/src/adapters/botbuilder/" },
      to: { path: "node_modules/(botbuilder|botbuilder-core|botframework-connector|botframework-schema)/" },
    },
    {
      name: "tab-and-bot-use-the-contract-only",
      comment: "The tab talks to the API over HTTP and the bot through its ports: neither imports API internals.",
      severity: "error",
      from: { path: "^(tab|bot)/" },
      to: { path: "^api/src/" },
    },
    {
      name: "tab-takes-no-answer-schemas",
      comment:
        "The answer schemas (@dr/contract/schemas: the API's OpenAPI description) are values the tab has no use for; it reads the answers' types through @dr/contract, so no page bundles them (docs/architecture.md, \"Tab bundle budget\").",
      severity: "error",
      from: { path: "^tab/" },
      to: {
        path: "^api/contract/src/(schemas|answers\\.schema|dto|input-problem\\.schema)\\.ts$",
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "invite-page-stays-outside-teams",
      comment:
        "The customer's invitation page (tab/src/invite) runs outside Teams: no teams-js, nothing of the tab's Teams host or app shell. Shared pure parts (contract, API client, components) are fine. api/test/invite.page.browser.test.ts also checks the built page's scripts for teams-js.",
      severity: "error",
      from: { path: "^tab/src/invite/" },
      to: { path: "(node_modules/@microsoft/teams-js/|^tab/src/(app|teams)/)" },
    },
    {
      name: "no-circular",
      comment: "A cycle makes two modules one; split what they share.",
      severity: "error",
      from: { pathNot: TESTS },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Our own build output is left out; packages' dist/ folders stay in the graph (teams-js resolves into one), so a
    // rule naming a package sees it.
    exclude: { path: "^(api/contract|api|bot|tab)/dist/" },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    preserveSymlinks: false,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "types", "default"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".d.ts"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
