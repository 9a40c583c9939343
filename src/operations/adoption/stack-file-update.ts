/**
 * `nocobase-entra-mail adopt --write`: sets `adoptApplicationObjectId` in `stacks/Pulumi.<stack>.yaml` and carries
 * over what the registration holds and the user keeps (always its owners), so the stack's first
 * `pulumi up` declares it instead of removing it. Edits the YAML document in place: comments, order and
 * encrypted (`secure:`) values stay as they are.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { CONFIG_NAMESPACE, type ConfigKey } from "../../configuration/config-keys";
import { configChangeCommand, type Settings } from "../../configuration/settings";
import { formatApiPermission, isMailScope } from "../../registration/kept-settings";
import type { AdoptionSnapshot } from "./live-registration";

/** What `--keep` may name besides the owners, which are always kept. */
export const KEEP_CHOICES = ["web", "spa", "public-client", "permissions"] as const;
export type KeepChoice = (typeof KEEP_CHOICES)[number];

type StackFileValues = Partial<Record<ConfigKey, string | string[]>>;

function union(existing: readonly string[], live: readonly string[]): string[] {
    return [...new Set([...existing, ...live])];
}

/** The configuration values `--write` sets; lists only when they hold something. */
export function keptConfiguration(snapshot: AdoptionSnapshot, settings: Settings, keep: ReadonlySet<KeepChoice>): StackFileValues {
    const values: StackFileValues = {
        adoptApplicationObjectId: snapshot.objectId,
        owners: union(settings.owners, snapshot.owners.map((o) => o.id)),
    };
    if (keep.has("web")) {
        values.additionalWebRedirectUris = union(settings.additionalWebRedirectUris,
            snapshot.redirectUris.web.filter((u) => !settings.redirectUris.includes(u)));
    }
    if (keep.has("spa")) {
        values.spaRedirectUris = union(settings.spaRedirectUris, snapshot.redirectUris.spa);
    }
    if (keep.has("public-client")) {
        values.publicClientRedirectUris = union(settings.publicClientRedirectUris, snapshot.redirectUris.publicClient);
    }
    if (keep.has("permissions")) {
        values.additionalPermissions = union(settings.additionalPermissions.map(formatApiPermission),
            snapshot.permissions.filter((p) => !isMailScope(p)).map(formatApiPermission));
    }
    if (snapshot.adminConsentGrant !== undefined && settings.grantAdminConsent) {
        values.adoptAdminConsentGrantId = snapshot.adminConsentGrant.id;
    }
    return Object.fromEntries(Object.entries(values).filter(([, v]) => !Array.isArray(v) || v.length > 0));
}

/** The stack file of `stack` in `dir` (.yaml or .yml). */
export function stackFilePath(stack: string, dir: string): string {
    const found = ["yaml", "yml"].map((ext) => path.join(dir, `Pulumi.${stack}.${ext}`)).find((f) => fs.existsSync(f));
    if (found === undefined) {
        throw new Error(`No stack file for "${stack}" in ${dir}. Create one with: pulumi stack init ${stack} && ` +
            configChangeCommand(stack, { key: "nocobaseUrl", value: "<url>" }));
    }
    return found;
}

/** Sets each value under `config:` and writes the file back; returns the keys written. */
export function writeStackFileValues(file: string, values: StackFileValues): string[] {
    const document = parseDocument(fs.readFileSync(file, "utf8"));
    if (!document.has("config")) {
        document.set("config", document.createNode({}));
    }
    const written: string[] = [];
    for (const [key, value] of Object.entries(values)) {
        document.setIn(["config", `${CONFIG_NAMESPACE}:${key}`], value);
        written.push(`${CONFIG_NAMESPACE}:${key}`);
    }
    fs.writeFileSync(file, document.toString());
    return written;
}
