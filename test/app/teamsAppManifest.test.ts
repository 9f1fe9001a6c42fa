import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS } from '../../src/adapters/teams/commands/commands';

const dir = join(__dirname, '..', '..', 'teamsAppManifest');

function pngSize(file: string): { width: number; height: number; colorType: number } {
    const buf = readFileSync(join(dir, file));
    assert.deepEqual([...buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${file} is a PNG`);
    assert.equal(buf.subarray(12, 16).toString('ascii'), 'IHDR');
    return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20), colorType: buf[25] };
}

describe('Teams app manifest', () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

    it('has the required fields on a recent schema', () => {
        const version = /v(\d+)\.(\d+)/.exec(manifest.$schema);
        assert.ok(version && (Number(version[1]) > 1 || Number(version[2]) >= 19), 'schema v1.19 or newer');
        assert.equal(manifest.manifestVersion, `${version![1]}.${version![2]}`);
        for (const field of ['version', 'id', 'developer', 'icons', 'name', 'description', 'accentColor'])
            assert.ok(manifest[field], field);
        for (const field of ['name', 'websiteUrl', 'privacyUrl', 'termsOfUseUrl'])
            assert.ok(manifest.developer[field], `developer.${field}`);
        assert.ok(manifest.name.short.length <= 30 && manifest.name.full.length <= 100);
        assert.ok(manifest.description.short.length <= 80 && manifest.description.full.length <= 4000);
        assert.match(manifest.accentColor, /^#[0-9A-Fa-f]{6}$/);
    });

    it('declares the bot in personal, team and group chat with every command', () => {
        const [bot] = manifest.bots;
        assert.equal(bot.botId, '${{BOT_ID}}');
        assert.deepEqual([...bot.scopes].sort(), ['groupChat', 'personal', 'team']);
        const titles = bot.commandLists.flatMap((l: { commands: Array<{ title: string }> }) =>
            l.commands.map((c) => c.title)
        );
        assert.deepEqual(titles.sort(), COMMANDS.map((c) => c.name.split(' ')[0]).sort());
        for (const list of bot.commandLists) assert.ok(list.commands.length <= 10, 'at most 10 commands per list');
    });

    it('ships icons of the required sizes (color 192×192, outline 32×32 with transparency)', () => {
        assert.deepEqual(pngSize(manifest.icons.color), { width: 192, height: 192, colorType: 6 });
        const outline = pngSize(manifest.icons.outline);
        assert.equal(outline.width, 32);
        assert.equal(outline.height, 32);
        assert.equal(outline.colorType, 6, 'RGBA: white on transparent');
    });

    it('is referenced by the Toolkit project files', () => {
        for (const file of ['teamsapp.yml', 'teamsapp.local.yml']) {
            const yml = readFileSync(join(dir, '..', file), 'utf8');
            assert.match(yml, /manifestPath: \.\/teamsAppManifest\/manifest\.json/);
            assert.match(yml, /^version: v1\.\d+/m);
            assert.match(yml, /botFramework\/create/);
        }
    });

    it('deploy stage (teamsapp.yml) builds, drops dev dependencies and ships what npm start runs', () => {
        const deploy = stage(readFileSync(join(dir, '..', 'teamsapp.yml'), 'utf8'), 'deploy');
        assert.deepEqual(
            deploy.map((s) => s.uses + (s.with.args ? ` ${s.with.args}` : '')),
            [
                'cli/runNpmCommand ci',
                'cli/runNpmCommand run build',
                'cli/runNpmCommand prune --omit=dev',
                'azureAppService/zipDeploy'
            ]
        );
        const zip = deploy[3].with;
        assert.equal(zip.artifactFolder, '.');
        assert.equal(zip.resourceId, '${{BOT_AZURE_APP_SERVICE_RESOURCE_ID}}');
        const ignored = readFileSync(join(dir, '..', zip.ignoreFile), 'utf8')
            .split('\n')
            .map((l) => l.trim())
            .filter((l) => l && !l.startsWith('#'));
        for (const shipped of ['lib/', 'node_modules/', 'package.json', 'package-lock.json'])
            assert.ok(!ignored.some((p) => p === shipped || p === `/${shipped}`), `${shipped} is shipped`);
        for (const dropped of ['src/', 'test/', 'bench/', 'env/', '.localConfigs*'])
            assert.ok(ignored.includes(dropped), `${dropped} is not shipped`);
    });

    it('packages the app with the v1.7 zipAppPackage parameters', () => {
        for (const file of ['teamsapp.yml', 'teamsapp.local.yml']) {
            const yml = readFileSync(join(dir, '..', file), 'utf8');
            for (const step of [...stage(yml, 'provision'), ...stage(yml, 'publish', false)].filter(
                (s) => s.uses === 'teamsApp/zipAppPackage'
            ))
                assert.deepEqual(
                    Object.keys(step.with).sort(),
                    ['manifestPath', 'outputFolder', 'outputZipPath'],
                    file
                );
        }
    });

    it('local debugging: .localConfigs in test mode from Toolkit values, loaded by npm run dev:teamsfx, no secret committed', () => {
        const local = stage(readFileSync(join(dir, '..', 'teamsapp.local.yml'), 'utf8'), 'deploy');
        const file = local.find((s) => s.uses === 'file/createOrUpdateEnvironmentFile');
        assert.ok(file, 'writes .localConfigs');
        assert.equal(file.with.target, './.localConfigs');
        assert.equal(file.envs.ADHERENCE_MODE, 'test');
        assert.equal(file.envs.BOT_ID, '${{BOT_ID}}');
        assert.equal(file.envs.BOT_PASSWORD, '${{SECRET_BOT_PASSWORD}}');
        for (const [name, value] of Object.entries(file.envs))
            if (/PASSWORD|SECRET|TOKEN|REDIS_URL/.test(name)) assert.match(value, /^\$\{\{SECRET_\w+\}\}$/, name);
        const pkg = JSON.parse(readFileSync(join(dir, '..', 'package.json'), 'utf8'));
        assert.match(pkg.scripts['dev:teamsfx'], /--env-file=\.localConfigs /);
        const ignored = readFileSync(join(dir, '..', '.gitignore'), 'utf8');
        assert.match(ignored, /^\.localConfigs\*?$/m);
        assert.match(ignored, /^env\/\.env\.\*\.user$/m);
    });
});

interface Step {
    uses: string;
    with: Record<string, string>;
    /** `with.envs` of file/createOrUpdateEnvironmentFile. */
    envs: Record<string, string>;
}

/**
 * The steps of one stage of a Toolkit project file, read from the two-space layout these files use (`- uses:`, then
 * `with:` scalars and `envs:` entries): enough to check what each step runs without a YAML dependency.
 */
function stage(yml: string, name: string, required = true): Step[] {
    const body = new RegExp(`^${name}:\\n([\\s\\S]*?)(?=^\\S|(?![\\s\\S]))`, 'm').exec(yml);
    if (!body) {
        assert.ok(!required, `stage ${name}`);
        return [];
    }
    const steps: Step[] = [];
    let nested = '';
    for (const line of body[1].split('\n')) {
        const uses = /^ {2}- uses: (\S+)/.exec(line);
        if (uses) {
            steps.push({ uses: uses[1], with: {}, envs: {} });
            continue;
        }
        const entry = /^(\s+)([\w.-]+): ?(.*)$/.exec(line);
        const step = steps[steps.length - 1];
        if (!entry || !step) continue;
        const [, indent, key, raw] = entry;
        const value = raw.replace(/^'(.*)'$/, '$1');
        if (indent.length === 6) {
            nested = value === '' ? key : '';
            if (value !== '') step.with[key] = value;
        } else if (indent.length === 8 && nested === 'envs') step.envs[key] = value;
    }
    return steps;
}
