// The Pulumi program Pulumi.yaml's `main` names. Its body is src/program.ts, which the package ships compiled,
// so that `nocobase-entra-mail plan` evaluates the very program `pulumi up` runs, from a clone or installed.
export * from "./src/program";
