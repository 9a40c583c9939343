/**
 * Resources that write every provider call to a log file, to watch the engine's ordering and options on
 * the real CLI: two "slots" replaced when their generation changes (slot-a delete-before-replace as the
 * product's slot that NocoBase does not hold, slot-b create-before-delete), a "handover" that reads slot-b
 * and is updated in place, a retainOnDelete resource, and one renamed with an alias.
 *
 * Config (namespace "engine"): logFile, codeVersion (captured by the provider's code, so a new value is new
 * provider code), generationA, generationB, renamed (true: "kept-new" with an alias to "kept-old").
 */
import * as pulumi from "@pulumi/pulumi";

interface ProbeInputs {
    readonly role: string;
    readonly generation: string;
    readonly reads?: string;
}

function probeProvider(logFile: string, codeVersion: string): pulumi.dynamic.ResourceProvider<ProbeInputs, ProbeInputs & { codeVersion: string }> {
    const log = (line: string) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        (require("node:fs") as typeof import("node:fs")).appendFileSync(logFile, `${Date.now()} ${line} (code ${codeVersion})\n`);
    };
    return {
        create(inputs) {
            log(`create ${inputs.role} ${inputs.generation}`);
            return Promise.resolve({ id: `${inputs.role}-${inputs.generation}`, outs: { ...inputs, codeVersion } });
        },
        diff(_id, olds, news) {
            const replace = news.role !== "handover" && olds.generation !== news.generation;
            const changes = olds.generation !== news.generation || olds.reads !== news.reads;
            return Promise.resolve({ changes, replaces: replace ? ["generation"] : [] });
        },
        update(_id, _olds, news) {
            log(`update ${news.role} ${news.generation}`);
            return Promise.resolve({ outs: { ...news, codeVersion } });
        },
        read(id, props) {
            log(`read ${props?.role ?? id}`);
            return Promise.resolve({ id, props: { ...(props as ProbeInputs), codeVersion } });
        },
        delete(_id, props) {
            log(`delete ${props.role} ${props.generation}`);
            return Promise.resolve();
        },
    };
}

class Probe extends pulumi.dynamic.Resource {
    declare readonly codeVersion: pulumi.Output<string>;

    constructor(provider: pulumi.dynamic.ResourceProvider, name: string, args: Record<string, pulumi.Input<string>>, opts?: pulumi.CustomResourceOptions) {
        super(provider, name, { ...args, codeVersion: undefined }, opts, "engine-test", "Probe");
    }
}

export default function program(): Promise<Record<string, unknown>> {
    const config = new pulumi.Config("engine");
    const provider = probeProvider(config.require("logFile"), config.require("codeVersion"));
    const slotA = new Probe(provider, "slot-a", { role: "slot-a", generation: config.require("generationA") }, { deleteBeforeReplace: true });
    const slotB = new Probe(provider, "slot-b", { role: "slot-b", generation: config.require("generationB") });
    const handover = new Probe(provider, "handover", { role: "handover", generation: config.require("generationB"), reads: slotB.id });
    const retained = new Probe(provider, "retained", { role: "retained", generation: "1" }, { retainOnDelete: true });
    const kept = config.getBoolean("renamed") === true
        ? new Probe(provider, "kept-new", { role: "kept", generation: "1" }, { aliases: [{ name: "kept-old" }] })
        : new Probe(provider, "kept-old", { role: "kept", generation: "1" });
    return Promise.resolve({
        slotA: slotA.id, slotB: slotB.id, handover: handover.id, retained: retained.id, kept: kept.id,
        handoverCode: handover.codeVersion,
    });
}
