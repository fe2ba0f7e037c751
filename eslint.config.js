import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**', '.etlctl/**', 'out/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-console': ['error', { allow: ['error', 'warn'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['bench/**', 'test/**', 'bin/**'], rules: { 'no-console': 'off' } },
  // The project's rule: no function over ~150 lines in src/ or steps/ (split along the seams).
  {
    files: ['src/**/*.ts', 'steps/**/*.ts'],
    rules: {
      'max-lines-per-function': [
        'error',
        { max: 150, skipBlankLines: true, skipComments: true, IIFEs: true },
      ],
    },
  },
  // DESIGN.md: arrows point down. Only src/cli prints and reads the command line; libraries
  // (and the front end) never import it, never print, and report through return values and events.
  {
    files: ['src/**/*.ts', 'steps/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/cli', '**/cli/**', '**/cli/*.js'],
              message:
                'only src/cli prints: a library returns values and diagnostics and reports progress through an event interface (DESIGN.md Layout)',
            },
          ],
        },
      ],
      'no-console': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'stdout', message: 'only src/cli prints (src/cli/io.ts)' },
        { object: 'process', property: 'stderr', message: 'only src/cli prints (src/cli/io.ts)' },
        { object: 'process', property: 'argv', message: 'only src/cli reads the command line' },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'steps/**/*.ts'],
    ignores: ['src/cli/**', 'src/front.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/cli', '**/cli/**', '**/cli/*.js'],
              message:
                'only src/cli prints: a library returns values and diagnostics and reports progress through an event interface (DESIGN.md Layout)',
            },
            {
              group: ['**/front.js', '**/front'],
              message: 'the front end sits above the libraries: src/cli calls it, libraries do not',
            },
          ],
        },
      ],
    },
  },
);
