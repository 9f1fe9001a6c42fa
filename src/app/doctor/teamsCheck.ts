import axios from 'axios';
import type { TeamsConfig } from '../../adapters/teams/teamsConfig';
import { result, type CheckResult } from './doctorTypes';

/**
 * The Bot Framework token endpoint: `https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token`, tenant
 * `botframework.com` for a multi-tenant bot (botframework-connector `lib/auth/authenticationConstants.js:19-31`).
 */
export const BOT_LOGIN_URL = 'https://login.microsoftonline.com';

const TITLE = 'Teams bot credentials obtain a Bot Framework token';

/** The bot's Azure credentials obtain a Bot Framework token (client credentials, scope `api.botframework.com`). */
export async function teamsCheck(
    teams: Pick<TeamsConfig, 'botId' | 'botPassword' | 'botType' | 'botTenantId'>,
    options: { loginUrl?: string; timeoutMs: number }
): Promise<CheckResult> {
    if (!teams.botId)
        return result(
            'teams.token',
            TITLE,
            'fail',
            'BOT_ID is empty: the bot runs without Bot Framework authentication (sandbox and tests only)',
            'set BOT_ID and BOT_PASSWORD (and BOT_TENANT_ID for SingleTenant) from the Azure Bot resource'
        );
    if (teams.botType === 'UserAssignedMSI')
        return result('teams.token', TITLE, 'skip', "UserAssignedMSI: the host's managed identity is not checked here");
    const tenant = teams.botType === 'SingleTenant' ? teams.botTenantId : 'botframework.com';
    const url = `${options.loginUrl ?? BOT_LOGIN_URL}/${encodeURIComponent(tenant)}/oauth2/v2.0/token`;
    const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: teams.botId,
        client_secret: teams.botPassword.reveal(),
        scope: 'https://api.botframework.com/.default'
    });
    try {
        const res = await axios.post(url, form.toString(), {
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            timeout: options.timeoutMs,
            validateStatus: () => true
        });
        const body = (res.data ?? {}) as { access_token?: unknown; expires_in?: unknown; error?: unknown };
        if (res.status === 200 && typeof body.access_token === 'string')
            return result('teams.token', TITLE, 'pass', `token issued for ${teams.botType} bot ${teams.botId}`);
        const error = typeof body.error === 'string' ? body.error : `HTTP ${res.status}`;
        return result(
            'teams.token',
            TITLE,
            'fail',
            `refused (${error}) by ${url}`,
            error === 'invalid_client' || error === 'unauthorized_client'
                ? 'BOT_PASSWORD is wrong or expired: create a new client secret for the bot\u2019s app registration (Azure portal > App registrations > Certificates & secrets)'
                : 'BOT_ID / BOT_TYPE / BOT_TENANT_ID must match the Azure Bot resource (Azure portal > Bot > Configuration)'
        );
    } catch (error) {
        const message = (error as { code?: string; message?: string }).code ?? (error as Error).message;
        return result(
            'teams.token',
            TITLE,
            'fail',
            `cannot reach ${url}: ${message}`,
            'allow HTTPS to login.microsoftonline.com from this host'
        );
    }
}
