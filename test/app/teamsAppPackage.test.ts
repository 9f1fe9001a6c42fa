import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppManifestUtils } from '@microsoft/app-manifest';

const ROOT = join(__dirname, '..', '..');
const dir = join(ROOT, 'teamsAppManifest');

/** The values the Toolkit fills in when it zips the package (env/.env.<env> plus what provisioning writes there). */
const PROVISIONED: Record<string, string> = {
    TEAMS_APP_ID: '11111111-1111-4111-8111-111111111111',
    BOT_ID: '22222222-2222-4222-8222-222222222222',
    BOT_DOMAIN: 'adherence.example.com'
};

/** The manifest as `teamsApp/zipAppPackage` puts it in the package: every `${{NAME}}` replaced from the env file. */
function packagedManifest(envName: string): Record<string, unknown> {
    const env = Object.fromEntries(
        readFileSync(join(ROOT, 'env', `.env.${envName}`), 'utf8')
            .split('\n')
            .map((line) => /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim()))
            .filter((m): m is RegExpExecArray => m !== null)
            .map((m) => [m[1], m[2] || PROVISIONED[m[1]] || ''])
    );
    const text = readFileSync(join(dir, 'manifest.json'), 'utf8').replace(/\$\{\{(\w+)\}\}/g, (_, name: string) => {
        assert.ok(env[name], `${name} is provided by env/.env.${envName} or by provisioning`);
        return env[name];
    });
    return JSON.parse(text) as Record<string, unknown>;
}

describe('Teams app package, validated offline by @microsoft/app-manifest against the official schema', () => {
    for (const envName of ['dev', 'local'])
        it(`the ${envName} package's manifest is valid and ships its icons`, async () => {
            const manifest = packagedManifest(envName);
            assert.deepEqual(await AppManifestUtils.validateAgainstSchema(manifest as never), []);
            const icons = manifest.icons as { color: string; outline: string };
            for (const file of [icons.color, icons.outline]) assert.ok(readFileSync(join(dir, file)).length > 0, file);
        });

    it('the validator bites: a too-long name, a bad colour and a bot without id are refused', async () => {
        const manifest = packagedManifest('dev') as Record<string, never>;
        const broken = JSON.parse(JSON.stringify(manifest));
        broken.name.short = 'x'.repeat(31);
        broken.accentColor = 'blue';
        delete broken.bots[0].botId;
        const errors = await AppManifestUtils.validateAgainstSchema(broken);
        assert.equal(errors.length, 3, errors.join('\n'));
        assert.match(errors.join('\n'), /name\/short.*30 characters/);
    });
});
