import type { CheckStatus, DoctorReport } from './doctorTypes';

const MARK: Record<CheckStatus, string> = { pass: '✓', warn: '!', fail: '✗', skip: '-' };

/** The report as a table for people: one line per check (✓ pass, ! warn, ✗ fail, - skipped), each fix under it. */
export function formatDoctorReport(report: DoctorReport): string {
    const width = Math.max(...report.checks.map((c) => c.title.length));
    const lines = ['Adherence Drift Bot doctor', ''];
    for (const c of report.checks) {
        lines.push(`${MARK[c.status]} ${c.title.padEnd(width)}  ${c.detail}`);
        if (c.fix && (c.status === 'fail' || c.status === 'warn')) lines.push(`  ${' '.repeat(width)}  fix: ${c.fix}`);
    }
    const failed = report.checks.filter((c) => c.status === 'fail').length;
    const warned = report.checks.filter((c) => c.status === 'warn').length;
    lines.push('');
    lines.push(
        failed === 0
            ? `Nothing blocks production${warned ? ` (${warned} warning${warned === 1 ? '' : 's'})` : ''}.`
            : `${failed} check${failed === 1 ? '' : 's'} block${failed === 1 ? 's' : ''} production.`
    );
    return lines.join('\n');
}
