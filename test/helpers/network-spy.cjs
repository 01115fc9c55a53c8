/**
 * Preloaded (NODE_OPTIONS=--require) into a child process whose network use a test checks: every TCP
 * connection it opens and every DNS lookup it makes is reported on stderr as one `NETWORK <what>` line,
 * whatever endpoint an SDK picks (an SQS client sends to its QueueUrl's host, not to AWS_ENDPOINT_URL).
 * Unix socket paths are local IPC (tsx talks to its own process that way) and are not reported. Nothing
 * is blocked.
 */
const net = require('node:net');
const dns = require('node:dns');

const report = (what) => process.stderr.write(`NETWORK ${what}\n`);
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  // Node calls it with its normalized [options, callback] array, users with (options) or (port, host).
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === 'object' && first !== null ? first : { port: first, host: args[1] };
  if (options.path == null) report(`connect ${options.host ?? 'localhost'}:${options.port}`);
  return connect.apply(this, args);
};
const lookup = dns.lookup;
dns.lookup = function (hostname, ...rest) {
  report(`lookup ${hostname}`);
  return lookup.call(this, hostname, ...rest);
};
