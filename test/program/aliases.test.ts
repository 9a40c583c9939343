// Stacks made before NocobaseMail existed must keep every resource: under mocks, each registration's
// type, name, parent and alias specs are recorded, and its URN and aliases are computed and matched against
// those stacks' URNs the way Pulumi's engine does (pkg/resource/deploy/step_generator.go in pulumi/pulumi:
// generateURN, collapseAliasToUrn, generateAliases, inheritedChildAlias, getOldResource). The mock
// monitor's own URNs keep only the parent's last type, so they are not used.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { LEGACY_VARIABLES_TYPE, VARIABLES_TYPE } from "../../src/nocobase/variables";
import { runProgram } from "../../src/operations/plan/program-runner";

const STACK = "dev";
const PROJECT = "nocobase-entra-mail";
const PREFIX = `urn:pulumi:${STACK}::${PROJECT}::`;
const REGISTRATION = "nocobase-entra-mail:entra:MailAppRegistration";

/** What `pulumi up` of this program recorded before the component (commit 10bceb6), admin consent and hand-over on. */
const URNS_BEFORE = [
    `${PREFIX}${REGISTRATION}::nocobase-mail`,
    `${PREFIX}${REGISTRATION}$azuread:index/application:Application::nocobase-mail-application`,
    `${PREFIX}${REGISTRATION}$azuread:index/applicationPassword:ApplicationPassword::nocobase-mail-client-secret`,
    `${PREFIX}${REGISTRATION}$azuread:index/servicePrincipal:ServicePrincipal::nocobase-mail-service-principal`,
    `${PREFIX}${REGISTRATION}$azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant::nocobase-mail-admin-consent`,
    `${PREFIX}${LEGACY_VARIABLES_TYPE}::nocobase-mail-variables`,
];

interface AliasSpec {
    readonly name: string;
    readonly type: string;
    readonly stack: string;
    readonly project: string;
    readonly parentUrn: string;
    readonly noParent: boolean;
}

interface Registered {
    /** The mock monitor's URN, by which children name their parent. */
    readonly mockUrn: string;
    readonly type: string;
    readonly name: string;
    readonly parent: string;
    readonly aliasUrns: readonly string[];
    readonly aliasSpecs: readonly AliasSpec[];
}

// The request objects are the SDK's generated protobuf classes, which have no typings.
interface AliasMessage {
    getUrn(): string;
    hasSpec(): boolean;
    getSpec(): { getName(): string; getType(): string; getStack(): string; getProject(): string; getParenturn(): string; getNoparent(): boolean };
}
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getAliasesList(): AliasMessage[];
}

const registered: Registered[] = [];
// Called back with call() on each monitor, so its `this` is kept.
// eslint-disable-next-line @typescript-eslint/unbound-method
const originalRegister = MockMonitor.prototype.registerResource;

function recordRegistrations(): void {
    MockMonitor.prototype.registerResource = function (this: MockMonitor, req: RegisterRequest, callback: (err: unknown, response: { getUrn(): string } | undefined) => void) {
        return originalRegister.call(this, req, (err: unknown, response: { getUrn(): string } | undefined) => {
            if (response !== undefined) {
                const aliases = req.getAliasesList();
                registered.push({
                    mockUrn: response.getUrn(), type: req.getType(), name: req.getName(), parent: req.getParent(),
                    aliasUrns: aliases.filter((a) => !a.hasSpec()).map((a) => a.getUrn()),
                    aliasSpecs: aliases.filter((a) => a.hasSpec()).map((a) => a.getSpec()).map((s) => ({
                        name: s.getName(), type: s.getType(), stack: s.getStack(), project: s.getProject(),
                        parentUrn: s.getParenturn(), noParent: s.getNoparent(),
                    })),
                });
            }
            callback(err, response);
        });
    };
}

function qualifiedType(urn: string): string {
    return urn.split("::")[2];
}

function urnName(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

function createUrn(name: string, type: string, parent: string, project = PROJECT, stack = STACK): string {
    const qualified = parent === "" ? type : `${qualifiedType(parent)}$${type}`;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** Matches the registrations against the old URNs as the engine does; returns which old URN each new one took over. */
function matchAsEngine(olds: readonly string[]): { claimed: Map<string, string>; created: string[] } {
    const engineUrn = new Map<string, string>();
    const foundAlias = new Map<string, string>();
    const claimed = new Map<string, string>();
    const created: string[] = [];
    const parentOf = (mockUrn: string): string => (mockUrn === "" ? "" : engineUrn.get(mockUrn) ?? mockUrn);
    const collapse = (r: Registered, spec: AliasSpec): string => {
        let parent = spec.parentUrn === "" ? parentOf(r.parent) : foundAlias.get(parentOf(spec.parentUrn)) ?? parentOf(spec.parentUrn);
        if (spec.noParent || (parent !== "" && qualifiedType(parent) === "pulumi:pulumi:Stack")) {
            parent = "";
        }
        return createUrn(spec.name || r.name, spec.type || r.type, parent, spec.project || PROJECT, spec.stack || STACK);
    };
    const inherited = (childType: string, childName: string, parentName: string, parentAlias: string): string => {
        const aliasName = childName.startsWith(parentName) ? urnName(parentAlias) + childName.slice(parentName.length) : childName;
        return `urn:pulumi:${STACK}::${PROJECT}::${qualifiedType(parentAlias)}$${childType}::${aliasName}`;
    };
    for (const r of registered) {
        const parent = parentOf(r.parent);
        const urn = createUrn(r.name, r.type, parent);
        engineUrn.set(r.mockUrn, urn);
        const aliases = [...r.aliasUrns, ...r.aliasSpecs.map((s) => collapse(r, s))];
        const parentAlias = parent === "" ? undefined : foundAlias.get(parent);
        if (parentAlias !== undefined) {
            aliases.push(inherited(r.type, r.name, urnName(parent), parentAlias));
            for (const spec of r.aliasSpecs) {
                const own = collapse(r, spec);
                aliases.push(inherited(qualifiedType(own).split("$").pop() ?? "", urnName(own), urnName(parent), parentAlias));
            }
        }
        const match = [urn, ...aliases].find((candidate) => olds.includes(candidate));
        if (match === undefined) {
            created.push(urn);
            continue;
        }
        assert.ok(!claimed.has(match), `${match} is claimed twice`);
        claimed.set(match, urn);
        if (match !== urn) {
            foundAlias.set(urn, match);
        }
    }
    return { claimed, created };
}

describe("existing stacks keep their resources", () => {
    before(recordRegistrations);
    after(() => { MockMonitor.prototype.registerResource = originalRegister; });

    it("takes over every resource of a stack with admin consent and hand-over, creating only the component", async () => {
        registered.length = 0;
        await runProgram({
            stack: STACK, config: { nocobaseUrl: "https://crm.example.com", grantAdminConsent: "true", nocobaseApiToken: "token" },
            secretKeys: ["nocobaseApiToken"], now: new Date("2026-11-23T12:00:00Z"),
        });
        const { claimed, created } = matchAsEngine(URNS_BEFORE);
        assert.deepEqual([...claimed.keys()].sort(), [...URNS_BEFORE].sort(), "every old resource is found again");
        assert.deepEqual(created, [`${PREFIX}nocobase-entra-mail:index:NocobaseMail::nocobase-mail`]);
    });

    it("moves the registration and the hand-over under the component by an alias to the stack's root", async () => {
        registered.length = 0;
        await runProgram({
            stack: STACK, config: { nocobaseUrl: "https://crm.example.com", nocobaseApiToken: "token" },
            secretKeys: ["nocobaseApiToken"], now: new Date("2026-11-23T12:00:00Z"),
        });
        const component = registered.find((r) => r.type === "nocobase-entra-mail:index:NocobaseMail");
        assert.ok(component !== undefined);
        const moved = registered.filter((r) => r.parent === component.mockUrn);
        assert.deepEqual(moved.map((r) => r.name).sort(), ["nocobase-mail", "nocobase-mail-variables"]);
        const atRoot = (spec: AliasSpec) => spec.noParent || (spec.parentUrn !== "" && qualifiedType(spec.parentUrn) === "pulumi:pulumi:Stack");
        const specs = (name: string) => moved.find((r) => r.name === name)?.aliasSpecs
            .map((spec) => `${spec.type || "(own type)"} ${atRoot(spec) ? "at the root" : "(own parent)"}`).sort();
        assert.deepEqual(specs("nocobase-mail"), ["(own type) at the root"]);
        // The hand-over was also a dynamic resource, at the root or (from a component release) under the component.
        assert.deepEqual(specs("nocobase-mail-variables"), ["(own type) at the root", `${LEGACY_VARIABLES_TYPE} (own parent)`, `${LEGACY_VARIABLES_TYPE} at the root`].sort());
        const { created } = matchAsEngine(URNS_BEFORE.filter((urn) => !urn.endsWith("::nocobase-mail-admin-consent")));
        assert.equal(created.length, 1, "only the component is new");
    });

    it("takes over the dynamic hand-over of a stack deployed with the component (the release before the plugin)", async () => {
        registered.length = 0;
        await runProgram({
            stack: STACK, config: { nocobaseUrl: "https://crm.example.com", nocobaseApiToken: "token" },
            secretKeys: ["nocobaseApiToken"], now: new Date("2026-11-23T12:00:00Z"),
        });
        // That release's URNs: today's, with the hand-over's type the dynamic provider's.
        const today = matchAsEngine([]).created;
        const variables = today.filter((urn) => qualifiedType(urn).endsWith(`$${VARIABLES_TYPE}`));
        assert.equal(variables.length, 1);
        const released = today.map((urn) => urn === variables[0] ? urn.replace(`$${VARIABLES_TYPE}::`, `$${LEGACY_VARIABLES_TYPE}::`) : urn);
        const { claimed, created } = matchAsEngine(released.filter((urn) => !qualifiedType(urn).startsWith("pulumi:pulumi:")));
        assert.deepEqual(created.filter((urn) => !qualifiedType(urn).startsWith("pulumi:pulumi:")), [], "nothing of that release is created anew");
        assert.equal(claimed.get(released[today.indexOf(variables[0])]), variables[0], "the dynamic hand-over is today's Variables resource");
    });
});
