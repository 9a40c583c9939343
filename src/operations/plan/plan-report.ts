/**
 * Renders what a program run registered as a readable offline plan. Never prints a secret value: the
 * client secrets are described by slot, key ID (when known from earlier outputs) and schedule only.
 */
import { configChangeCommand } from "../../configuration/settings";
import { MAIL_DELEGATED_SCOPES, MICROSOFT_GRAPH_APP_ID } from "../../registration/graph-identifiers";
import { RotationOutput } from "../../registration/rotation-record";
import { DAY_MS, otherSlot, RotationRecord, SLOT_NAMES, SlotRecord } from "../../registration/secret-rotation";
import { ProgramRun } from "./program-runner";
import { DYNAMIC_RESOURCE_PREFIX, MOCK_DEPLOYER, Registration, STACK_REFERENCE_TYPE } from "./recording-mocks";

interface ResourceAccess { readonly id: string; readonly type: string }
interface RequiredResourceAccess { readonly resourceAppId: string; readonly resourceAccesses: ResourceAccess[] }

function find(run: ProgramRun, suffix: string): Registration | undefined {
    return run.registrations.find((r) => r.type.endsWith(suffix));
}

function field(label: string, value: string): string {
    return `  ${label.padEnd(20)}${value}`;
}

/** Same spec (window, generation, expiry) in both records: the slot was kept, not made by this run. */
function sameSpec(a: SlotRecord | null | undefined, b: SlotRecord | null | undefined): boolean {
    return a !== null && a !== undefined && b !== null && b !== undefined && a.kind === b.kind && a.expiresAt === b.expiresAt &&
        (a.kind === "inherited" || (b.kind === "window" && a.windowStart === b.windowStart && a.generation === b.generation));
}

/** The `pastedSecret` output as the plan reads it. */
interface PastedOutput {
    readonly confirmedKeyId?: string;
    readonly confirmedSlot?: string;
    readonly confirmedExpiresAt?: string;
    readonly awaitingSlot?: string;
    readonly awaitingSince?: string;
    readonly pasteBy?: string;
}

function secretLines(run: ProgramRun, previous: RotationRecord | undefined): string[] {
    const record = run.outputs.secretRotation as RotationOutput | undefined;
    if (record === undefined) {
        return [];
    }
    const pasted = run.outputs.emailSettings === "pasted" ? run.outputs.pastedSecret as PastedOutput : undefined;
    const lines: string[] = [];
    const held = record.nocobaseSlot;
    lines.push(pasted === undefined
        ? `Client secrets            two slots that take turns; NocoBase is to hold slot ${held} (key ID in clientSecretKeyId)`
        : `Client secrets            two slots that take turns; the newest, slot ${held}, is offered for pasting (key ID in clientSecretKeyId)`);
    for (const slot of SLOT_NAMES) {
        const recorded = record.slots[slot];
        const registration = run.registrations.find((r) => r.name.endsWith(`-client-secret-${slot}`));
        const role = pasted === undefined
            ? (slot === held ? "NocoBase's secret" : "fallback (the secret NocoBase held before)")
            : [slot === held ? "newest secret" : undefined, slot === pasted.confirmedSlot ? "confirmed pasted in Email Settings, never made anew" : undefined]
                .filter((part) => part !== undefined).join(", ") || "the older secret";
        if (recorded === null || registration === undefined) {
            lines.push(field(`slot ${slot}`, "empty until the first rotation"));
            continue;
        }
        const earlier = previous?.slots[slot];
        const kept = sameSpec(recorded, earlier);
        const action = kept ? "kept as it is" : registration.options?.deleteBeforeReplace === true
            ? "made this run (any earlier secret in this slot deleted first)" : "made this run";
        lines.push(field(`slot ${slot}`, `("${registration.name}") ${role}, ${action}`));
        lines.push(field("  described", String(registration.inputs.displayName)));
        lines.push(field("  made for", recorded.kind === "window"
            ? `window starting ${recorded.windowStart}, generation ${recorded.generation}` : "the single-secret layout (kept until its turn)"));
        lines.push(field("  expires", recorded.expiresAt));
        // Offline, a kept slot's key ID is the one the earlier outputs recorded (the mocks make up their own).
        lines.push(field("  key ID", kept && earlier !== undefined ? earlier.keyId : "assigned by Entra at creation"));
    }
    const next = String(run.outputs.nextRotationAt);
    const replaced = String(run.outputs.nextRotationReplacesSlot) === "b" ? "b" : "a";
    const stays = otherSlot(replaced);
    const staysExpiry = record.slots[stays]?.expiresAt ?? "";
    lines.push(field("next rotation", `first \`pulumi up\` at or after ${next}: replaces slot ${replaced}, ` + (pasted === undefined
        ? "moves NocoBase to it" : replaced === held ? "offering its secret again (it was not confirmed pasted)" : "and offers its secret for pasting")));
    if (record.slots[stays] !== null) {
        lines.push(field("", `and keeps slot ${stays}${pasted === undefined ? " as the fallback" : ""} until it expires (${staysExpiry})`));
        const days = Math.round((Date.parse(staysExpiry) - Date.parse(next)) / DAY_MS);
        lines.push(field("overlap", `slot ${stays} stays valid ${days} days after ${next} (a day less for each day the run comes later)`));
    }
    if (pasted === undefined) {
        lines.push(field("push-later path", `without nocobaseApiToken, push the new secret before ${next}`));
    }
    lines.push(field("stack output", `clientSecret is ${run.secretOutputs.includes("clientSecret") ? "a secret (encrypted in state)" : "NOT SECRET"}`));
    lines.push(field("based on", previous === undefined ? "no earlier outputs (a new stack; --outputs <file> plans from a stack's last outputs)"
        : "the earlier outputs given with --outputs"));
    lines.push("");
    return lines;
}

/** What NocoBase's Email Settings read, what awaits pasting and by when, or the request to choose. */
function emailSettingsLines(stack: string, run: ProgramRun, chosen: boolean): string[] {
    const out = run.outputs;
    const lines: string[] = [];
    if (out.emailSettings !== "pasted") {
        lines.push(`Email Settings            variables: they are taken to read {{$env.${String(out.nocobaseClientIdVariable)}}} and ` +
            `{{$env.${String(out.nocobaseClientSecretVariable)}}}`);
        if (!chosen) {
            lines.push(field("not chosen", "emailSettings is not set, so this stack keeps its earlier behaviour. NocoBase documents Email " +
                "Settings as \"Not adapted\" to variables; if the secret was pasted there, choose pasted:"));
            lines.push(field("", configChangeCommand(stack, { key: "emailSettings", value: "pasted" })));
            lines.push(field("", `or keep variables: ${configChangeCommand(stack, { key: "emailSettings", value: "variables" })}`));
        }
        lines.push("");
        return lines;
    }
    const pasted = out.pastedSecret as PastedOutput;
    lines.push(`Email Settings            pasted: an administrator pastes client ID and secret (npm run email-settings -- --stack ${stack})`);
    lines.push(field("confirmed pasted", pasted.confirmedKeyId === undefined
        ? "none yet (pastedSecretKeyId unset): no run protects the secret in Email Settings"
        : `${pasted.confirmedKeyId} (slot ${String(pasted.confirmedSlot)}, expires ${String(pasted.confirmedExpiresAt)})`));
    lines.push(field("awaiting pasting", pasted.awaitingSlot === undefined ? "nothing: Email Settings hold the newest secret"
        : `slot ${pasted.awaitingSlot}, made for the window starting ${String(pasted.awaitingSince)}; paste and confirm it before ${String(pasted.pasteBy)}`));
    lines.push("");
    return lines;
}

interface PlanContext {
    /** The rotation record of the outputs the plan started from (`--outputs`), if any. */
    readonly previous?: RotationRecord;
    /** Whether the stack file pins the tenant (`azuread:tenantId`); otherwise the deployer's sign-in decides it. */
    readonly tenantPinned?: boolean;
    /** Whether the stack chose what Email Settings read (emailSettings or a confirmed key ID); default true. */
    readonly emailSettingsChosen?: boolean;
}

export function renderPlan(stack: string, now: Date, run: ProgramRun, context: PlanContext = {}): string {
    const { previous } = context;
    const lines: string[] = [];
    const out = run.outputs;
    lines.push(`OFFLINE PLAN for stack "${stack}" - evaluated under Pulumi mocks; nothing was contacted or changed.`);
    lines.push(`Same program as \`pulumi up\` (index.ts), evaluated as of ${now.toISOString()}.`);
    lines.push("Values Entra assigns at creation (IDs, the secret itself) are not known offline and are not shown.");
    lines.push("");

    const app = find(run, "/application:Application");
    if (app !== undefined) {
        const inputs = app.inputs;
        const web = inputs.web as { redirectUris?: string[] } | undefined;
        const api = inputs.api as { requestedAccessTokenVersion?: number } | undefined;
        lines.push(`Application registration  (${app.type}, "${app.name}")`);
        lines.push(field("tenant", context.tenantPinned === true
            ? `${String(out.tenantId)} (azuread:tenantId in the stack file)`
            : "the deploying identity's (ARM_TENANT_ID, or the az login session's); azuread:tenantId pins it"));
        if (app.importId !== undefined) {
            lines.push(field("adopts", `existing registration ${app.importId} (imported, not created)`));
        }
        lines.push(field("display name", String(inputs.displayName)));
        lines.push(field("sign-in audience", `${String(inputs.signInAudience)}, access tokens v${api?.requestedAccessTokenVersion ?? 1}`));
        const uris = web?.redirectUris ?? [];
        lines.push(field("redirect URIs (web)", uris[0] ?? "(none)"));
        for (const uri of uris.slice(1)) {
            lines.push(field("", uri));
        }
        for (const [label, platform] of [["redirect URIs (spa)", inputs.singlePageApplication], ["redirect URIs (app)", inputs.publicClient]] as const) {
            const kept = (platform as { redirectUris?: string[] } | undefined)?.redirectUris ?? [];
            kept.forEach((uri, i) => lines.push(field(i === 0 ? label : "", uri)));
        }
        const access = (inputs.requiredResourceAccesses as RequiredResourceAccess[] | undefined) ?? [];
        for (const resource of access) {
            const resourceName = resource.resourceAppId === MICROSOFT_GRAPH_APP_ID ? "Microsoft Graph" : resource.resourceAppId;
            lines.push(field("permissions", `${resourceName} (${resource.resourceAppId}), delegated:`));
            for (const grant of resource.resourceAccesses) {
                const name = MAIL_DELEGATED_SCOPES.find((s) => s.id === grant.id)?.name ?? "(unknown)";
                lines.push(field("", `${name.padEnd(24)}${grant.id}  ${grant.type}`));
            }
        }
        const owners = (inputs.owners as string[] | undefined) ?? [];
        lines.push(field("owners", owners.map((o) => (o === MOCK_DEPLOYER.objectId ? "the deploying identity" : o)).join(", ")));
        lines.push("");
    }

    const sp = find(run, "/servicePrincipal:ServicePrincipal");
    lines.push(`Service principal         ${sp === undefined ? "(none)" : `("${sp.name}") for the application`}`);
    const grant = find(run, "/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant");
    lines.push(grant === undefined
        ? "Admin consent             not granted (grantAdminConsent false): each user consents at first sign-in"
        : `Admin consent             tenant-wide grant ("${grant.name}") of: ${(grant.inputs.claimValues as string[]).join(" ")}` +
          (grant.importId === undefined ? "" : `, adopting ${grant.importId}`));
    lines.push("");

    lines.push(...secretLines(run, previous));
    lines.push(...emailSettingsLines(stack, run, context.emailSettingsChosen ?? true));

    const handover = run.registrations.find((r) => r.type.startsWith(DYNAMIC_RESOURCE_PREFIX));
    lines.push(handover === undefined
        ? `NocoBase hand-over        not configured (nocobaseApiToken unset): copy the outputs by hand or with ` +
          `npm run push-to-nocobase; variables ${String(out.nocobaseClientIdVariable)} and ${String(out.nocobaseClientSecretVariable)}`
        : `NocoBase hand-over        writes ${String(out.nocobaseClientIdVariable)} (plain) and ` +
          `${String(out.nocobaseClientSecretVariable)} (secret) through ${String(out.nocobaseApiUrl)}`);
    lines.push("");
    lines.push(`Resources (${run.registrations.length}):`);
    for (const r of run.registrations) {
        lines.push(r.type === STACK_REFERENCE_TYPE ? `  read ${r.type}  ${r.name} (this stack's last outputs)` : `  + ${r.type}  ${r.name}`);
    }
    return lines.join("\n");
}
