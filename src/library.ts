/**
 * The package's entry (package.json `main` and `exports`): what TypeScript programs import and what the
 * Pulumi plugin host serves to other languages. Only the component: the plugin host offers every
 * component class exported here.
 */
export { NocobaseMail, type NocobaseMailArgs } from "./nocobase-mail/nocobase-mail";
