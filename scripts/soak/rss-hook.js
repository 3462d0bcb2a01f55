// Preloaded (`node -r`) into each process the soak measures: when the process exits it writes its
// peak resident set size (getrusage's maxrss) and its lifetime to the file named by SOAK_PROBE_OUT,
// so `strangler report` is measured as the real CLI process, unchanged.
'use strict';
const fs = require('node:fs');
const { performance } = require('node:perf_hooks');

const out = process.env.SOAK_PROBE_OUT;
if (out) {
  process.on('exit', (code) => {
    // maxRSS is in kilobytes; performance.now() counts from the process's start.
    fs.writeFileSync(out, JSON.stringify({ code, maxRssBytes: process.resourceUsage().maxRSS * 1024, ms: performance.now() }));
  });
}
