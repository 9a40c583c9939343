/**
 * The base of every error the NocoBase hand-over can throw. Pulumi serializes the dynamic provider's code
 * into the state and rewrites `super(message)` in a class that extends Error as `Error.call(this, message)`,
 * which sets nothing on `this`: on the real engine every such message was lost and `pulumi up` printed
 * "error: undefined". Setting the fields here makes the message survive serialization.
 */
export class SerializableError extends Error {
    constructor(message: string, name: string) {
        super(message);
        this.message = message;
        this.name = name;
    }
}
