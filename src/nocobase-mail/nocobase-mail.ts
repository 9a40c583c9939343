/**
 * NocoBase mail as one component: the Entra registration with its rotating secret and, when asked for,
 * the hand-over of client ID and secret to NocoBase. Its inputs are the stack's settings under the
 * configuration keys' names, checked by the same rules and messages as the stack's configuration.
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, ConfigKey, configChangeCommand, formatProblems, RawSettings, Settings, validateSettings } from "../configuration/settings";
import { currentInstant } from "../configuration/stack-config";
import { NocobaseMailVariables } from "../nocobase/variables";
import { adoptionChangeProblem } from "../registration/adoption-change";
import { formatApiPermission } from "../registration/kept-settings";
import { MailAppRegistration } from "../registration/mail-app-registration";
import type { RotationOutput } from "../registration/rotation-record";
import {
    confirmationProblem, EmailSettingsChoice, emailSettingsChoice, pasteStatus, PasteStatus, slotNextRotationReplaces,
} from "../registration/pasted-secret";
import { PastedHold, RotationRecord, SLOT_NAMES, SlotName, slotHolding } from "../registration/secret-rotation";
import { readLastRun } from "./last-run";

/** Type token; ComponentProvider serves components of module `index` only. */
const NOCOBASE_MAIL_TYPE = "nocobase-entra-mail:index:NocobaseMail";

/**
 * The NocobaseMail components declared in each deployment, by its resource monitor: the monitor's address
 * when it has one (a plugin host makes a new client for each construct call of the same deployment), or the
 * monitor itself (Pulumi's mocks, one per evaluation).
 */
const componentsByDeployment = new Map<unknown, string[]>();

function deploymentKey(): unknown {
    const monitor = pulumi.runtime.getMonitor() as { getChannel?: () => { getTarget(): string } } | undefined;
    return typeof monitor?.getChannel === "function" ? monitor.getChannel().getTarget() : monitor;
}

/** Notes a component of this deployment; returns every component noted so far, this one included. */
function noteComponent(name: string): readonly string[] {
    const key = deploymentKey();
    const names = componentsByDeployment.get(key) ?? [];
    names.push(name);
    componentsByDeployment.set(key, names);
    return names;
}

/**
 * A stack holds one NocobaseMail: the component reads its rotation record and managed application back from
 * the stack outputs `secretRotation` and `applicationObjectId`, which hold one value per stack, so a second
 * component's rotation would follow the first one's record (replacing the secret its NocoBase holds).
 */
function secondComponentProblem(name: string, components: readonly string[]): string | undefined {
    const others = components.filter((other) => other !== name);
    if (others.length === 0) {
        return undefined;
    }
    return `NocobaseMail "${name}" is not the only one in this stack (also ${others.map((o) => `"${o}"`).join(", ")}). A stack holds one: ` +
        "each reads back which client secret its NocoBase holds from the stack outputs secretRotation and applicationObjectId, " +
        "which hold one value per stack, so one NocoBase's rotation would follow another's record and replace the secret " +
        "that NocoBase holds; the doctor and push-to-nocobase read one set of outputs per stack, too. Nothing was created or changed.\n" +
        "    Fix: declare one NocobaseMail per stack; for another NocoBase (another customer or tenant), use another stack: " +
        "pulumi stack init <name>.";
}

/**
 * Plain values, not outputs: they decide which resources exist and what they are called, and are
 * checked before any resource is declared.
 */
export interface NocobaseMailArgs {
    /** URL at which users open NocoBase, including any public path (https://crm.example.com). */
    readonly nocobaseUrl: string;
    /** NocoBase sub-application whose callback and variables are used; default the main application. */
    readonly nocobaseSubApp?: string;
    /** Further URLs of the same NocoBase (other host names); each gets its callback. Default none. */
    readonly extraNocobaseUrls?: string[];
    /** Name of the app registration; default "NocoBase Email (<stack>)". */
    readonly displayName?: string;
    /** Who may sign in: AzureADMyOrg, AzureADMultipleOrgs, AzureADandPersonalMicrosoftAccount (default) or PersonalMicrosoftAccount. */
    readonly signInAudience?: string;
    /** A new client secret is made by the first update after this many days; default 60. */
    readonly secretRotationDays?: number;
    /** Days each client secret stays valid, above secretRotationDays and at most 730; default 180. */
    readonly secretLifetimeDays?: number;
    /** Raise it to rotate the client secret now; default 1. */
    readonly secretGeneration?: number;
    /** Grant the delegated scopes tenant-wide (admin consent) for the home tenant's users; default false. */
    readonly grantAdminConsent?: boolean;
    /** Extra owner object IDs; the deploying identity is always an owner. Default none. */
    readonly owners?: string[];
    /** Web redirect URIs kept besides NocoBase's callbacks (e.g. of an adopted registration). Default none. */
    readonly additionalWebRedirectUris?: string[];
    /** Single-page-application redirect URIs to keep. Default none. */
    readonly spaRedirectUris?: string[];
    /** Public-client (mobile and desktop) redirect URIs to keep. Default none. */
    readonly publicClientRedirectUris?: string[];
    /** Permissions kept besides the five mail scopes, each <resourceAppId>/<Scope|Role>/<id>. Default none. */
    readonly additionalPermissions?: string[];
    /** ID of a tenant-wide grant made in the portal, imported instead of created (needs grantAdminConsent). Default none. */
    readonly adoptAdminConsentGrantId?: string;
    /** Object ID of an app registration made by hand, imported instead of creating one; default none. */
    readonly adoptApplicationObjectId?: string;
    /** NocoBase's HTTP API as the deployer reaches it; default <nocobaseUrl>/api. */
    readonly nocobaseApiUrl?: string;
    /** NocoBase variable that receives the client ID; default MICROSOFT_EMAIL_CLIENT_ID. */
    readonly nocobaseClientIdVariable?: string;
    /** NocoBase secret variable that receives the client secret; default MICROSOFT_EMAIL_CLIENT_SECRET. */
    readonly nocobaseClientSecretVariable?: string;
    /** What NocoBase's Email Settings read: pasted (an administrator pastes the secret) or variables ({{$env...}}); default pasted for a new stack, variables for one deployed before. */
    readonly emailSettings?: string;
    /** Key ID of the client secret an administrator confirmed pasting into Email Settings (npm run email-settings); default none. */
    readonly pastedSecretKeyId?: string;
    /** Write client ID and secret into NocoBase, with the API key from secret config nocobase-entra-mail:nocobaseApiToken or NOCOBASE_API_TOKEN; default false. */
    readonly handOverToNocobase?: boolean;
}

export class NocobaseMail extends pulumi.ComponentResource {
    /** Stack name; it labels the client secrets in Entra. */
    public readonly environment: pulumi.Output<string>;
    /** Application (client) ID, for NocoBase's Email settings. */
    public readonly clientId: pulumi.Output<string>;
    /** Directory (tenant) ID of the deploying identity, the application's home tenant. */
    public readonly tenantId: pulumi.Output<string>;
    /** Object ID of the application in Entra. */
    public readonly applicationObjectId: pulumi.Output<string>;
    /** Object ID of the application's service principal. */
    public readonly servicePrincipalObjectId: pulumi.Output<string>;
    /** Name of the app registration. */
    public readonly displayName: pulumi.Output<string>;
    /** Who may sign in to the application. */
    public readonly signInAudience: pulumi.Output<string>;
    /** Web redirect URIs: NocoBase's mail OAuth callbacks and additionalWebRedirectUris. */
    public readonly redirectUris: pulumi.Output<string[]>;
    /** Owner object IDs configured besides the deploying identity (the doctor checks they still own it). */
    public readonly owners: pulumi.Output<string[]>;
    /** Permissions kept besides the five mail scopes, as <resourceAppId>/<Scope|Role>/<id>. */
    public readonly additionalPermissions: pulumi.Output<string[]>;
    /** Whether the delegated scopes are granted tenant-wide. */
    public readonly adminConsent: pulumi.Output<boolean>;
    /** The current client secret (a secret). */
    public readonly clientSecret: pulumi.Output<string>;
    /** Key ID of the current client secret; it changes at every rotation. */
    public readonly clientSecretKeyId: pulumi.Output<string>;
    /** When the current client secret expires (RFC 3339). */
    public readonly clientSecretExpiresAt: pulumi.Output<string>;
    /** The first update at or after this instant (RFC 3339) rotates the client secret. */
    public readonly nextRotationAt: pulumi.Output<string>;
    /** Secret slot ("a" or "b") the next rotation replaces; the other one stays valid (NocoBase's fallback, or the pasted secret). */
    public readonly nextRotationReplacesSlot: pulumi.Output<string>;
    /** Which secret slot NocoBase holds and each slot's key ID, expiry and window; export it as the stack output secretRotation. */
    public readonly secretRotation: pulumi.Output<SecretRotation>;
    /** What NocoBase's Email Settings read this run: "pasted" or "variables". */
    public readonly emailSettings: pulumi.Output<string>;
    /** In pasted mode, the confirmed secret, a newer one awaiting pasting and the instant to paste it by; every field empty in variables mode. */
    public readonly pastedSecret: pulumi.Output<PastedSecret>;
    /** NocoBase's HTTP API the hand-over writes through. */
    public readonly nocobaseApiUrl: pulumi.Output<string>;
    /** NocoBase sub-application that holds the variables; empty for the main application. */
    public readonly nocobaseSubApp: pulumi.Output<string>;
    /** NocoBase variable that holds the client ID. */
    public readonly nocobaseClientIdVariable: pulumi.Output<string>;
    /** NocoBase secret variable that holds the client secret. */
    public readonly nocobaseClientSecretVariable: pulumi.Output<string>;

    constructor(name: string, args: NocobaseMailArgs, opts?: pulumi.ComponentResourceOptions) {
        const settings = validatedSettings(args, pulumi.getStack());
        super(NOCOBASE_MAIL_TYPE, name, {}, opts);
        // Noted now, while the program declares its components; judged once the last run's outputs are read,
        // which is before any child is declared, so a second component is refused before anything exists.
        const components = noteComponent(name);

        // The secret slots depend on what the stack's last run recorded, read back asynchronously; every
        // output below waits for the children declared once that record is known.
        // The clock is read now, while the program runs, not when the record arrives.
        const built = this.declareChildren(name, settings, currentInstant(), components);
        const from = <T>(pick: (children: DeclaredChildren) => pulumi.Input<T>): pulumi.Output<T> =>
            pulumi.output(built.then(pick)) as pulumi.Output<T>;

        this.environment = pulumi.output(settings.stack);
        this.clientId = from((c) => c.registration.clientId);
        this.tenantId = from((c) => c.registration.tenantId);
        this.applicationObjectId = from((c) => c.registration.applicationObjectId);
        this.servicePrincipalObjectId = from((c) => c.registration.servicePrincipalObjectId);
        this.displayName = pulumi.output(settings.displayName);
        this.signInAudience = pulumi.output(settings.signInAudience);
        this.redirectUris = pulumi.output(webRedirectUris(settings));
        this.owners = pulumi.output([...settings.owners]);
        this.additionalPermissions = pulumi.output(settings.additionalPermissions.map(formatApiPermission));
        this.adminConsent = pulumi.output(settings.grantAdminConsent);
        this.clientSecret = from((c) => c.registration.clientSecretValue);
        this.clientSecretKeyId = from((c) => c.registration.clientSecretKeyId);
        this.clientSecretExpiresAt = from((c) => c.registration.clientSecretExpiresAt);
        this.nextRotationAt = from((c) => c.registration.nextRotationAt);
        this.nextRotationReplacesSlot = from((c) => c.nextRotationReplacesSlot);
        this.secretRotation = from((c) => c.secretRotation as pulumi.Output<SecretRotation>);
        this.emailSettings = from((c) => c.emailSettings.mode);
        this.pastedSecret = from((c) => c.pastedSecret);
        this.nocobaseApiUrl = pulumi.output(settings.nocobaseTarget.apiUrl);
        this.nocobaseSubApp = pulumi.output(settings.nocobaseSubApp ?? "");
        this.nocobaseClientIdVariable = pulumi.output(settings.nocobaseTarget.clientIdVariable);
        this.nocobaseClientSecretVariable = pulumi.output(settings.nocobaseTarget.clientSecretVariable);

        // The secret stays out of the component's recorded outputs, as in MailAppRegistration.
        this.registerOutputs({
            environment: this.environment,
            clientId: this.clientId,
            tenantId: this.tenantId,
            applicationObjectId: this.applicationObjectId,
            servicePrincipalObjectId: this.servicePrincipalObjectId,
            displayName: this.displayName,
            signInAudience: this.signInAudience,
            redirectUris: this.redirectUris,
            owners: this.owners,
            additionalPermissions: this.additionalPermissions,
            adminConsent: this.adminConsent,
            clientSecretKeyId: this.clientSecretKeyId,
            clientSecretExpiresAt: this.clientSecretExpiresAt,
            nextRotationAt: this.nextRotationAt,
            nextRotationReplacesSlot: this.nextRotationReplacesSlot,
            secretRotation: this.secretRotation,
            emailSettings: this.emailSettings,
            pastedSecret: this.pastedSecret,
            nocobaseApiUrl: this.nocobaseApiUrl,
            nocobaseSubApp: this.nocobaseSubApp,
            nocobaseClientIdVariable: this.nocobaseClientIdVariable,
            nocobaseClientSecretVariable: this.nocobaseClientSecretVariable,
        });
    }

    private async declareChildren(name: string, settings: Settings, now: Date, components: readonly string[]): Promise<DeclaredChildren> {
        // Stacks made before this component existed hold the registration and the hand-over at the stack's
        // root, under these names: the aliases keep them (and the registration's children) in place.
        const formerlyAtRoot = [{ parent: pulumi.rootStackResource }];
        const lastRun = await readLastRun(`${name}-last-outputs`, this);
        const secondComponent = secondComponentProblem(name, components);
        if (secondComponent !== undefined) {
            throw new pulumi.RunError(secondComponent);
        }
        if (lastRun.rotation === undefined && lastRun.outputNames.length > 0) {
            // A program that adds this component but does not export its record: every run looks like the
            // first, so each rotation replaces NocoBase's only secret instead of keeping a fallback.
            void pulumi.log.warn("This stack's last update exported no secretRotation, so NocobaseMail cannot tell which " +
                "client secret NocoBase holds and rotates without a fallback secret. Fix: export the component's " +
                "secretRotation and applicationObjectId as stack outputs of those names.", this);
        }
        const adoptionChange = adoptionChangeProblem(settings.stack, lastRun.applicationObjectId, settings.adoptApplicationObjectId);
        if (adoptionChange !== undefined) {
            throw new pulumi.RunError(adoptionChange);
        }
        const emailSettings = checkedEmailSettings(settings, lastRun.rotation);
        const pasted: PastedHold | undefined = emailSettings.mode === "pasted"
            ? { confirmedKeyId: settings.pastedSecretKeyId, variablesHandOver: settings.nocobase !== undefined } : undefined;
        // The registration keeps the component's own name, so its children stay `<name>-application`, ...
        const registration = new MailAppRegistration(name, {
            displayName: settings.displayName,
            signInAudience: settings.signInAudience,
            redirectUris: webRedirectUris(settings),
            owners: [...settings.owners],
            rotation: settings.rotation,
            now,
            previousRotation: lastRun.rotation,
            secretLabel: settings.stack,
            grantAdminConsent: settings.grantAdminConsent,
            adoptApplicationObjectId: settings.adoptApplicationObjectId,
            managedApplicationObjectId: lastRun.applicationObjectId,
            spaRedirectUris: settings.spaRedirectUris.length > 0 ? [...settings.spaRedirectUris] : undefined,
            publicClientRedirectUris: settings.publicClientRedirectUris.length > 0 ? [...settings.publicClientRedirectUris] : undefined,
            additionalPermissions: settings.additionalPermissions,
            adoptAdminConsentGrantId: settings.adoptAdminConsentGrantId,
            pasted,
        }, { parent: this, aliases: formerlyAtRoot });
        // Found in the last run's record: a run never makes the confirmed slot anew, so it holds the same secret after it.
        const confirmedSlot = pasted?.confirmedKeyId === undefined || lastRun.rotation === undefined ? undefined
            : slotHolding(lastRun.rotation, pasted.confirmedKeyId);
        const confirmed = confirmedSlot === undefined || pasted?.confirmedKeyId === undefined ? undefined
            : { keyId: pasted.confirmedKeyId, slot: confirmedSlot };
        const pastedSecret = pastedSecretOutput(settings.stack, pasted === undefined ? undefined : confirmed ?? null, registration, this);
        const nextRotationReplacesSlot = slotNextRotationReplaces(registration.rotationPlan.nocobaseSlot, confirmedSlot, settings.nocobase !== undefined);

        if (settings.nocobase === undefined) {
            return { registration, secretRotation: registration.rotationRecord, emailSettings, pastedSecret, nextRotationReplacesSlot };
        }
        // NocoBase is written last (after every other resource of the registration), so when it has its new
        // secret nothing else can fail before Pulumi records the outputs. The rotation record waits for it:
        // if the hand-over fails, the outputs keep naming the slot NocoBase still holds.
        const handover = new NocobaseMailVariables(`${name}-variables`, {
            apiUrl: settings.nocobase.apiUrl,
            appName: settings.nocobaseSubApp,
            clientIdVariable: settings.nocobase.clientIdVariable,
            clientSecretVariable: settings.nocobase.clientSecretVariable,
            clientId: registration.clientId,
            clientSecret: registration.clientSecretValue,
            clientSecretKeyId: registration.clientSecretKeyId,
            tenantId: registration.tenantId,
            signInAudience: settings.signInAudience,
        }, { parent: this, aliases: formerlyAtRoot, dependsOn: [registration] });
        const secretRotation = pulumi.all([registration.rotationRecord, handover.clientSecretKeyId]).apply(([record]) => record);
        return { registration, secretRotation, emailSettings, pastedSecret, nextRotationReplacesSlot };
    }
}

/** `npm run email-settings` for the stack: what to paste and the confirmation line. */
function emailSettingsCommand(stack: string, flags = ""): string {
    return `npm run email-settings -- --stack ${stack}${flags}`;
}

/**
 * The mode this run follows, after refusing a confirmation that names no secret of the stack (before any
 * resource is declared). An existing stack that has not chosen is told how, once per run.
 */
function checkedEmailSettings(settings: Settings, previous: RotationRecord | undefined): EmailSettingsChoice {
    const choice = emailSettingsChoice(settings.emailSettings, settings.pastedSecretKeyId, previous);
    const confirmed = settings.pastedSecretKeyId;
    const problem = confirmed === undefined ? undefined : confirmationProblem(confirmed, previous);
    if (confirmed !== undefined && problem !== undefined) {
        const offered = previous?.slots[previous.nocobaseSlot]?.keyId;
        const fix = offered === undefined
            ? configChangeCommand(settings.stack, { key: "pastedSecretKeyId", value: undefined })
            : `paste the stack's newest secret into Email Settings (${emailSettingsCommand(settings.stack, " --show-secret")}), then ` +
              configChangeCommand(settings.stack, { key: "pastedSecretKeyId", value: offered });
        throw new pulumi.RunError(formatProblems([{ key: "pastedSecretKeyId", problem: `is ${confirmed}, which ${problem}`, fix }]));
    }
    if (!choice.chosen && choice.mode === "variables") {
        void pulumi.log.warn(`${CONFIG_NAMESPACE}:emailSettings is not set, so this stack keeps its earlier behaviour: NocoBase's ` +
            "Email Settings are taken to read {{$env...}} variables, and each rotation moves the variables to the new secret. " +
            "NocoBase documents Email Settings as 'Not adapted' to variables; if an administrator pasted the client ID and secret " +
            "there instead, a rotation can delete the pasted secret. Choose: " +
            `${configChangeCommand(settings.stack, { key: "emailSettings", value: "pasted" })} (then confirm the pasted key ID with ` +
            `${emailSettingsCommand(settings.stack)}), or ${configChangeCommand(settings.stack, { key: "emailSettings", value: "variables" })}.`);
    }
    return choice;
}

/**
 * The `pastedSecret` output, and in pasted mode the warning that a secret awaits pasting. `confirmed` is
 * undefined in variables mode and null in pasted mode before the first confirmation.
 */
function pastedSecretOutput(stack: string, confirmed: { keyId: string; slot: SlotName } | null | undefined, registration: MailAppRegistration,
    parent: pulumi.Resource): pulumi.Output<PastedSecret> {
    if (confirmed === undefined) {
        return pulumi.output({});
    }
    const plan = registration.rotationPlan;
    return registration.rotationRecord.apply((record): PastedSecret => {
        const slots = Object.fromEntries(SLOT_NAMES.flatMap((slot) => {
            const recorded = record.slots[slot];
            return recorded === null ? [] : [[slot, { keyId: recorded.keyId, expiresAt: recorded.expiresAt,
                windowStart: recorded.kind === "window" ? recorded.windowStart : undefined }]];
        }));
        const status = pasteStatus(confirmed ?? undefined, record.nocobaseSlot, slots, registration.nextRotationAt, plan.waitingForPaste !== undefined);
        warnAwaitingPaste(stack, status, plan.waitingForPaste !== undefined, parent);
        return withoutNulls(status);
    });
}

function warnAwaitingPaste(stack: string, status: PasteStatus, waits: boolean, parent: pulumi.Resource): void {
    if (status.awaitingKeyId === null) {
        return;
    }
    const held = status.confirmedKeyId === null
        ? "No pasted secret is confirmed yet, so no run protects the one in Email Settings"
        : `Email Settings hold the confirmed secret ${status.confirmedKeyId} (slot ${String(status.confirmedSlot)}, expires ${String(status.confirmedExpiresAt)})`;
    const wait = waits ? " The due rotation waits for it: the other slot holds the secret NocoBase's variables hold." : "";
    void pulumi.log.warn(`A new client secret (key ID ${status.awaitingKeyId}, slot ${String(status.awaitingSlot)}) awaits pasting into ` +
        `NocoBase's Email Settings since ${String(status.awaitingSince ?? "the last rotation")}; paste it and confirm it before ` +
        `${String(status.pasteBy)}. ${held}.${wait} Fix: ${emailSettingsCommand(stack, " --show-secret")} (paste it), then ` +
        `${configChangeCommand(stack, { key: "pastedSecretKeyId", value: status.awaitingKeyId })}`, parent);
}

/** The status as the schema carries it: absent instead of null. */
function withoutNulls(status: PasteStatus): PastedSecret {
    return Object.fromEntries(Object.entries(status).filter(([, value]) => value !== null));
}

/** Every web redirect URI: NocoBase's callbacks, then the kept ones. */
function webRedirectUris(settings: Settings): string[] {
    return [...settings.redirectUris, ...settings.additionalWebRedirectUris];
}

/** The `secretRotation` output as Pulumi's schema describes it (the schema has no unions of literals). */
export interface SecretRotation {
    /** Slot NocoBase holds, "a" or "b". */
    readonly nocobaseSlot: string;
    /** Both slots; an empty slot is null. */
    readonly slots: SecretSlots;
}

/** The two client-secret slots that take turns. */
export interface SecretSlots {
    /** Slot a, or null while empty. */
    readonly a?: SecretSlot;
    /** Slot b, or null while empty. */
    readonly b?: SecretSlot;
}

/** One client secret the stack manages. */
export interface SecretSlot {
    /** "window" for a secret of a rotation window, "inherited" for the single secret of an older layout. */
    readonly kind: string;
    /** Key ID Entra assigned to the secret. */
    readonly keyId: string;
    /** When Microsoft stops accepting the secret (RFC 3339). */
    readonly expiresAt: string;
    /** Start of the rotation window that made the secret (RFC 3339); absent for an inherited secret. */
    readonly windowStart?: string;
    /** secretGeneration the secret was made with; absent for an inherited secret. */
    readonly generation?: number;
}

/** The `pastedSecret` output: what Email Settings hold and what awaits pasting (pasted mode only). */
export interface PastedSecret {
    /** Key ID confirmed pasted into Email Settings (pastedSecretKeyId); absent before the first confirmation. */
    readonly confirmedKeyId?: string;
    /** Slot ("a" or "b") of the confirmed secret. */
    readonly confirmedSlot?: string;
    /** When the confirmed secret expires (RFC 3339). */
    readonly confirmedExpiresAt?: string;
    /** Slot of a newer secret awaiting pasting; absent when Email Settings hold the newest. */
    readonly awaitingSlot?: string;
    /** Key ID of the secret awaiting pasting. */
    readonly awaitingKeyId?: string;
    /** Start of the rotation window the awaiting secret was made for (RFC 3339). */
    readonly awaitingSince?: string;
    /** Paste and confirm the awaiting secret before this instant (RFC 3339). */
    readonly pasteBy?: string;
    /** True while a due rotation waits for the paste (the variables hold the newest slot, Email Settings the other). */
    readonly rotationWaitsForPaste?: boolean;
}

interface DeclaredChildren {
    readonly registration: MailAppRegistration;
    readonly emailSettings: EmailSettingsChoice;
    readonly pastedSecret: pulumi.Output<PastedSecret>;
    readonly nextRotationReplacesSlot: string;
    /** The rotation record, resolved only once NocoBase holds the secret it names. */
    readonly secretRotation: pulumi.Output<RotationOutput>;
}

/** The inputs as stack config would hold them, checked by `validateSettings`; a `pulumi.RunError` lists every problem. */
function validatedSettings(args: NocobaseMailArgs, stack: string): Settings {
    const raw: { -readonly [K in ConfigKey]?: string } = {};
    for (const [key, value] of Object.entries(args) as [ConfigKey | "handOverToNocobase", unknown][]) {
        if (pulumi.Output.isInstance(value) || (Array.isArray(value) && value.some((v) => pulumi.Output.isInstance(v)))) {
            // A program in another language can pass an output where the schema asks for a plain value.
            throw new pulumi.RunError(`NocobaseMail input ${key} is an output of another resource or a secret; it must be ` +
                "a plain value known when the program starts, because it decides which resources exist. " +
                "Fix: pass a literal or a configuration value.");
        }
        if (key !== "handOverToNocobase" && value !== undefined && value !== null) {
            // As stack config holds values: strings as they are, numbers, booleans and lists as JSON text.
            raw[key] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    const rawSettings: RawSettings = { ...raw, stack, nocobaseApiTokenSet: args.handOverToNocobase === true };
    const result = validateSettings(rawSettings);
    if (!result.ok) {
        throw new pulumi.RunError(formatProblems(result.problems));
    }
    return result.settings;
}
