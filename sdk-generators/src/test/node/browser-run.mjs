// Shared by the scripts that drive Debian's Chromium through playwright-core for the browser tests (the admin
// console's in hetu-server, the first game's in samples): each prints one JSON object per line of what it observed,
// and a failed check prints {"event":"fail"} and ends the run with exit code 1.
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** Chromium's switches for a headless run that reaches nothing but the test's server. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** playwright-core from the test tools' node_modules: it never downloads a browser. */
export function playwright(nodeModules) {
  return createRequire(join(nodeModules, 'resolve-from-here.js'))('playwright-core');
}

export function emit(object) {
  process.stdout.write(JSON.stringify(object) + '\n');
}

/**
 * A function that reports a failure, closes what `closing()` gives (the browser, once launched) and exits 1;
 * an unhandled rejection fails the run the same way.
 */
export function failure(closing) {
  const fail = async (message) => {
    emit({ event: 'fail', message: String(message) });
    await closing()?.close().catch(() => {});
    process.exit(1);
  };
  process.on('unhandledRejection', (error) => fail(`unhandled rejection: ${error?.stack ?? error}`));
  return fail;
}
