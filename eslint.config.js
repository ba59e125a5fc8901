// Lint configuration: typescript-eslint's strict type-checked rules over src, bin and test, and the pipeline's layers.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The pipeline, lowest first: a file may import its own layer and those below, never one above
// (ARCHITECTURE.md). Type-only imports are allowed upward: they describe data, they do not run code
// (criticality rates Findings; the model names the network facts it is given).
const LAYERS = [
  { name: 'text', files: ['src/text/**'] },
  { name: 'collect', files: ['src/collect/**'] },
  { name: 'model', files: ['src/model/**'] },
  { name: 'analysis', files: ['src/analysis/**'] },
  { name: 'rules', files: ['src/rules/**'] },
  { name: 'assess', files: ['src/assess.ts', 'src/assumptions/**'] },
  { name: 'report and issues', files: ['src/report/**', 'src/issues/**', 'src/store/**'] },
  { name: 'cli', files: ['src/cli/**'] },
];
const ABOVE = {
  text: [
    'collect',
    'model',
    'analysis',
    'rules',
    'assumptions',
    'assess',
    'report',
    'issues',
    'store',
    'cli',
  ],
  collect: ['model', 'analysis', 'rules', 'assumptions', 'assess', 'report', 'issues', 'store', 'cli'],
  model: ['analysis', 'rules', 'assumptions', 'assess', 'report', 'issues', 'store', 'cli'],
  analysis: ['rules', 'assumptions', 'assess', 'report', 'issues', 'store', 'cli'],
  rules: ['assumptions', 'assess', 'report', 'issues', 'store', 'cli'],
  assess: ['report', 'issues', 'store', 'cli'],
  'report and issues': ['cli'],
  cli: [],
};
const patternOf = (layer) =>
  layer === 'assess' ? ['**/assess.js', '!**/commands/assess.js'] : [`**/${layer}/**`];
const layerRules = LAYERS.filter((l) => ABOVE[l.name].length > 0).map((l) => ({
  files: l.files,
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: ABOVE[l.name].map((above) => ({
          group: patternOf(above),
          allowTypeImports: true,
          message: `${l.name} may not import ${above}: the pipeline is text → collect → model → analysis → rules → assess → report/issues → cli`,
        })),
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'examples/**',
      '**/*.js',
      '**/*.mjs',
      'vitest.config.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      // A catch names its error and lets the unexpected ones through: a bare `catch {}` turns any bug into silence.
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CatchClause[param=null]',
          message: 'catch the error you expect (catch (err) { if (!(err instanceof X)) throw err; … })',
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  ...layerRules,
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
);
