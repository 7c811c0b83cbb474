/**
 * The Agents Toolkit project files: teamsapp.yml and teamsapp.local.yml parse, carry the v1.11 header, comment every
 * step, and use only variables that exist when the step runs: set in the committed env file, built in, supplied in
 * the .user file (listed below), or written by an earlier step (writeToEnvironmentFile, the outputs each action is
 * documented to write, and the `output` lines of infra/azure.bicep, which the toolkit writes under the same name).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseEnvFile, placeholdersIn, ROOT } from "./package.js";

const HEADER = "# yaml-language-server: $schema=https://aka.ms/m365-agents-toolkits/v1.11/yaml.schema.json";

/** Built-in variables: the toolkit provides or asks for them (an empty subscription / resource group is prompted). */
const BUILT_INS = new Set(["TEAMSFX_ENV", "APP_NAME_SUFFIX", "AZURE_SUBSCRIPTION_ID", "AZURE_RESOURCE_GROUP_NAME"]);

/** Secrets no step writes: the engineer puts them in env/.env.<env>.user (docs/deploy.md says so). */
const USER_SUPPLIED_SECRETS = new Set(["SECRET_KEY", "SECRET_POSTGRES_ADMIN_PASSWORD"]);

/** Outputs an action writes without a writeToEnvironmentFile entry (documented in the toolkit's action reference). */
const IMPLICIT_OUTPUTS: Record<string, string[]> = {
  "teamsApp/create": ["TEAMS_APP_TENANT_ID"],
  "aadApp/update": ["AAD_APP_ACCESS_AS_USER_PERMISSION_ID"],
  "teamsApp/update": ["TEAMS_APP_TENANT_ID", "TEAMS_APP_UPDATE_TIME"],
};

/** Variables an action generates itself when empty, before it reads its files (so its own inputs may use them). */
const SELF_GENERATED: Record<string, string[]> = {
  "aadApp/update": ["AAD_APP_ACCESS_AS_USER_PERMISSION_ID"],
};

/** Files an action reads with placeholders filled from the environment. */
function filesReadBy(step: Step): string[] {
  const w = step.with ?? {};
  const manifestReaders = ["aadApp/update", "teamsApp/validateManifest", "teamsApp/zipAppPackage"];
  if (manifestReaders.includes(step.uses)) {
    if (!w.manifestPath) throw new Error(`${step.uses} has no manifestPath`);
    return [w.manifestPath];
  }
  if (step.uses === "arm/deploy") return (w.templates ?? []).map((t) => t.parameters);
  return [];
}

/** The action inputs the tests read; the rest stays unknown. */
interface StepInputs {
  [key: string]: unknown;
  name?: string;
  manifestPath?: string;
  outputZipPath?: string;
  templates?: { path: string; parameters: string }[];
  signInAudience?: string;
  generateClientSecret?: boolean;
  generateServicePrincipal?: boolean;
  args?: string;
  resourceId?: string;
  target?: string;
  envs?: Record<string, string>;
}

interface Step {
  uses: string;
  name?: string;
  with?: StepInputs;
  writeToEnvironmentFile?: Record<string, string>;
}

interface Project {
  version: string;
  environmentFolderPath: string;
  provision: Step[];
  deploy?: Step[];
  publish?: Step[];
}

const read = (file: string) => readFileSync(join(ROOT, file), "utf8");

/** `output NAME type = ...` lines of a Bicep file, as the env names the toolkit writes (upper case). */
function bicepOutputs(file: string): string[] {
  return [...read(file).matchAll(/^output\s+([A-Za-z_][A-Za-z0-9_]*)\s+\w+/gm)].map((m) =>
    (m[1] as string).toUpperCase(),
  );
}

function outputsOf(step: Step): string[] {
  const written = Object.values(step.writeToEnvironmentFile ?? {});
  const implicit = IMPLICIT_OUTPUTS[step.uses] ?? [];
  const bicep =
    step.uses === "arm/deploy"
      ? (step.with?.templates ?? []).flatMap((t: { path: string }) => bicepOutputs(t.path.replace(/^\.\//, "")))
      : [];
  return [...written, ...implicit, ...bicep];
}

const committedEnvs = readdirSync(join(ROOT, "env"))
  .filter((f) => /^\.env\.[A-Za-z0-9_-]+$/.test(f))
  .map((f) => f.slice(".env.".length));

const projects = [
  { file: "teamsapp.yml", envs: committedEnvs.filter((e) => e !== "local") },
  { file: "teamsapp.local.yml", envs: ["local"] },
];

describe.each(projects)("$file", ({ file, envs }) => {
  const text = read(file);
  const project = parse(text) as Project;

  it("starts with the v1.11 schema header and says version v1.11", () => {
    expect(text.split("\n")[0]).toBe(HEADER);
    expect(project.version).toBe("v1.11");
    expect(project.environmentFolderPath).toBe("./env");
  });

  it("applies to at least one committed environment", () => {
    expect(envs.length).toBeGreaterThan(0);
  });

  it("explains every step in a comment right above it", () => {
    const lines = text.split("\n");
    const uses = lines.flatMap((line, i) => (/^\s*- uses:/.test(line) ? [i] : []));
    expect(uses.length).toBeGreaterThan(5);
    for (const i of uses) {
      let j = i - 1;
      while (j >= 0 && (lines[j] as string).trim() === "") j--;
      expect((lines[j] as string).trim().startsWith("#"), `step at line ${i + 1} has no comment: ${lines[i]}`).toBe(
        true,
      );
    }
  });

  it("provisions the Teams app, the SSO app, the single-tenant bot identity and the package, in order", () => {
    const names = project.provision.map((s) => s.uses);
    const order = [
      "teamsApp/create",
      "aadApp/create",
      "aadApp/update",
      "teamsApp/validateManifest",
      "teamsApp/zipAppPackage",
      "teamsApp/validateAppPackage",
      "teamsApp/update",
    ];
    const positions = order.map((u) => names.indexOf(u));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);

    const creates = project.provision.filter((s) => s.uses === "aadApp/create");
    expect(creates).toHaveLength(2);
    for (const c of creates) {
      expect(c.with?.signInAudience).toBe("AzureADMyOrg");
      // aadApp/update needs objectId, and so does generating a secret.
      expect(c.writeToEnvironmentFile?.objectId).toBeTruthy();
    }
    // The SSO app has no secret: the API validates tokens only and makes no on-behalf-of call.
    const sso = creates.find((c) => c.writeToEnvironmentFile?.clientId === "AAD_APP_CLIENT_ID");
    expect(sso?.with?.generateClientSecret).toBe(false);
    expect(sso?.writeToEnvironmentFile?.clientSecret).toBeUndefined();
    // The bot's secret is MicrosoftAppPassword; secrets must go to SECRET_ variables.
    const bot = creates.find((c) => c.writeToEnvironmentFile?.clientId === "BOT_ID");
    expect(bot?.with?.generateClientSecret).toBe(true);
    expect(bot?.with?.generateServicePrincipal).toBe(true);
    expect(bot?.writeToEnvironmentFile?.clientSecret).toBe("SECRET_BOT_PASSWORD");

    const update = project.provision.find((s) => s.uses === "aadApp/update");
    expect(update?.with?.manifestPath).toBe("./aad.manifest.json");
    for (const s of project.provision.filter((x) => x.uses === "teamsApp/zipAppPackage")) {
      expect(s.with?.outputZipPath).toBe(`./appPackage/build/appPackage.\${{TEAMSFX_ENV}}.zip`);
    }
  });

  it("uses only variables that exist when each step runs", () => {
    for (const envName of envs) {
      const env = parseEnvFile(read(`env/.env.${envName}`), `env/.env.${envName}`);
      const known = new Set([...BUILT_INS, ...USER_SUPPLIED_SECRETS]);
      // An empty line in the committed file is a value still to be written by provisioning, not a value.
      for (const [k, v] of env) if (v !== "") known.add(k);
      const problems: string[] = [];
      // provision runs first and persists its outputs; deploy and publish run later with all of them.
      for (const lifecycle of ["provision", "deploy", "publish"] as const) {
        for (const step of project[lifecycle] ?? []) {
          for (const own of SELF_GENERATED[step.uses] ?? []) known.add(own);
          const sources: [string, string][] = [[`${lifecycle} ${step.uses} inputs`, JSON.stringify(step.with ?? {})]];
          for (const f of filesReadBy(step)) sources.push([f, read(f.replace(/^\.\//, ""))]);
          for (const [where, content] of sources) {
            for (const name of placeholdersIn(content)) {
              if (!known.has(name)) problems.push(`env ${envName}: \${{${name}}} in ${where} is not set yet`);
            }
          }
          for (const out of outputsOf(step)) known.add(out);
        }
      }
      expect(problems).toEqual([]);
    }
  });

  it("keeps the ids aadApp/create writes empty in the committed env files (a set id skips creation)", () => {
    const clientIdVars = project.provision
      .filter((s) => s.uses === "aadApp/create")
      .map((s) => s.writeToEnvironmentFile?.clientId as string);
    for (const envName of envs) {
      const env = parseEnvFile(read(`env/.env.${envName}`));
      for (const name of clientIdVars) expect(env.get(name) ?? "", `${name} in env/.env.${envName}`).toBe("");
    }
  });

  it("publishes only what it validated", () => {
    const names = (project.publish ?? []).map((s) => s.uses);
    if (file === "teamsapp.yml") {
      expect(names).toEqual([
        "teamsApp/validateManifest",
        "teamsApp/zipAppPackage",
        "teamsApp/validateAppPackage",
        "teamsApp/publishAppPackage",
      ]);
    } else {
      expect(names).toEqual([]);
    }
  });
});

describe("teamsapp.yml specifics", () => {
  const project = parse(read("teamsapp.yml")) as Project;

  it("deploys infra/azure.bicep before updating the SSO app (TAB_DOMAIN comes from it)", () => {
    const names = project.provision.map((s) => s.uses);
    expect(names.indexOf("arm/deploy")).toBeGreaterThan(names.lastIndexOf("aadApp/create"));
    expect(names.indexOf("arm/deploy")).toBeLessThan(names.indexOf("aadApp/update"));
    const arm = project.provision.find((s) => s.uses === "arm/deploy");
    expect(arm?.with?.templates?.[0]?.path).toBe("./infra/azure.bicep");
  });

  it("installs, builds, stages the production bundle and zip-deploys it to the web app from arm/deploy", () => {
    const deploy = project.deploy ?? [];
    expect(deploy.map((s) => [s.uses, s.with?.args ?? null])).toEqual([
      ["cli/runNpmCommand", "ci"],
      ["cli/runNpmCommand", "run build"],
      ["cli/runNpmCommand", "run deploy:bundle"],
      ["azureAppService/zipDeploy", null],
    ]);
    expect(deploy[3]?.with?.artifactFolder).toBe("./build/deploy");
    expect(deploy[3]?.with?.resourceId).toBe(`\${{AZURE_WEB_APP_RESOURCE_ID}}`);
  });
});

describe("teamsapp.local.yml specifics", () => {
  const project = parse(read("teamsapp.local.yml")) as Project;

  it("registers the local bot at the tunnel and writes .localConfigs for the server", () => {
    const bot = project.provision.find((s) => s.uses === "botFramework/create");
    expect(bot?.with).toMatchObject({
      botId: `\${{BOT_ID}}`,
      messagingEndpoint: `\${{BOT_ENDPOINT}}/api/messages`,
      channels: [{ name: "msteams" }],
    });
    const file = project.provision.find((s) => s.uses === "file/createOrUpdateEnvironmentFile");
    expect(file?.with?.target).toBe("./.localConfigs");
    expect(file?.with?.envs).toMatchObject({
      AUTH_MODE: "entra",
      MicrosoftAppId: `\${{BOT_ID}}`,
      MicrosoftAppPassword: `\${{SECRET_BOT_PASSWORD}}`,
      MicrosoftAppType: "SingleTenant",
    });
  });
});

describe("infra/azure.bicep", () => {
  const bicep = read("infra/azure.bicep");

  it("outputs the hosts and the web app id that the env files and later steps use", () => {
    expect(bicepOutputs("infra/azure.bicep")).toEqual(
      expect.arrayContaining(["TAB_DOMAIN", "TAB_ENDPOINT", "BOT_DOMAIN", "BOT_ENDPOINT", "AZURE_WEB_APP_RESOURCE_ID"]),
    );
  });

  it("configures a single-tenant bot and the server's production settings", () => {
    expect(bicep).toContain("msaAppType: 'SingleTenant'");
    expect(bicep).toContain("msaAppTenantId: botTenantId");
    expect(bicep).toContain(`endpoint: 'https://\${webApp.properties.defaultHostName}/api/messages'`);
    expect(bicep).toContain("channelName: 'MsTeamsChannel'");
    expect(bicep).toContain("linuxFxVersion: 'NODE|22-lts'");
    for (const setting of [
      "{ name: 'M365_MODE', value: 'live' }",
      "{ name: 'AUTH_MODE', value: 'entra' }",
      "{ name: 'AUTH_TENANT_ID', value: tenantId }",
      "{ name: 'AUTH_CLIENT_ID', value: ssoClientId }",
      "{ name: 'MicrosoftAppId', value: botAppId }",
      "{ name: 'MicrosoftAppPassword', value: botPassword }",
      "{ name: 'MicrosoftAppTenantId', value: botTenantId }",
      "{ name: 'MicrosoftAppType', value: 'SingleTenant' }",
      "{ name: 'NODE_ENV', value: 'production' }",
      "{ name: 'HOST', value: '0.0.0.0' }",
      "{ name: 'DATABASE_URL', value: databaseUrl }",
      "{ name: 'SECRET_KEY', value: secretKey }",
    ]) {
      expect(bicep).toContain(setting);
    }
    // PostgreSQL is provisioned here: SQLite on App Service's /home share is refused by the server.
    expect(bicep).toContain("resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@");
    expect(bicep).toMatch(/var databaseUrl = 'postgres:\/\/.*postgres\.properties\.fullyQualifiedDomainName/);
    // Secrets are secure parameters, never outputs.
    for (const name of ["botPassword", "secretKey", "postgresAdminPassword"]) {
      expect(bicep).toMatch(new RegExp(`@secure\\(\\)\\n@description\\('[^']*'\\)\\nparam ${name} string\\n`));
    }
  });

  it("gets a value for every parameter without a default from azure.parameters.json", () => {
    const params = JSON.parse(read("infra/azure.parameters.json")).parameters as Record<string, unknown>;
    const required = [...bicep.matchAll(/^param\s+(\w+)\s+\w+\s*$/gm)].map((m) => m[1] as string);
    for (const name of required) expect(Object.keys(params), `parameter ${name}`).toContain(name);
    const declared = [...bicep.matchAll(/^param\s+(\w+)/gm)].map((m) => m[1] as string);
    for (const name of Object.keys(params)) expect(declared, `unknown parameter ${name}`).toContain(name);
  });
});

describe("aad.manifest.json", () => {
  const aad = JSON.parse(read("aad.manifest.json"));

  it("exposes access_as_user to the Teams clients with v2 tokens", () => {
    expect(aad.signInAudience).toBe("AzureADMyOrg");
    expect(aad.api.requestedAccessTokenVersion).toBe(2);
    expect(aad.identifierUris).toEqual([`api://\${{TAB_DOMAIN}}/\${{AAD_APP_CLIENT_ID}}`]);
    const scope = aad.api.oauth2PermissionScopes.find((s: { value: string }) => s.value === "access_as_user");
    expect(scope?.isEnabled).toBe(true);
    const preAuthorised = aad.api.preAuthorizedApplications.map((p: { appId: string }) => p.appId).sort();
    expect(preAuthorised).toEqual(["1fec8e78-bce4-4aaf-ab1b-5451cc387264", "5e3ce6c0-2b1f-4285-8d4b-75ee78787346"]);
    for (const p of aad.api.preAuthorizedApplications) expect(p.delegatedPermissionIds).toEqual([scope.id]);
  });

  it("defines the three app roles with fixed, distinct GUIDs", () => {
    const roles = aad.appRoles as { value: string; id: string; allowedMemberTypes: string[]; isEnabled: boolean }[];
    expect(roles.map((r) => r.value)).toEqual(["Onboarding.Admin", "Onboarding.Operator", "Onboarding.Reader"]);
    for (const r of roles) {
      expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(r.allowedMemberTypes).toEqual(["User"]);
      expect(r.isEnabled).toBe(true);
    }
    expect(new Set(roles.map((r) => r.id)).size).toBe(3);
  });

  it("matches the Teams manifest's webApplicationInfo resource", () => {
    const manifest = JSON.parse(read("appPackage/manifest.json"));
    expect(manifest.webApplicationInfo.resource).toBe(aad.identifierUris[0]);
    expect(manifest.webApplicationInfo.id).toBe(aad.appId);
  });
});

describe("docs/deploy.md", () => {
  it("tells the engineer about every secret they must supply themselves", () => {
    const doc = read("docs/deploy.md");
    for (const name of USER_SUPPLIED_SECRETS) expect(doc).toContain(name);
  });
});
