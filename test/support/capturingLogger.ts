import type { Logger } from '../../src/kit/Logger';

export interface LogLine {
    level: 'debug' | 'info' | 'warn' | 'error';
    msg: string;
    fields: Record<string, unknown>;
}

/** A logger that keeps every line it is given (the tests read `lines`, e.g. to assert nothing at error level). */
export function capturingLogger(): Logger & { lines: LogLine[]; at(level: LogLine['level']): LogLine[] } {
    const lines: LogLine[] = [];
    const keep =
        (level: LogLine['level']) =>
        (fields: object, msg: string): void =>
            void lines.push({ level, msg, fields: fields as Record<string, unknown> });
    return {
        lines,
        at: (level) => lines.filter((l) => l.level === level),
        debug: keep('debug'),
        info: keep('info'),
        warn: keep('warn'),
        error: keep('error')
    };
}
