import type { Agent, ContactCenter, Unit } from '../center/ContactCenter';
import { notFound } from './HttpError';

/** The agent (user) `id`; 404 when the contact center has none. */
export function agentOr404(center: ContactCenter, id: string): Agent {
    const agent = center.agents.get(id);
    if (!agent) throw notFound(`User ${id} not found`);
    return agent;
}

/** The management unit `id`; 404 when the contact center has none. */
export function unitOr404(center: ContactCenter, id: string): Unit {
    const unit = center.unit(id);
    if (!unit) throw notFound(`Management unit ${id} not found`);
    return unit;
}
