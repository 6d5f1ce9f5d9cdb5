import type { Logger } from './logger';

/** One unit of background work; returns how much it did so the runner can loop while there is more. */
export type JobFn = () => Promise<number | void>;

interface Job {
  name: string;
  intervalMs: number;
  run: JobFn;
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
}

/**
 * Runs registered background jobs (outbox delivery, rollups, purges) on intervals. Jobs keep no state in
 * memory: several instances may run them at once, each claiming rows with `FOR UPDATE SKIP LOCKED`.
 */
export class JobRunner {
  private readonly jobs = new Map<string, Job>();
  private started = false;

  constructor(private readonly log: Logger) {}

  /** Adds a job; it runs every `intervalMs`, and again at once while it reports work done. */
  register(name: string, intervalMs: number, run: JobFn): void {
    if (this.jobs.has(name)) throw new Error(`Job ${name} is already registered`);
    const job: Job = { name, intervalMs, run };
    this.jobs.set(name, job);
    if (this.started) this.schedule(job, 0);
  }

  /** Runs one job once now (tests and CLI commands drive jobs this way). */
  async runOnce(name: string): Promise<number> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`No job named ${name}`);
    return (await job.run()) ?? 0;
  }

  names(): string[] {
    return [...this.jobs.keys()];
  }

  start(): void {
    this.started = true;
    for (const job of this.jobs.values()) this.schedule(job, job.intervalMs);
  }

  /** Stops scheduling and waits for runs in progress. */
  async stop(): Promise<void> {
    this.started = false;
    for (const job of this.jobs.values()) clearTimeout(job.timer);
    await Promise.all([...this.jobs.values()].map((j) => j.running));
  }

  private schedule(job: Job, delay: number): void {
    job.timer = setTimeout(() => {
      job.running = (async () => {
        let more = false;
        try {
          more = ((await job.run()) ?? 0) > 0;
        } catch (err) {
          this.log.error({ err, job: job.name }, 'background job failed');
        }
        if (this.started) this.schedule(job, more ? 0 : job.intervalMs);
      })();
    }, delay);
    job.timer.unref();
  }
}
