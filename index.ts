// The Pulumi program: validate the stack's configuration, declare the Entra registration NocoBase's mail
// needs, hand its client ID and secret to NocoBase when an API token is configured, export the outputs.
// Async because the secret slots depend on what the last run recorded (read back from this stack).
import * as pulumi from "@pulumi/pulumi";
import { MailAppRegistration } from "./src/components/mail-app-registration";
import { NocobaseMailVariables } from "./src/nocobase/variables";
import { readPreviousRotation, RotationOutput } from "./src/rotation-record";
import { otherSlot } from "./src/secret-rotation";
import { currentInstant, readStackSettings } from "./src/stack-config";

export = async () => {
    const settings = readStackSettings();

    const registration = new MailAppRegistration("nocobase-mail", {
        displayName: settings.displayName,
        signInAudience: settings.signInAudience,
        redirectUris: [...settings.redirectUris],
        owners: [...settings.owners],
        rotation: settings.rotation,
        now: currentInstant(),
        previousRotation: await readPreviousRotation(),
        secretLabel: settings.stack,
        grantAdminConsent: settings.grantAdminConsent,
        adoptApplicationObjectId: settings.adoptApplicationObjectId,
    });

    // NocoBase is written last (after every other resource of the registration), so when it has its new
    // secret nothing else can fail before Pulumi records the outputs. The rotation record waits for it:
    // if the hand-over fails, the outputs keep naming the slot NocoBase still holds.
    let secretRotation: pulumi.Output<RotationOutput> = registration.rotationRecord;
    if (settings.nocobase !== undefined) {
        const handover = new NocobaseMailVariables("nocobase-mail-variables", {
            apiUrl: settings.nocobase.apiUrl,
            appName: settings.nocobaseSubApp,
            clientIdVariable: settings.nocobase.clientIdVariable,
            clientSecretVariable: settings.nocobase.clientSecretVariable,
            clientId: registration.clientId,
            clientSecret: registration.clientSecretValue,
            clientSecretKeyId: registration.clientSecretKeyId,
            tenantId: registration.tenantId,
            signInAudience: settings.signInAudience,
        }, { dependsOn: [registration] });
        secretRotation = pulumi.all([registration.rotationRecord, handover.clientSecretKeyId]).apply(([record]) => record);
    }

    return {
        environment: settings.stack,
        clientId: registration.clientId,
        tenantId: registration.tenantId,
        applicationObjectId: registration.applicationObjectId,
        servicePrincipalObjectId: registration.servicePrincipalObjectId,
        displayName: settings.displayName,
        signInAudience: settings.signInAudience,
        redirectUris: settings.redirectUris,
        adminConsent: settings.grantAdminConsent,
        clientSecret: registration.clientSecretValue,
        clientSecretKeyId: registration.clientSecretKeyId,
        clientSecretExpiresAt: registration.clientSecretExpiresAt,
        nextRotationAt: registration.nextRotationAt,
        nextRotationReplacesSlot: otherSlot(registration.rotationPlan.nocobaseSlot),
        secretRotation,
        nocobaseApiUrl: settings.nocobaseTarget.apiUrl,
        nocobaseSubApp: settings.nocobaseSubApp ?? "",
        nocobaseClientIdVariable: settings.nocobaseTarget.clientIdVariable,
        nocobaseClientSecretVariable: settings.nocobaseTarget.clientSecretVariable,
    };
};
