/** Mocha runs TypeScript directly through tsx; root hooks build the template databases once per run. */
module.exports = {
  require: ['tsx/cjs', 'test/support/hooks.ts'],
  timeout: 30000,
  reporter: process.env.MOCHA_REPORTER || 'test/support/summary-reporter.cjs',
  exit: true,
};
