/** The argument parser every command uses (core's, shared with plugins' commands). */
export { didYouMean, parseCommandArgs as parse, parseSubcommand, type CommandOptions as Options } from "@shipgate/core/command";
