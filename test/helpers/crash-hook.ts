/**
 * Test-only: preloaded into a real `skiff` process (`node --import crash-hook.js main.js up …`),
 * it makes the process fail as a bug would when the test sends SIGUSR2, the way chosen by
 * SKIFF_TEST_CRASH: `exception` (a throw from a timer: an uncaught exception), `rejection` (a
 * promise rejected with no handler), `exit` (a stray `process.exit(3)`). Nothing in skiff
 * itself knows of it.
 */
process.on('SIGUSR2', () => {
  const mode = process.env['SKIFF_TEST_CRASH'];
  setTimeout(() => {
    if (mode === 'exception') throw new Error('injected bug: thrown from a timer');
    if (mode === 'rejection') void Promise.reject(new Error('injected bug: rejected promise'));
    if (mode === 'exit') process.exit(3);
  }, 10);
});
