import { hasBrand } from './CodedError';

const BRAND = Symbol.for('adherence-drift-bot.ConfigError');

/**
 * The configuration is invalid: `problems` lists every problem found, one line each, naming the variable, the accepted
 * form and what was given (never the value of a secret). The message lists them too. Code `CONFIG_INVALID`.
 */
export class ConfigError extends Error {
    override readonly name = 'ConfigError';
    readonly code = 'CONFIG_INVALID';
    readonly problems: readonly string[];
    readonly [BRAND] = true;

    constructor(problems: readonly string[]) {
        const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
        super(`Invalid configuration (${count}):\n  - ${problems.join('\n  - ')}`);
        this.problems = Object.freeze([...problems]);
    }
}

/** True for a {@link ConfigError}, also one thrown by another copy of this module. */
export function isConfigError(value: unknown): value is ConfigError {
    return hasBrand(value, BRAND);
}
