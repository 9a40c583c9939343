/**
 * NocoBase mail as one component: the Entra registration with its rotating secret and, when asked for,
 * the hand-over of client ID and secret to NocoBase. Its inputs are the stack's settings under the
 * configuration keys' names, checked by the same rules and messages as the stack's configuration.
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE } from "../configuration/config-keys";
import { ConfigChange, FixAudience, formatProblems, renderChanges, Settings } from "../configuration/settings";
import { NocobaseMailVariables } from "../nocobase/variables";
import { adoptionChangeProblem } from "../registration/adoption-change";
import { formatApiPermission } from "../registration/kept-settings";
import { MailAppRegistration } from "../registration/mail-app-registration";
import type { RotationOutput } from "../registration/rotation-record";
import {
    confirmationProblem, EmailSettingsChoice, emailSettingsChoice, pasteStatus, PasteStatus, slotNextRotationReplaces,
} from "../registration/pasted-secret";
import { PastedHold, RotationRecord, SLOT_NAMES, SlotName, slotHolding } from "../registration/secret-rotation";
import { checkInputs } from "./component-inputs";
import { readLastRun } from "./last-run";
import type { NocobaseMailArgs } from "./nocobase-mail-args";
import { rotationInstant } from "./rotation-clock";

export type { NocobaseMailArgs } from "./nocobase-mail-args";

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
 * NocoBase mail: the Entra registration NocoBase's Email Manager needs, its two rotating client secrets and,
 * with handOverToNocobase, the hand-over to NocoBase. One per stack: it reads its rotation record and
 * managed application back from the stack outputs secretRotation and applicationObjectId (export them under
 * these names), which hold one value per stack; a second one in the same stack is refused.
 */
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
        const { audience, plain, settings } = checkInputs(name, args, pulumi.getStack());
        super(NOCOBASE_MAIL_TYPE, name, {}, opts);
        // Noted now, while the program declares its components; judged once the last run's outputs are read,
        // which is before any child is declared, so a second component is refused before anything exists.
        const components = noteComponent(name);

        // The secret slots depend on what the stack's last run recorded, read back asynchronously; every
        // output below waits for the children declared once that record is known.
        // The clock is read now, while the program runs, not when the record arrives.
        const built = this.declareChildren(name, audience, plain, settings, rotationInstant(), components);
        const from = <T>(pick: (children: DeclaredChildren) => pulumi.Input<T>): pulumi.Output<T> =>
            pulumi.output(built.then(pick)) as pulumi.Output<T>;

        const known = <T>(pick: (s: Settings) => T): pulumi.Output<T> => settings.apply<T>(pick);
        this.environment = pulumi.output(plain.stack);
        this.clientId = from((c) => c.registration.clientId);
        this.tenantId = from((c) => c.registration.tenantId);
        this.applicationObjectId = from((c) => c.registration.applicationObjectId);
        this.servicePrincipalObjectId = from((c) => c.registration.servicePrincipalObjectId);
        this.displayName = known((s) => s.displayName);
        this.signInAudience = pulumi.output(plain.signInAudience);
        this.redirectUris = known(webRedirectUris);
        this.owners = known((s) => [...s.owners]);
        this.additionalPermissions = known((s) => s.additionalPermissions.map(formatApiPermission));
        this.adminConsent = pulumi.output(plain.grantAdminConsent);
        this.clientSecret = from((c) => c.registration.clientSecretValue);
        this.clientSecretKeyId = from((c) => c.registration.clientSecretKeyId);
        this.clientSecretExpiresAt = from((c) => c.registration.clientSecretExpiresAt);
        this.nextRotationAt = from((c) => c.registration.nextRotationAt);
        this.nextRotationReplacesSlot = from((c) => c.nextRotationReplacesSlot);
        this.secretRotation = from((c) => c.secretRotation as pulumi.Output<SecretRotation>);
        this.emailSettings = from((c) => c.emailSettings.mode);
        this.pastedSecret = from((c) => c.pastedSecret);
        this.nocobaseApiUrl = known((s) => s.nocobaseTarget.apiUrl);
        this.nocobaseSubApp = known((s) => s.nocobaseSubApp ?? "");
        this.nocobaseClientIdVariable = known((s) => s.nocobaseTarget.clientIdVariable);
        this.nocobaseClientSecretVariable = known((s) => s.nocobaseTarget.clientSecretVariable);

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

    /** `plain` decides what is declared; `known` gives the values of inputs that may be outputs of other resources. */
    private async declareChildren(name: string, audience: FixAudience, settings: Settings, known: pulumi.Output<Settings>, now: Date,
        components: readonly string[]): Promise<DeclaredChildren> {
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
        const adoptionChange = adoptionChangeProblem(settings.stack, lastRun.applicationObjectId, settings.adoptApplicationObjectId, audience);
        if (adoptionChange !== undefined) {
            throw new pulumi.RunError(adoptionChange);
        }
        const emailSettings = checkedEmailSettings(settings, lastRun.rotation, audience);
        const pasted: PastedHold | undefined = emailSettings.mode === "pasted"
            ? { confirmedKeyId: settings.pastedSecretKeyId, variablesHandOver: settings.nocobase !== undefined } : undefined;
        // The registration keeps the component's own name, so its children stay `<name>-application`, ...
        const registration = new MailAppRegistration(name, {
            displayName: known.apply((s) => s.displayName),
            signInAudience: settings.signInAudience,
            redirectUris: known.apply(webRedirectUris),
            owners: known.apply((s) => [...s.owners]),
            rotation: settings.rotation,
            now,
            previousRotation: lastRun.rotation,
            secretLabel: settings.stack,
            grantAdminConsent: settings.grantAdminConsent,
            adoptApplicationObjectId: settings.adoptApplicationObjectId,
            managedApplicationObjectId: lastRun.applicationObjectId,
            spaRedirectUris: known.apply((s) => [...s.spaRedirectUris]),
            publicClientRedirectUris: known.apply((s) => [...s.publicClientRedirectUris]),
            additionalPermissions: known.apply((s) => [...s.additionalPermissions]),
            adoptAdminConsentGrantId: settings.adoptAdminConsentGrantId,
            pasted,
        }, { parent: this, aliases: formerlyAtRoot });
        // Found in the last run's record: a run never makes the confirmed slot anew, so it holds the same secret after it.
        const confirmedSlot = pasted?.confirmedKeyId === undefined || lastRun.rotation === undefined ? undefined
            : slotHolding(lastRun.rotation, pasted.confirmedKeyId);
        const confirmed = confirmedSlot === undefined || pasted?.confirmedKeyId === undefined ? undefined
            : { keyId: pasted.confirmedKeyId, slot: confirmedSlot };
        const pastedSecret = pastedSecretOutput(settings.stack, audience, pasted === undefined ? undefined : confirmed ?? null, registration, this);
        const nextRotationReplacesSlot = slotNextRotationReplaces(registration.rotationPlan.nocobaseSlot, confirmedSlot, settings.nocobase !== undefined);

        if (settings.nocobase === undefined) {
            return { registration, secretRotation: registration.rotationRecord, emailSettings, pastedSecret, nextRotationReplacesSlot };
        }
        // NocoBase is written last (after every other resource of the registration), so when it has its new
        // secret nothing else can fail before Pulumi records the outputs. The rotation record waits for it:
        // if the hand-over fails, the outputs keep naming the slot NocoBase still holds.
        const handover = new NocobaseMailVariables(`${name}-variables`, {
            apiUrl: known.apply((s) => s.nocobaseTarget.apiUrl),
            appName: known.apply((s) => s.nocobaseSubApp),
            clientIdVariable: known.apply((s) => s.nocobaseTarget.clientIdVariable),
            clientSecretVariable: known.apply((s) => s.nocobaseTarget.clientSecretVariable),
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
    return `nocobase-entra-mail email-settings --stack ${stack}${flags}`;
}

/**
 * The mode this run follows, after refusing a confirmation that names no secret of the stack (before any
 * resource is declared). An existing stack that has not chosen is told how, once per run.
 */
function checkedEmailSettings(settings: Settings, previous: RotationRecord | undefined, audience: FixAudience): EmailSettingsChoice {
    const change = (c: ConfigChange): string => renderChanges(audience, settings.stack, [c]);
    const choice = emailSettingsChoice(settings.emailSettings, settings.pastedSecretKeyId, previous);
    const confirmed = settings.pastedSecretKeyId;
    const problem = confirmed === undefined ? undefined : confirmationProblem(confirmed, previous);
    if (confirmed !== undefined && problem !== undefined) {
        const offered = previous?.slots[previous.nocobaseSlot]?.keyId;
        const fix = offered === undefined
            ? change({ key: "pastedSecretKeyId", value: undefined })
            : `paste the stack's newest secret into Email Settings (${emailSettingsCommand(settings.stack, " --show-secret")}), then ` +
              change({ key: "pastedSecretKeyId", value: offered });
        throw new pulumi.RunError(formatProblems([{ key: "pastedSecretKeyId", problem: `is ${confirmed}, which ${problem}`, fix }], audience));
    }
    if (!choice.chosen && choice.mode === "variables") {
        void pulumi.log.warn(`${CONFIG_NAMESPACE}:emailSettings is not set, so this stack keeps its earlier behaviour: NocoBase's ` +
            "Email Settings are taken to read {{$env...}} variables, and each rotation moves the variables to the new secret. " +
            "NocoBase documents Email Settings as 'Not adapted' to variables; if an administrator pasted the client ID and secret " +
            "there instead, a rotation can delete the pasted secret. Choose: " +
            `${change({ key: "emailSettings", value: "pasted" })} (then confirm the pasted key ID with ` +
            `${emailSettingsCommand(settings.stack)}), or ${change({ key: "emailSettings", value: "variables" })}.`);
    }
    return choice;
}

/**
 * The `pastedSecret` output, and in pasted mode the warning that a secret awaits pasting. `confirmed` is
 * undefined in variables mode and null in pasted mode before the first confirmation.
 */
function pastedSecretOutput(stack: string, audience: FixAudience, confirmed: { keyId: string; slot: SlotName } | null | undefined, registration: MailAppRegistration,
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
        warnAwaitingPaste(stack, audience, status, plan.waitingForPaste !== undefined, parent);
        return withoutNulls(status);
    });
}

function warnAwaitingPaste(stack: string, audience: FixAudience, status: PasteStatus, waits: boolean, parent: pulumi.Resource): void {
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
        `${renderChanges(audience, stack, [{ key: "pastedSecretKeyId", value: status.awaitingKeyId }])}`, parent);
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
