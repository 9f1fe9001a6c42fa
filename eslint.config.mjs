// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const pureFolders = ['src/domain/**/*.ts', 'src/engine/**/*.ts', 'src/sync/pipeline/**/*.ts', 'src/analytics/**/*.ts'];

/** Timers of their own: code that must run on the injected Clock may not use them. */
const timerGlobals = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate'].map((name) => ({
    name,
    message: 'Use the injected Clock.'
}));

/** The wall clock and randomness, reached without an injected port. */
const clockAndRandom = [
    { object: 'Math', property: 'random', message: 'Use an injected Random.' },
    { object: 'Date', property: 'now', message: 'Use the injected Clock.' }
];

export default tseslint.config(
    { ignores: ['lib/**', 'node_modules/**', 'artifacts/**', 'coverage/**'] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        languageOptions: { parserOptions: { ecmaVersion: 2022, sourceType: 'module' } },
        rules: {
            '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
            '@typescript-eslint/consistent-type-imports': 'error',
            'no-console': 'off'
        }
    },
    {
        // app/ is the composition root: only src/index.ts and the sandbox import it (scripts, benches and tests may).
        // The pure folders and the kit below refuse it with their own, stricter lists.
        files: ['src/**/*.ts'],
        ignores: ['src/index.ts', 'src/app/**', 'src/sandbox/**'],
        rules: {
            'no-restricted-imports': [
                'error',
                { patterns: [{ group: ['**/app/**'], message: 'Only index.ts and the sandbox import src/app.' }] }
            ]
        }
    },
    {
        // The emulator stands in for Genesys Cloud: it shares the domain and the kit, never the product's rooms.
        files: ['src/emulator/**/*.ts'],
        rules: {
            'no-restricted-imports': [
                'error',
                {
                    patterns: [
                        {
                            group: [
                                '**/app/**',
                                '**/adapters/**',
                                '**/sandbox/**',
                                '**/sync/**',
                                '**/engine/**',
                                '**/analytics/**',
                                '**/cards/**'
                            ],
                            message: 'The emulator imports only domain, kit and its own modules.'
                        }
                    ]
                }
            ]
        }
    },
    {
        // The pure core: time and randomness come only through injected ports (Clock, Random).
        files: pureFolders,
        rules: {
            'no-restricted-globals': [
                'error',
                ...timerGlobals,
                { name: 'Date', message: 'Use the injected Clock (epoch ms numbers).' },
                { name: 'performance', message: 'Use the injected Clock.' }
            ],
            'no-restricted-properties': [
                'error',
                ...clockAndRandom,
                { object: 'globalThis', property: 'setTimeout', message: 'Use the injected Clock.' },
                { object: 'globalThis', property: 'Date', message: 'Use the injected Clock.' }
            ],
            'no-restricted-imports': [
                'error',
                {
                    paths: [
                        'node:timers',
                        'timers',
                        'node:timers/promises',
                        'timers/promises',
                        'ioredis',
                        'restify',
                        'botbuilder',
                        '@microsoft/teams-ai',
                        'axios',
                        'ws',
                        'node:http',
                        'http'
                    ],
                    patterns: ['**/adapters/**', '**/app/**']
                }
            ]
        }
    },
    {
        // The kit: cross-cutting helpers that depend on nothing but the Clock/Random ports (no package, no I/O, no
        // timers of their own).
        files: ['src/kit/**/*.ts'],
        rules: {
            'no-restricted-imports': [
                'error',
                {
                    patterns: [
                        {
                            regex: '^(?!\\./[^/]+$|\\.\\./domain/clock$)',
                            message: 'src/kit imports only domain/clock and its own modules.'
                        }
                    ]
                }
            ],
            'no-restricted-globals': ['error', ...timerGlobals],
            'no-restricted-properties': ['error', ...clockAndRandom]
        }
    },
    {
        // The one implementation of the Clock port on the wall clock and Node's timers: every other module gets it injected.
        files: ['src/kit/systemClock.ts'],
        rules: { 'no-restricted-globals': 'off', 'no-restricted-properties': 'off' }
    },
    {
        // botbuilder is archived upstream and teams-ai v1 gets fixes only: every import of them stays in one room, so a
        // move to the Microsoft 365 Agents SDK touches only src/adapters/teams. A rule of its own id, so it adds to the
        // room rules above instead of replacing them.
        files: ['src/**/*.ts'],
        ignores: ['src/adapters/teams/**'],
        rules: {
            '@typescript-eslint/no-restricted-imports': [
                'error',
                {
                    patterns: [
                        {
                            group: [
                                'botbuilder',
                                'botbuilder-*',
                                'botframework-*',
                                '@microsoft/teams-ai',
                                '@microsoft/teams-ai/*'
                            ],
                            message: 'botbuilder and teams-ai are imported only inside src/adapters/teams.'
                        }
                    ]
                }
            ]
        }
    },
    {
        // A reader holds a module and a function: no source file over 400 lines, no function over 150.
        files: ['src/**/*.ts'],
        rules: {
            'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }],
            'max-lines-per-function': ['error', { max: 150, skipBlankLines: false, skipComments: false, IIFEs: true }]
        }
    },
    {
        files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
        rules: { '@typescript-eslint/no-non-null-assertion': 'off' }
    }
);
