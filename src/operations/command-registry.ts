/**
 * Every command of the `nocobase-entra-mail` tool, in the order its help lists them. Adding a command is one
 * entry here: its folder in src/operations/ exports a `defineCommand(...)` (parser and run function).
 */
import type { ToolCommand } from "./command-line";
import { adoptCommand } from "./adoption/adopt-command";
import { bootstrapCommand } from "./bootstrap/bootstrap-command";
import { doctorCommand } from "./doctor/doctor-command";
import { emailSettingsCommand } from "./email-settings/email-settings-command";
import { fleetCommand } from "./fleet/fleet-run";
import { planCommand } from "./plan/plan-command";
import { pushCommand } from "./push/push-command";

export const COMMANDS: readonly ToolCommand[] = [
    planCommand,
    doctorCommand,
    adoptCommand,
    bootstrapCommand,
    pushCommand,
    emailSettingsCommand,
    fleetCommand,
];
