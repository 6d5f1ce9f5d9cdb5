import { buildTemplate, dropTemplate } from './db';

/** Root hooks: the migrated template database is built once per run, and dropped at the end. */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    await buildTemplate();
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await dropTemplate();
  },
};
