/**
 * Runs once in the test runner's main process, around all the workers: a directory of this run's
 * own, in which the workers share what is costly to build and the same for all of them (the demo
 * platform of the browser tests). Removed when the run ends; a run killed before it could remove
 * its directory has it removed by the next run.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The directory the workers of this run share. */
    sharedDir: string;
  }
}

const PREFIX = 'fh-test-run-';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Left by a run that was killed: its process is gone.
  for (const name of await readdir(tmpdir())) {
    const owner = new RegExp(`^${PREFIX}(\\d+)-`).exec(name);
    if (owner && Number(owner[1]) !== process.pid && !alive(Number(owner[1]))) await rm(path.join(tmpdir(), name), { recursive: true, force: true });
  }
  const sharedDir = await mkdtemp(path.join(tmpdir(), `${PREFIX}${process.pid}-`));
  project.provide('sharedDir', sharedDir);
  return async () => {
    await rm(sharedDir, { recursive: true, force: true });
  };
}
