export type SandboxErrorCode =
    /** A `SANDBOX_*` setting is invalid (the message lists every problem). */
    | 'SANDBOX_CONFIG_INVALID'
    /** A port the sandbox wants is taken by another process. */
    | 'SANDBOX_PORT_IN_USE'
    /** The Agents Playground did not start (missing package, crashed, never answered). */
    | 'SANDBOX_PLAYGROUND_FAILED'
    /** The simulated contact center has no agent the scripted scenario can use. */
    | 'SANDBOX_NO_AGENT';

/** Failure of the sandbox orchestrator. */
export class SandboxError extends Error {
    readonly problems: readonly string[];
    constructor(
        readonly code: SandboxErrorCode,
        message: string,
        options: { problems?: string[]; cause?: unknown } = {}
    ) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = 'SandboxError';
        this.problems = Object.freeze([...(options.problems ?? [])]);
    }
}

export function isSandboxError(e: unknown): e is SandboxError {
    return e instanceof SandboxError;
}
