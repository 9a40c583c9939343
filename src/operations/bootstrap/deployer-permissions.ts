/**
 * What the CI deployer identity is, decided without I/O: its Microsoft Graph application permissions,
 * its federated identity credentials for GitHub Actions, and its stable names.
 *
 * Least privilege, and why:
 * - Application.ReadWrite.OwnedBy (always): create the mail application and its service principal, and
 *   update, add/remove secrets of, only the applications the deployer owns. Graph documents that this
 *   permission also lets the app list applications and service principals, so looking up Microsoft
 *   Graph's own service principal (needed for the consent grant) does not need Application.Read.All.
 * - DelegatedPermissionGrant.ReadWrite.All (only with --admin-consent): create the tenant-wide
 *   oauth2PermissionGrant for the mail scopes. It is powerful (it can consent any delegated permission
 *   for any client), so it is granted only when the stack is configured to grant admin consent.
 * - Policy.Read.All (optional, with --read-policies): read the tenant's app-management policies, so the
 *   doctor in CI can warn before Microsoft refuses a secret (a capped lifetime, blocked secrets, a blocked
 *   audience). Graph names it the least privileged permission for both policy reads; it reads every policy
 *   of the tenant (conditional access included) and changes none. Without it the doctor says it could not read them.
 * - Not granted: Application.ReadWrite.All / Directory.*, which would let CI change every application.
 * The IDs are Microsoft Graph's published app role IDs (src/microsoft/permission-names.ts); the bootstrap
 * also checks them against Graph's service principal in the tenant before assigning.
 */
import { parseCommandLine, UsageError } from "../command-line";
import {
    APPLICATION_READWRITE_OWNEDBY, DELEGATED_PERMISSION_GRANT_READWRITE_ALL, POLICY_READ_ALL, type GraphAppRole,
} from "../../microsoft/permission-names";
import { isGuid } from "../../registration/graph-identifiers";
import { quoteForeign } from "../../redaction";

export function requiredGraphAppRoles(adminConsent: boolean, readPolicies = false): GraphAppRole[] {
    return [
        APPLICATION_READWRITE_OWNEDBY,
        ...(adminConsent ? [DELEGATED_PERMISSION_GRANT_READWRITE_ALL] : []),
        ...(readPolicies ? [POLICY_READ_ALL] : []),
    ];
}

const GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";
const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

export interface FederatedCredentialSpec {
    readonly name: string;
    readonly issuer: string;
    readonly subject: string;
    readonly audiences: readonly string[];
    readonly description: string;
}

export interface BootstrapArguments {
    readonly tenantId: string;
    readonly owner: string;
    readonly repo: string;
    readonly environments: readonly string[];
    readonly adminConsent: boolean;
    /** Also grant Policy.Read.All, so the doctor can read the tenant's app-management policies. */
    readonly readPolicies: boolean;
    readonly displayName: string;
    readonly json: boolean;
    readonly help: boolean;
}

/** Federated credential names allow letters, digits, '-' and '_', up to 120 characters. */
function credentialName(owner: string, repo: string, environment: string): string {
    return `github-${owner}-${repo}-${environment}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 120);
}

export function federatedCredentialFor(owner: string, repo: string, environment: string): FederatedCredentialSpec {
    return {
        name: credentialName(owner, repo, environment),
        issuer: GITHUB_ACTIONS_ISSUER,
        subject: `repo:${owner}/${repo}:environment:${environment}`,
        audiences: [TOKEN_EXCHANGE_AUDIENCE],
        description: `GitHub Actions of ${owner}/${repo}, environment ${environment}: deploys nocobase-entra-mail.`,
    };
}

/** The deployer application's alternate key: one deployer per repository, found again on every run. */
export function deployerUniqueName(owner: string, repo: string): string {
    return `nocobase-entra-mail-deployer-${owner}-${repo}`.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 120);
}

export const BOOTSTRAP_SYNOPSIS = "--repository <owner>/<repo> --environment <name> [options]";

export const BOOTSTRAP_DESCRIPTION = `Creates or completes, idempotently, the identity GitHub Actions deploys with: an application and service
principal, one federated identity credential per GitHub environment, and the least Microsoft Graph
application permissions. Run once by an administrator (Privileged Role Administrator or Global
Administrator: granting application permissions needs it). Never creates a secret.

Options:
  --repository <owner>/<repo>  GitHub repository that deploys (required)
  --environment <name>         GitHub environment allowed to deploy; repeat for several (required)
  --tenant <id>                tenant ID (default: AZURE_TENANT_ID)
  --admin-consent              also grant DelegatedPermissionGrant.ReadWrite.All, needed when the stack
                               grants tenant-wide admin consent (config nocobase-entra-mail:grantAdminConsent true)
  --read-policies              also grant Policy.Read.All (optional; reads, changes nothing), so the doctor can
                               read the tenant's app-management policies and warn before Microsoft refuses a
                               secret; without it the doctor notes that it could not read them
  --display-name <name>        display name (default "nocobase-entra-mail deployer (<owner>/<repo>)")
  --json                       machine-readable output
  -h, --help                   this help
`;

const GITHUB_NAME = /^[A-Za-z0-9_.-]+$/;

export function parseBootstrapArguments(argv: readonly string[], env: NodeJS.ProcessEnv): BootstrapArguments {
    const { values, positionals } = parseCommandLine(argv, {
        repository: { type: "string" },
        environment: { type: "string", multiple: true },
        tenant: { type: "string" },
        "display-name": { type: "string" },
        "admin-consent": { type: "boolean" },
        "read-policies": { type: "boolean" },
        json: { type: "boolean" },
    }, false);
    if (positionals.length > 0) {
        throw new UsageError(`Unexpected argument ${quoteForeign(positionals[0])}.`);
    }
    const repository = values.repository;
    const tenantId = values.tenant ?? env.AZURE_TENANT_ID ?? "";
    const displayName = values["display-name"];
    const adminConsent = values["admin-consent"] ?? false;
    const readPolicies = values["read-policies"] ?? false;
    const json = values.json ?? false;
    const help = values.help ?? false;
    const environments = values.environment ?? [];
    if (help) {
        return { tenantId, owner: "", repo: "", environments, adminConsent, readPolicies, displayName: "", json, help };
    }
    const [owner, repo, ...rest] = (repository ?? "").split("/");
    if (!owner || !repo || rest.length > 0 || !GITHUB_NAME.test(owner) || !GITHUB_NAME.test(repo)) {
        throw new UsageError(`--repository needs <owner>/<repo>, got ${quoteForeign(repository ?? "")}.`);
    }
    if (environments.length === 0) {
        throw new UsageError("At least one --environment is required (the GitHub environment whose jobs deploy).");
    }
    const badEnvironment = environments.find((e) => !/^[A-Za-z0-9_.-]{1,255}$/.test(e));
    if (badEnvironment !== undefined) {
        throw new UsageError(`--environment ${quoteForeign(badEnvironment)} is not a GitHub environment name this tool supports (letters, digits, . _ -).`);
    }
    if (!isGuid(tenantId)) {
        throw new UsageError(`A tenant ID (GUID) is required: pass --tenant <id> or set AZURE_TENANT_ID (got ${quoteForeign(tenantId)}).`);
    }
    return {
        tenantId, owner, repo, environments: [...new Set(environments)], adminConsent, readPolicies, json, help,
        displayName: displayName ?? `nocobase-entra-mail deployer (${owner}/${repo})`,
    };
}
