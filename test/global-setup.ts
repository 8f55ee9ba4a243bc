// Builds dist/ once before the suite, for the tests that run the real `nexus` command in a child process.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  try {
    execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], {
      stdio: 'pipe',
    });
  } catch (err) {
    const out =
      err instanceof Error && 'stdout' in err ? String((err as { stdout: unknown }).stdout) : String(err);
    // Unit tests still run; the CLI tests then fail loudly on a missing or stale dist/.
    console.warn(`global-setup: build failed, CLI tests will use the last build:\n${out.slice(0, 2000)}`);
  }
}
