// Preloaded into the server by the bench only (`node --expose-gc --require`):
// on SIGUSR2 it runs a full garbage collection and says so on stderr, so that
// the bench can read the memory the server really keeps apart from garbage
// V8 has not collected yet. Nothing else changes in the server.
'use strict';
process.on('SIGUSR2', () => {
  if (typeof global.gc === 'function') {
    global.gc();
    global.gc();
  }
  process.stderr.write('pysec-bench: gc done\n');
});
