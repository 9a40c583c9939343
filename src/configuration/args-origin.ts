/**
 * Component inputs this project's program read from the stack's configuration: a refusal of theirs is fixed
 * with `pulumi config set`, where a refusal of a program's own inputs names the input to change.
 */
const fromStackConfiguration = new WeakSet<object>();

export function readFromStackConfiguration<T extends object>(args: T): T {
    fromStackConfiguration.add(args);
    return args;
}

export function isReadFromStackConfiguration(args: object): boolean {
    return fromStackConfiguration.has(args);
}
