/**
 * Polls `probe` every `intervalMs` until it returns something other than `undefined` (a probe that throws counts as
 * not yet), and resolves with that. This waits for a condition between real processes; the deadline only stops a
 * broken test from hanging, it is never what a test asserts.
 */
export async function eventually<T>(
    probe: () => Promise<T | undefined> | T | undefined,
    what: string,
    { timeoutMs = 15_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {}
): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
        try {
            const found = await probe();
            if (found !== undefined) return found;
        } catch (error) {
            last = error;
        }
        if (Date.now() > deadline)
            throw new Error(`not met in ${timeoutMs} ms: ${what}${last ? ` (${String(last)})` : ''}`);
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
}
