/** Median (mean of the two middle values for an even count) of sorted values. */
export function median(sorted: readonly number[]): number | null {
    if (sorted.length === 0) return null;
    const mid = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
    if (sorted.length === 0) return null;
    return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}
