import { supersedes } from '../domain/adherence/supersedes';
import type { Job } from './AgentWork';

/**
 * The queue without each observation that the same agent's next queued event supersedes (a repeat with other presence
 * details), which changes no record, log entry or notification. Agents' other events and their order stay.
 */
export function foldQueue(queue: readonly Job[], now: number): Job[] {
    const next = new Map<string, Job>();
    const kept: Job[] = [];
    for (let i = queue.length - 1; i >= 0; i--) {
        const job = queue[i];
        const later = next.get(job.userId);
        if (
            later !== undefined &&
            job.event.type === 'AdherenceObserved' &&
            later.event.type === 'AdherenceObserved' &&
            supersedes(later.event.observation, job.event.observation, now)
        )
            continue;
        next.set(job.userId, job);
        kept.push(job);
    }
    return kept.reverse();
}
