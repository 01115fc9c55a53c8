/**
 * Writes `.ci/cache/kafka-<version>/broker.jsa`: an AppCDS archive of the classes a broker loads while it
 * starts, which test/helpers/kafka-broker.ts hands to every broker and storage format it runs (about half
 * of the JVM's start). Run by setup.sh after the jars: one broker started and stopped; the JVM writes the
 * archive as it exits on SIGTERM. An archive from another JDK build is ignored by the JVM (-Xshare:auto),
 * and setup.sh writes a new one when `java -version` changes.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { locateKafka, startKafkaBroker } from '../../test/helpers/kafka-broker';

async function main(): Promise<void> {
  const located = locateKafka();
  if ('missing' in located) throw new Error(located.missing);
  const partial = `${located.classArchive}.partial`;
  rmSync(partial, { force: true });
  // Writing 50 MB of archive at exit takes a few seconds past the usual stop.
  const broker = await startKafkaBroker({ jvmFlags: [`-XX:ArchiveClassesAtExit=${partial}`], stopGraceMs: 60_000 });
  await broker.stop();
  if (!existsSync(partial)) throw new Error(`the broker exited without writing ${partial}`);
  // Atomic: a broker starting meanwhile (another worktree's tests) maps the old file or the new, never half of one.
  renameSync(partial, located.classArchive);
}

main().catch((e) => {
  console.error(`kafka class archive: ${(e as Error).message}`);
  process.exit(1);
});
