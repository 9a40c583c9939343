/**
 * The package's entry (package.json `main` and `exports`): what TypeScript programs import, and where the
 * provider plugin's ComponentProvider starts deriving the component's schema. Only the component.
 */
export { NocobaseMail, type NocobaseMailArgs } from "./nocobase-mail/nocobase-mail";
