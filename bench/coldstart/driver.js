// Loads a Lambda bundle in a fresh node process, hands it one event and prints how long after the
// process started the first event was handled (performance.now() counts from process start), and the
// CPU time spent until then (steadier than wall time on a busy machine).
const { readFileSync } = require('node:fs');
const { handler } = require(process.argv[2]);
const event = JSON.parse(readFileSync(process.argv[3], 'utf8'));
handler(event, {}).then((result) => {
  const cpu = process.cpuUsage();
  process.stdout.write(JSON.stringify({ ms: performance.now(), cpuMs: (cpu.user + cpu.system) / 1000, result }));
}, (error) => {
  process.stdout.write(JSON.stringify({ ms: performance.now(), error: String(error) }));
  process.exitCode = 1;
});
