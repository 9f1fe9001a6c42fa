import { AnalyticsError } from './AnalyticsError';

/** What a report is asked for. */
export interface ReportQuery {
    /** Period length, whole days ending now. */
    days: number;
    managementUnitId?: string;
    /** Several units (a supervisors' channel may subscribe to more than one); empty = all. */
    managementUnitIds?: readonly string[];
    teamId?: string;
}

export interface ReportLimits {
    defaultDays: number;
    maxDays: number;
}

const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Validate raw report parameters (HTTP query values or CLI flags; `undefined` = not given).
 * Throws `AnalyticsError` `REPORT_QUERY_INVALID` listing every problem.
 */
export function parseReportQuery(
    raw: { days?: string; unit?: string; team?: string },
    limits: ReportLimits
): ReportQuery {
    const problems: string[] = [];
    let days = limits.defaultDays;
    if (raw.days !== undefined) {
        const text = raw.days.trim();
        if (!/^\d{1,4}$/.test(text) || Number(text) < 1 || Number(text) > limits.maxDays) {
            problems.push(`days must be a whole number from 1 to ${limits.maxDays}, got "${raw.days.slice(0, 20)}"`);
        } else {
            days = Number(text);
        }
    }
    const query: ReportQuery = { days };
    if (raw.unit !== undefined) {
        if (!ID_PATTERN.test(raw.unit))
            problems.push('unit must be a management unit id (letters, digits, . _ : -; at most 128)');
        else query.managementUnitId = raw.unit;
    }
    if (raw.team !== undefined) {
        if (!ID_PATTERN.test(raw.team)) problems.push('team must be a team id (letters, digits, . _ : -; at most 128)');
        else query.teamId = raw.team;
    }
    if (problems.length > 0) {
        throw new AnalyticsError('REPORT_QUERY_INVALID', `Invalid report request: ${problems.join('; ')}`, {
            problems
        });
    }
    return query;
}

/**
 * Parse the text after the `report` command word: `""`, `"14"`, `"14 days"`, `"7d"`.
 * Throws `REPORT_QUERY_INVALID` with a message fit to show the user.
 */
export function parseReportCommand(args: string, limits: ReportLimits): ReportQuery {
    const text = args.trim().toLowerCase();
    if (text === '') return { days: limits.defaultDays };
    const match = /^(\d{1,4})\s*(?:d|day|days)?$/.exec(text);
    if (!match) {
        throw new AnalyticsError(
            'REPORT_QUERY_INVALID',
            `Usage: report [days] — days is a whole number from 1 to ${limits.maxDays} (default ${limits.defaultDays}).`,
            { problems: [`"${args.trim().slice(0, 40)}" is not a number of days`] }
        );
    }
    return parseReportQuery({ days: match[1] }, limits);
}
