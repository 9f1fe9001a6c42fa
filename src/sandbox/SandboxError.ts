export type SandboxErrorCode =
    /** A port the sandbox wants is taken by another process. */
    | 'SANDBOX_PORT_IN_USE'
    /** The Agents Playground did not start (missing package, crashed, never answered). */
    | 'SANDBOX_PLAYGROUND_FAILED'
    /** The simulated contact center has no agent the scripted scenario can use. */
    | 'SANDBOX_NO_AGENT';

/** Failure of the sandbox orchestrator. */
export class SandboxError extends Error {
    constructor(
        readonly code: SandboxErrorCode,
        message: string,
        options: { cause?: unknown } = {}
    ) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = 'SandboxError';
    }
}

export function isSandboxError(e: unknown): e is SandboxError {
    return e instanceof SandboxError;
}
