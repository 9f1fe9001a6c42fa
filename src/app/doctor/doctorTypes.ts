/** How a check went: `fail` blocks production, `warn` is worth knowing, `skip` means the feature is not configured. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** One line of the doctor's report. Never holds a secret. */
export interface CheckResult {
    /** Stable id, e.g. `genesys.login`, `sync.source` (for machines). */
    id: string;
    /** What was checked, for people. */
    title: string;
    status: CheckStatus;
    /** What was found. */
    detail: string;
    /** The exact fix, for `fail` and `warn`. */
    fix?: string;
}

/** What `npm run doctor` prints (`--json` prints this object). */
export interface DoctorReport {
    /** True when no check failed: nothing blocks production. */
    ok: boolean;
    checks: CheckResult[];
}

/** A check result built in one line. */
export function result(id: string, title: string, status: CheckStatus, detail: string, fix?: string): CheckResult {
    return fix === undefined ? { id, title, status, detail } : { id, title, status, detail, fix };
}
