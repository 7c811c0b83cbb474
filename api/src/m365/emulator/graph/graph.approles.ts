/**
 * Microsoft Graph's own service principal in a tenant, with the application permissions (app roles) the provider
 * grants or may grant, under their real ids (docs/entra.md section 11).
 */
import type { TenantDirectory } from "../emulator.directory.js";
import { GRAPH_APP_ID } from "../emulator.state.js";

/** One Graph application permission. */
export interface GraphAppRole {
  id: string;
  value: string;
  displayName: string;
  description: string;
}

/** The tenant that owns Microsoft's first-party apps ("Microsoft Services"). */
const MICROSOFT_SERVICES_TENANT = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

export const GRAPH_APP_ROLES: readonly GraphAppRole[] = [
  {
    id: "498476ce-e0fe-48b0-b801-37ba7e2685c6",
    value: "Organization.Read.All",
    displayName: "Read organization information",
    description: "Allows the app to read the organization and related resources, without a signed-in user.",
  },
  {
    id: "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
    value: "Application.Read.All",
    displayName: "Read all applications",
    description: "Allows the app to read all applications and service principals without a signed-in user.",
  },
  {
    id: "18a4783c-866b-4cc7-a460-3d5e5662c884",
    value: "Application.ReadWrite.OwnedBy",
    displayName: "Manage apps that this app creates or owns",
    description:
      "Allows the app to create other applications, and fully manage those applications (read, update, update " +
      "application secrets and delete), without a signed-in user. It cannot update any apps that it is not an " +
      "owner of.",
  },
  {
    id: "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
    value: "Application.ReadWrite.All",
    displayName: "Read and write all applications",
    description:
      "Allows the app to create, read, update and delete applications and service principals without a " +
      "signed-in user. Does not allow management of consent grants.",
  },
  {
    id: "dbb9058a-0e50-45d7-ae91-66909b5d4664",
    value: "Domain.Read.All",
    displayName: "Read domains",
    description: "Allows the app to read all domain properties without a signed-in user.",
  },
  {
    id: "df021288-bdef-4463-88db-98f22de89214",
    value: "User.Read.All",
    displayName: "Read all users' full profiles",
    description: "Allows the app to read user profiles without a signed in user.",
  },
  {
    id: "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
    value: "Directory.Read.All",
    displayName: "Read directory data",
    description:
      "Allows the app to read data in your organization's directory, such as users, groups and apps, without a " +
      "signed-in user.",
  },
];

/** The role with this id (any case). */
export function graphAppRole(id: string): GraphAppRole | undefined {
  const wanted = id.toLowerCase();
  return GRAPH_APP_ROLES.find((r) => r.id === wanted);
}

/** Graph's service principal entity in the tenant. */
export function graphServicePrincipalEntity(dir: TenantDirectory): Record<string, unknown> {
  return {
    id: dir.graphServicePrincipalId,
    accountEnabled: true,
    appId: GRAPH_APP_ID,
    appDisplayName: "Microsoft Graph",
    appOwnerOrganizationId: MICROSOFT_SERVICES_TENANT,
    appRoles: GRAPH_APP_ROLES.map((r) => ({
      allowedMemberTypes: ["Application"],
      description: r.description,
      displayName: r.displayName,
      id: r.id,
      isEnabled: true,
      origin: "Application",
      value: r.value,
    })),
    displayName: "Microsoft Graph",
    servicePrincipalType: "Application",
  };
}
